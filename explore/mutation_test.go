package explore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// Tests for mutants of explore/ that the rest of the suite let through.

// TestMutationLongLengths: states whose length needs a three-byte uvarint
// (16,384 bytes and more) or a four-byte one (2 MiB) take exactly their
// footprint: each reads back whole, and so does the state after it.
// (uvarintLen's boundary.)
func TestMutationLongLengths(t *testing.T) {
	s := newStore()
	defer s.release()
	lens := []int{16383, 16384, 16511, 16512, 7, 1 << 21, 3, 1<<21 - 1, 254, 255}
	var all [][]byte
	for i, n := range lens {
		b := bytes.Repeat([]byte{byte(0x10 + i)}, n)
		if n > 0 {
			b[0], b[n-1] = byte(0xa0+i), byte(0xc0+i) // first and last bytes differ from the neighbours'
		}
		if _, added := s.insert(b, s.hash(b)); !added {
			t.Fatalf("state %d not added", i)
		}
		all = append(all, b)
	}
	for i, b := range all {
		if got := s.get(uint32(i)); !bytes.Equal(got, b) {
			t.Errorf("get(%d) (%d bytes) reads %d bytes, not the state stored", i, len(b), len(got))
		}
	}
}

// TestMutationCountsAtTheBoundary: a sum of exactly 2^64-1 (the value that
// marks a big count) goes to the big counts, not into the small slot.
// (counts.add's a < bigMark-b.)
func TestMutationCountsAtTheBoundary(t *testing.T) {
	for _, tc := range []struct{ a, b uint64 }{
		{math.MaxUint64 - 1, 1},
		{1, math.MaxUint64 - 1},
		{math.MaxUint64 / 2, math.MaxUint64/2 + 1},
		{0, math.MaxUint64 - 1},
	} {
		var c, src counts
		c.reset(1)
		src.reset(1)
		c.small[0], src.small[0] = tc.a, tc.b
		c.add(0, &src, 0)
		want := new(big.Int).Add(new(big.Int).SetUint64(tc.a), new(big.Int).SetUint64(tc.b))
		if got := c.get(0); got == nil || got.Cmp(want) != 0 {
			t.Errorf("%d + %d = %v, want %v", tc.a, tc.b, got, want)
		}
		total := new(big.Int)
		c.addTo(total, 0)
		if total.Cmp(want) != 0 {
			t.Errorf("addTo after %d + %d: %v, want %v", tc.a, tc.b, total, want)
		}
	}
}

// TestMutationStoreReserveMany: one reservation of more states than one
// step of growth takes still leaves the table at most 0.85 full, and every
// state is found. (store.reserve grows until not overfull.)
func TestMutationStoreReserveMany(t *testing.T) {
	s := newStore()
	defer s.release()
	const n = 90_000 // one step (65,536 → 98,304 slots) is not enough
	first, at := s.reserve(n, n*4)
	for i := range n {
		b := binary.LittleEndian.AppendUint32(nil, uint32(i))
		at = s.put(first+uint32(i), at, b, s.hash(b))
	}
	if overfull(s.len(), len(s.table)) {
		t.Errorf("%d states in %d slots: beyond 0.85", s.len(), len(s.table))
	}
	for i := range n {
		b := binary.LittleEndian.AppendUint32(nil, uint32(i))
		if id, ok := s.lookup(b, s.hash(b)); !ok || id != first+uint32(i) {
			t.Fatalf("lookup of state %d: %d, %v", i, id, ok)
		}
	}
}

