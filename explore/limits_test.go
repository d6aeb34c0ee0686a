package explore

import (
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"
)

// wide is a space whose initial state has n successors, each terminal.
type wide struct{ n int }

func (w wide) Initial(dst []byte) []byte { return append(dst, 0) }

func (w wide) Successors(state []byte, emit func([]byte, uint64)) {
	if state[0] != 0 {
		return
	}
	var buf []byte
	for i := 0; i < w.n; i++ {
		buf = binary.AppendUvarint(append(buf[:0], 1), uint64(i))
		emit(buf, 0)
	}
}

func (wide) Transition([]byte, []byte, uint64, func(Finding)) {}
func (wide) Terminal([]byte, func(Finding))                   {}

// TestTooManySuccessors: a state with more events than paths can name is
// an error of both strategies, not a panic and not a wrong path.
func TestTooManySuccessors(t *testing.T) {
	for _, st := range []Strategy{BFS, DFS} {
		if _, err := Run(context.Background(), wide{n: maxSuccessors + 1}, Options{Strategy: st}); err == nil || !strings.Contains(err.Error(), "more than 65536 enabled events") {
			t.Errorf("%s: error %v, want one about too many enabled events", st, err)
		}
		res, err := Run(context.Background(), wide{n: maxSuccessors}, Options{Strategy: st})
		if err != nil || res.States != maxSuccessors+1 {
			t.Errorf("%s: %d successors: %v, %d states", st, maxSuccessors, err, res.States)
		}
	}
}

// bulky is a space whose initial state has n successors of size bytes
// each, all different and terminal.
type bulky struct{ n, size int }

func (b bulky) Initial(dst []byte) []byte { return append(dst, 0) }

func (b bulky) Successors(state []byte, emit func([]byte, uint64)) {
	if len(state) != 1 {
		return
	}
	buf := make([]byte, b.size)
	for i := 0; i < b.n; i++ {
		binary.LittleEndian.PutUint64(buf, uint64(i))
		emit(buf, 0)
	}
}

func (bulky) Transition([]byte, []byte, uint64, func(Finding)) {}
func (bulky) Terminal([]byte, func(Finding))                   {}

// TestHugeSuccessors: a state whose successors take more memory than the
// limit allows stops the search at the memory limit (exit 3 for the
// command), for both strategies and any number of workers, rather than
// holding them all (4,000 of 64 kB: 256 MB, against a limit of 64 MB).
func TestHugeSuccessors(t *testing.T) {
	sp := bulky{n: 4000, size: 64 << 10}
	for _, opts := range []Options{
		{Strategy: BFS, Workers: 1},
		{Strategy: BFS, Workers: 2, NewSpace: func() Space { return sp }},
		{Strategy: DFS},
	} {
		opts.MaxMemory = 64 << 20
		res, err := Run(context.Background(), sp, opts)
		if err != nil {
			t.Fatal(err)
		}
		name := fmt.Sprintf("%s, %d workers", opts.Strategy, opts.Workers)
		if res.Complete || !strings.Contains(res.Stopped, "memory limit (--max-memory 64 MB) reached") {
			t.Errorf("%s: complete %v, stopped %q; want the memory limit", name, res.Complete, res.Stopped)
		}
		// The limit holds 1,024 successors, less what the process holds.
		if res.States > 1024 {
			t.Errorf("%s: %d states stored (%d MB of successors), more than the limit holds", name, res.States, res.States*int64(sp.size)>>20)
		}
	}
}

// fan is a space of three levels: the initial state, n small children
// and, under each child, k terminal grandchildren of size bytes.
type fan struct{ n, k, size int }

func (f fan) Initial(dst []byte) []byte { return append(dst, 0) }

func (f fan) Successors(state []byte, emit func([]byte, uint64)) {
	switch len(state) {
	case 1:
		for i := range f.n {
			emit(binary.LittleEndian.AppendUint32([]byte{1}, uint32(i)), 0)
		}
	case 5:
		buf := make([]byte, f.size)
		copy(buf, state)
		for i := range f.k {
			binary.LittleEndian.PutUint32(buf[5:], uint32(i))
			emit(buf, 0)
		}
	}
}

func (fan) Transition([]byte, []byte, uint64, func(Finding)) {}
func (fan) Terminal([]byte, func(Finding))                   {}