// TestMutationFPStoreNextLevel: the fingerprint store's table of the next
// level keeps each state's id when it grows (rehash with ids), stays at
// most half full, and an older level's state is found with id ^0.
func TestMutationFPStoreNextLevel(t *testing.T) {
	s := newFPStore()
	defer s.release()
	key := func(i int) []byte { return binary.LittleEndian.AppendUint32([]byte{1}, uint32(i)) }
	root := []byte{0}
	s.insert(root, s.hash(root))
	s.level(0)
	s.level(1)     // the root is now of an older level
	const n = 3000 // the next level's table grows from 1,024 slots twice
	for i := range n {
		b := key(i)
		id, added := s.insert(b, s.hash(b))
		if !added || id != uint32(i+1) {
			t.Fatalf("insert %d: %d, %v", i, id, added)
		}
		used := 0
		for _, e := range s.next {
			if e != 0 {
				used++
			}
		}
		if 2*used > len(s.next) {
			t.Fatalf("after %d states the next level's table holds %d of %d slots: more than half", i+1, used, len(s.next))
		}
	}
	for i := range n {
		b := key(i)
		if id, ok := s.lookup(b, s.hash(b)); !ok || id != uint32(i+1) {
			t.Fatalf("lookup of state %d of the next level: %d, %v; want %d", i, id, ok, i+1)
		}
	}
	if id, ok := s.lookup(root, s.hash(root)); !ok || id != ^uint32(0) {
		t.Errorf("lookup of an older level's state: %d, %v; want ^0, true", id, ok)
	}
}

// TestMutationCollisionProbability: the fingerprint search's estimate is
// TLC's, n × (transitions − n) / 2^64; the exact store's is zero.
func TestMutationCollisionProbability(t *testing.T) {
	res := mustRun(t, context.Background(), grid(4, 6), Options{Fingerprints: true})
	n, tr := float64(res.States), float64(res.Transitions)
	if want := n * (tr - n) / math.Pow(2, 64); res.States != 35 || res.Transitions != 58 || res.CollisionProbability != want {
		t.Errorf("%d states, %d transitions: probability %g, want %g", res.States, res.Transitions, res.CollisionProbability, want)
	}
	if res := mustRun(t, context.Background(), grid(4, 6), Options{}); res.CollisionProbability != 0 {
		t.Errorf("exact store: probability %g, want 0", res.CollisionProbability)
	}
}

// TestMutationDFSDepth: a depth-first search reports the deepest level it
// reached, and at the depth limit stores no state deeper than the limit (the grid's
// paths to a state all have the same length, so its depth is exact).
func TestMutationDFSDepth(t *testing.T) {
	for _, tc := range []struct {
		name          string
		g             *graph
		maxDepth      int
		depth, states int64
	}{
		{"grid 4x6", grid(4, 6), 0, 10, 35},
		{"chain", adjacency([][]int{{1}, {2}, {3}, {}}), 0, 3, 4},
		{"grid 5x5 depth 3", grid(5, 5), 3, 3, 10},
		{"grid 5x5 depth 1", grid(5, 5), 1, 1, 3},
	} {
		res := mustRun(t, context.Background(), tc.g, Options{Strategy: DFS, MaxDepth: tc.maxDepth})
		if int64(res.Depth) != tc.depth || res.States != tc.states {
			t.Errorf("%s: depth %d, %d states; want %d, %d", tc.name, res.Depth, res.States, tc.depth, tc.states)
		}
		// At the depth limit both strategies report the limit: the
		// deepest states were stored and looked at.
		if bfs := mustRun(t, context.Background(), tc.g, Options{MaxDepth: tc.maxDepth}); bfs.Depth != res.Depth {
			t.Errorf("%s: depth %d depth-first, %d breadth-first", tc.name, res.Depth, bfs.Depth)
		}
	}
}

// TestMutationProgress: with a short ProgressEvery, Progress is called
// during the search with figures that grow and stay within the result.
func TestMutationProgress(t *testing.T) {
	for _, s := range []Strategy{BFS, DFS} {
		var calls []Stats
		opts := Options{Strategy: s, ProgressEvery: time.Nanosecond, Progress: func(st Stats) { calls = append(calls, st) }}
		res := mustRun(t, context.Background(), grid(40, 40), opts)
		if len(calls) == 0 {
			t.Errorf("%s: Progress never called", s)
			continue
		}
		for i, c := range calls {
			if c.States < 1 || c.States > res.States || c.Transitions > res.Transitions || c.Depth > 80 || c.StoreBytes <= 0 {
				t.Errorf("%s: progress %d: %+v beyond the result %+v", s, i, c, res.Stats)
			}
			if i > 0 && (c.States < calls[i-1].States || c.Transitions < calls[i-1].Transitions) {
				t.Errorf("%s: progress %d went back: %+v after %+v", s, i, c, calls[i-1])
			}
		}
	}
}

// TestMutationCountPathsCancelled: a context cancelled while the paths of
// a non-layered graph are counted again (after the search itself) stops
// the count: no count rather than a late one. (countPaths' ctx check.)
func TestMutationCountPathsCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	g := diamonds(400, true) // 1,201 states, not layered
	states := int(referenceOf(diamonds(400, true)).states)
	calls := 0
	g.hook = func(int) {
		if calls++; calls == states+1 { // the first expansion of countPaths
			cancel()
		}
	}
	res := mustRun(t, ctx, g, Options{})
	if res.States != int64(states) || res.Executions != nil {
		t.Errorf("%d states, executions %v: want %d states and no count", res.States, res.Executions, states)
	}
	// Interrupted while counting is an incomplete search, not a cycle.
	if res.Complete || res.Stopped != "interrupted" || strings.Contains(res.ExecutionsNote, "cycle") {
		t.Errorf("complete %v, stopped %q, note %q: want an interrupted search", res.Complete, res.Stopped, res.ExecutionsNote)
	}
}

// TestMutationStateLimitInWideLevel: the state limit reached in a segment
// before a level's last stops the level there: the other segments store
// nothing more and count nothing (for any number of workers).
func TestMutationStateLimitInWideLevel(t *testing.T) {
	mk := wideGraph(11, 4, 1000)
	for _, limit := range []int{1001 + 100, 1001 + 700} {
		trans, term, count := cutReference(mk(), limit)
		for _, workers := range []int{1, 3} {
			opts := Options{MaxStates: int64(limit), Workers: workers, NewSpace: func() Space { return mk() }}
			res := mustRun(t, context.Background(), mk(), opts)
			name := fmt.Sprintf("limit %d, %d workers", limit, workers)
			if res.Complete || res.States != int64(limit) || res.Transitions != trans || res.Terminal != term {
				t.Errorf("%s: complete %v, %d states, %d transitions, %d terminal; want %d, %d, %d",
					name, res.Complete, res.States, res.Transitions, res.Terminal, limit, trans, term)
			}
			if got := findingCounts(res); !reflect.DeepEqual(got, count) {
				t.Errorf("%s: findings %v, want %v", name, got, count)
			}
		}
	}
}

// TestMutationSimulateFirstAmongEquals: the occurrence a simulation keeps
// is the shortest, and among equally short ones that of the earliest run:
// one more run whose occurrence is no shorter changes nothing kept.
func TestMutationSimulateFirstAmongEquals(t *testing.T) {
	type kept struct{ run, length int }
	prev := map[string]kept{}
	for runs := 1; runs <= 40; runs++ {
		res, err := Simulate(context.Background(), chain{6}, SimOptions{Runs: runs, Seed: 9})
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range res.Findings {
			now := kept{f.Run, len(f.Path)}
			if p, ok := prev[f.Key]; ok && now.length >= p.length && now != p {
				t.Fatalf("%d runs: %q kept run %d (%d events), with %d runs run %d (%d events)", runs, f.Key, now.run, now.length, runs-1, p.run, p.length)
			}
			prev[f.Key] = now
		}
	}
}

// TestMutationSimulateTransitionAndProgress: Transition gets the state
// before and the state after the step, in that order; Progress is called
// between runs with growing figures.
func TestMutationSimulateTransitionAndProgress(t *testing.T) {
	g := adjacency([][]int{{1}, {2}, {}})
	g.trans = func(from, to, ev int) []Finding { return []Finding{{Key: fmt.Sprintf("%d->%d", from, to)}} }
	var runs []int
	var steps []int64
	res, err := Simulate(context.Background(), g, SimOptions{Runs: 5, ProgressEvery: time.Nanosecond,
		Progress: func(r int, s int64, _ time.Duration) { runs, steps = append(runs, r), append(steps, s) }})
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, f := range res.Findings {
		keys = append(keys, f.Key)
		if f.Count != 5 {
			t.Errorf("%s: count %d, want 5", f.Key, f.Count)
		}
	}
	if !reflect.DeepEqual(keys, []string{"0->1", "1->2"}) {
		t.Errorf("transition findings %v, want [0->1 1->2]", keys)
	}
	if len(runs) == 0 {
		t.Fatal("Progress never called")
	}
	for i := range runs {
		if runs[i] < 1 || runs[i] > 5 || steps[i] != 2*int64(runs[i]) || i > 0 && runs[i] <= runs[i-1] {
			t.Errorf("progress %d: %d runs, %d steps", i, runs[i], steps[i])
		}
	}
}