// TestLookByBytes: states whose successors take much memory bring the
// next look at the limits forward (lookBytes, a 64th of the limit): the
// search looks about once per lookBytes of successors, where its counts
// of states (every 1,024 expanded depth first, every 32 segments and each
// level breadth first) would look a few times at most. The limit is what
// the test process holds plus 256 MB (the race detector's process holds
// much more), so the successors, 64 to 80 MB in all, fit.
func TestLookByBytes(t *testing.T) {
	for _, tc := range []struct {
		sp    fan
		opts  Options
		count int // looks by counts of states, at most
	}{
		// 1,000 children of 80 kB of successors each, in segments of 15
		// (the initial state's successors take 69 kB): 67 segments, and
		// the look at the level's start.
		{fan{n: 1000, k: 20, size: 4 << 10}, Options{Strategy: BFS, Workers: 1}, 1 + 2},
		{fan{n: 1000, k: 20, size: 4 << 10}, Options{Strategy: BFS, Workers: 2}, 1 + 2},
		// 1,051 states expanded, the 50 children with 1.3 MB each.
		{fan{n: 50, k: 20, size: 64 << 10}, Options{Strategy: DFS}, 2},
	} {
		looks := 0
		sp := tc.sp
		opts := tc.opts
		opts.NewSpace = func() Space { return sp }
		opts.MaxMemory = (residentMemory()>>20 + 256) << 20
		opts.ProgressEvery = time.Nanosecond
		opts.Progress = func(st Stats) {
			// Breadth first, the looks while the children are expanded.
			if opts.Strategy == DFS || st.Depth == 1 {
				looks++
			}
		}
		res, err := Run(context.Background(), sp, opts)
		name := fmt.Sprintf("%s, %d workers", opts.Strategy, opts.Workers)
		if err != nil || !res.Complete || res.States != int64(1+sp.n+sp.n*sp.k) {
			t.Fatalf("%s: %+v, %v", name, res, err)
		}
		total := int64(sp.n * sp.k * (sp.size + perTransition))
		want := max(int(total/(opts.MaxMemory/64))/2, tc.count+1)
		if looks < want {
			t.Errorf("%s: %d looks at the limits, want %d or more (%d MB of successors, limit %d MB)", name, looks, want, total>>20, opts.MaxMemory>>20)
		}
	}
}

// oneBig is a space whose initial state has one successor, buf.
type oneBig struct{ buf []byte }

func (o oneBig) Initial(dst []byte) []byte { return append(dst, 0) }
func (o oneBig) Successors(state []byte, emit func([]byte, uint64)) {
	if len(state) == 1 {
		emit(o.buf, 0)
	}
}
func (oneBig) Transition([]byte, []byte, uint64, func(Finding)) {}
func (oneBig) Terminal([]byte, func(Finding))                   {}

// TestSettleTakesRoom: settling a segment copies its new states into the
// store, and that copy too is taken from what the memory limit leaves: a
// successor of 48 MiB under a limit 70 MiB above what the process holds
// stops the search at the limit, the process's peak staying within it
// (the buffer and the store's copy together would take 96 MiB).
func TestSettleTakesRoom(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector's shadow memory takes resident memory that no limit of the search's can see")
	}
	sp := oneBig{buf: make([]byte, 48<<20)}
	for i := range sp.buf {
		sp.buf[i] = byte(i)
	}
	sp.buf[0] = 1
	runtime.GC()
	limit := max(processMemory(), residentMemory()) + 70<<20
	// Reset the peak resident memory (VmHWM) to what is resident now.
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		t.Skip(err)
	}
	res, err := Run(context.Background(), sp, Options{Strategy: BFS, Workers: 1, MaxMemory: limit})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(res.Stopped, "memory limit") {
		t.Errorf("stopped %q, want the memory limit", res.Stopped)
	}
	if peak := peakResident(t); peak > limit {
		t.Errorf("peak %d MiB passes the limit %d MiB", peak>>20, limit>>20)
	}
}

// peakResident is the process's peak resident memory (VmHWM).
func peakResident(t *testing.T) int64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		t.Skip(err)
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb << 10
		}
	}
	t.Skip("no VmHWM")
	return 0
}

// TestTakeRoom: room is taken only when there is as much, and a refusal
// leaves it as it was (so a look's setting is never raised behind it);
// what was taken counts as being allocated until allocated says so.
func TestTakeRoom(t *testing.T) {
	s := &search{opts: Options{MaxMemory: 1 << 30}}
	s.room.Store(100)
	if s.takeRoom(101) || s.room.Load() != 100 || s.allocating.Load() != 0 {
		t.Fatalf("took 101 of 100: room %d, allocating %d", s.room.Load(), s.allocating.Load())
	}
	if !s.takeRoom(60) || s.room.Load() != 40 || s.allocating.Load() != 60 {
		t.Fatalf("took 60 of 100: room %d, allocating %d", s.room.Load(), s.allocating.Load())
	}
	s.allocated(60)
	if s.allocating.Load() != 0 {
		t.Errorf("allocating %d after allocated", s.allocating.Load())
	}
	if u := (&search{}); !u.takeRoom(1 << 62) {
		t.Error("no limit, no room")
	}
}

// TestFirstLookCountsOnlyAdded: the first look at the memory limit counts
// as added only what the search added, not all that the process held
// before: a process holding 120 MB searches 40 MB of states under a limit
// 150 MB above what it holds (it stopped at once when the first look took
// the 120 MB as added since the start, and so as about to come again).
func TestFirstLookCountsOnlyAdded(t *testing.T) {
	if raceDetector {
		t.Skip("the race detector's shadow memory takes resident memory that no limit of the search's can see")
	}
	held := make([]byte, 120<<20)
	for i := range held {
		held[i] = byte(i)
	}
	sp := fan{n: 500, k: 20, size: 4 << 10}
	for _, opts := range []Options{{Strategy: BFS, Workers: 1}, {Strategy: DFS}} {
		runtime.GC()
		opts.MaxMemory = max(processMemory(), residentMemory()) + 150<<20
		res, err := Run(context.Background(), sp, opts)
		if err != nil || !res.Complete || res.States != int64(1+sp.n+sp.n*sp.k) {
			t.Errorf("%s: %+v, %v; want the whole space", opts.Strategy, res, err)
		}
	}
	runtime.KeepAlive(held)
}