// TestMutationLimitsWithinALevel: the limits are looked at within a wide
// level too (every checkSegments segments settled), not only between
// levels: a context cancelled early in a level of 20,000 states stops the
// search before that level's successors are all stored.
func TestMutationLimitsWithinALevel(t *testing.T) {
	const w = 20_000
	mk := func(cancel func()) *graph {
		return &graph{
			succ: func(n int) []int {
				switch {
				case n == 0:
					out := make([]int, w)
					for i := range out {
						out[i] = 1 + i
					}
					return out
				case n <= w:
					return []int{w + n}
				}
				return nil
			},
			hook: func(n int) {
				if n == 100 && cancel != nil {
					cancel()
				}
			},
		}
	}
	for _, workers := range []int{1, 2} {
		ctx, cancel := context.WithCancel(context.Background())
		opts := Options{Workers: workers, NewSpace: func() Space { return mk(cancel) }}
		res := mustRun(t, ctx, mk(cancel), opts)
		cancel()
		if res.Complete || res.Stopped != "interrupted" || res.States >= 1+2*w {
			t.Errorf("%d workers: complete %v, stopped %q, %d states; want interrupted within the level (fewer than %d)",
				workers, res.Complete, res.Stopped, res.States, 1+2*w)
		}
	}
}

// TestStateLimitSameInBothStrategies: the state limit cuts a state's
// successors right after the one that took the last state it allows, in a
// depth-first search as in a breadth-first one: later successors are
// neither counted as transitions nor checked.
func TestStateLimitSameInBothStrategies(t *testing.T) {
	g := adjacency([][]int{{1, 2, 0}, {}, {}})
	g.trans = func(from, to, ev int) []Finding {
		if from == 0 && ev > 0 {
			return []Finding{{Key: fmt.Sprintf("0->%d", to), Violation: true}}
		}
		return nil
	}
	for _, s := range []Strategy{BFS, DFS} {
		res := mustRun(t, context.Background(), g, Options{Strategy: s, MaxStates: 2})
		if res.Complete || res.States != 2 || res.Transitions != 1 || len(res.Findings) != 0 {
			t.Errorf("%s: complete %v, %d states, %d transitions, %d findings; want incomplete, 2, 1, 0",
				s, res.Complete, res.States, res.Transitions, len(res.Findings))
		}
	}
}

// TestOverMemory: the memory limit stops a search whose memory, what it
// added since the last look and its tables' next growth would together
// pass the limit less a twentieth.
func TestOverMemory(t *testing.T) {
	for _, tc := range []struct {
		limit, mem, delta, growth int64
		want                      bool
	}{
		{2000, 1900, 0, 0, false},
		{2000, 1901, 0, 0, true},
		{2000, 1000, 400, 500, false},
		{2000, 1000, 901, 0, true},
		{2000, 1000, 0, 901, true},
		{2000, 1, 1, 1899, true},
		{1 << 30, 1<<30 - 1<<30/20, 0, 0, false},
		{1 << 30, 1<<30 - 1<<30/20 + 1, 0, 0, true},
	} {
		if got := overMemory(tc.limit, tc.mem, tc.delta, tc.growth); got != tc.want {
			t.Errorf("overMemory(%d, %d, %d, %d) = %v, want %v", tc.limit, tc.mem, tc.delta, tc.growth, got, tc.want)
		}
	}
}

// TestStoreGrowthPredicted: each store's growth(n) is zero when n more
// states leave its tables as they are; when they grow, it is at least
// what the tables add and at most three times the tables' new size.
func TestStoreGrowthPredicted(t *testing.T) {
	tables := func(s stateStore) int64 {
		switch s := s.(type) {
		case *store:
			return int64(len(s.table)) * 8
		case *fpStore:
			return int64(len(s.table))*8 + int64(len(s.next))*12
		}
		t.Fatalf("unknown store %T", s)
		return 0
	}
	for _, n := range []int{1, 500, 511, 512, 513, 2000, 55_000, 55_706, 55_707, 60_000, 90_000, 200_000} {
		for _, s := range []stateStore{newStore(), newFPStore()} {
			before := tables(s)
			want := s.growth(n)
			s.reserve(n, n*8)
			after := tables(s)
			switch {
			case after == before && want != 0:
				t.Errorf("%T, %d states: growth %d, tables unchanged", s, n, want)
			case after != before && want < after-before:
				t.Errorf("%T, %d states: growth %d, tables grew by %d", s, n, want, after-before)
			case after != before && want > 3*after:
				// The sum of the tables allocated on the way, each at
				// most two thirds of the next.
				t.Errorf("%T, %d states: growth %d, more than three times the new tables' %d bytes", s, n, want, after)
			}
			s.release()
		}
	}
}

// TestMaxWorkers: a search takes up to MaxWorkers workers and refuses more
// with an error, before it allocates anything for them.
func TestMaxWorkers(t *testing.T) {
	g := grid(3, 3)
	newSpace := func() Space { return grid(3, 3) }
	res, err := Run(context.Background(), g, Options{Strategy: BFS, Workers: MaxWorkers, NewSpace: newSpace})
	if err != nil || !res.Complete || res.States != 16 {
		t.Fatalf("%d workers: %+v, %v", MaxWorkers, res, err)
	}
	if _, err := Run(context.Background(), g, Options{Strategy: BFS, Workers: MaxWorkers + 1, NewSpace: newSpace}); err == nil || !strings.Contains(err.Error(), "more than the 1024") {
		t.Errorf("%d workers: error %v", MaxWorkers+1, err)
	}
}

// endless is a space of one endless path: each state has one successor.
type endless struct{}

func (endless) Initial(dst []byte) []byte { return append(dst, 0, 0, 0, 0) }
func (endless) Successors(state []byte, emit func([]byte, uint64)) {
	next := binary.LittleEndian.AppendUint32(nil, binary.LittleEndian.Uint32(state)+1)
	emit(next, 0)
}
func (endless) Transition([]byte, []byte, uint64, func(Finding)) {}
func (endless) Terminal([]byte, func(Finding))                   {}

// TestSimulateMemoryLimit: a run that never ends stops at the memory limit
// (the process already holds more than 1 MB) after 65,536 events, with
// progress within the run; no run is counted.
func TestSimulateMemoryLimit(t *testing.T) {
	var progress []int64
	res, err := Simulate(context.Background(), endless{}, SimOptions{Runs: 3, MaxMemory: 1 << 20,
		ProgressEvery: time.Nanosecond, Progress: func(_ int, steps int64, _ time.Duration) { progress = append(progress, steps) }})
	if err != nil {
		t.Fatal(err)
	}
	if want := "memory limit (--max-memory 1 MB) reached 65535 events into run 1"; res.Stopped != want || res.Runs != 0 {
		t.Errorf("stopped %q after %d runs, want %q after 0", res.Stopped, res.Runs, want)
	}
	res, err = Simulate(context.Background(), endless{}, SimOptions{MaxSteps: 200_000, ProgressEvery: time.Nanosecond,
		Progress: func(_ int, steps int64, _ time.Duration) { progress = append(progress, steps) }})
	if err != nil || res.Stopped != "" || res.Cut != 1 {
		t.Fatalf("%+v, %v", res, err)
	}
	if want := []int64{65535, 131071, 196607, 200000}; !slices.Equal(progress, want) {
		t.Errorf("progress at %v events, want %v", progress, want)
	}
}
