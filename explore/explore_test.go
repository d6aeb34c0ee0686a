package explore

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"
)

// graph is a hand-written Space over numbered states: succ lists each
// state's successors in event order (repeats are distinct events leading
// to the same state), trans and term say what a transition or a terminal
// state reports.
type graph struct {
	succ  func(n int) []int
	trans func(from, to, ev int) []Finding // nil: nothing
	term  func(n int) []Finding            // nil: nothing
	// hook, when set, is called on every expansion.
	hook func(n int)
}

func enc(n int) []byte { return binary.AppendUvarint(nil, uint64(n)) }

func dec(b []byte) int {
	n, k := binary.Uvarint(b)
	if k <= 0 || k != len(b) {
		panic(fmt.Sprintf("bad state encoding %x", b))
	}
	return int(n)
}

func (g *graph) Initial(dst []byte) []byte { return binary.AppendUvarint(dst, 0) }

func (g *graph) Successors(state []byte, emit func([]byte, uint64)) {
	n := dec(state)
	if g.hook != nil {
		g.hook(n)
	}
	for ev, m := range g.succ(n) {
		var note uint64
		if g.trans != nil && len(g.trans(n, m, ev)) > 0 {
			note = uint64(ev) + 1
		}
		emit(enc(m), note)
	}
}

func (g *graph) Transition(from, to []byte, note uint64, report func(Finding)) {
	for _, f := range g.trans(dec(from), dec(to), int(note)-1) {
		report(f)
	}
}

func (g *graph) Terminal(state []byte, report func(Finding)) {
	if g.term == nil {
		return
	}
	for _, f := range g.term(dec(state)) {
		report(f)
	}
}

// adjacency is a graph given as a list of successor lists.
func adjacency(adj [][]int) *graph {
	return &graph{succ: func(n int) []int { return adj[n] }}
}

// grid is the a×b grid DAG: from (i, j) to (i+1, j) and (i, j+1). It has
// (a+1)(b+1) states, a(b+1)+b(a+1) transitions and C(a+b, a) paths.
func grid(a, b int) *graph {
	return &graph{succ: func(n int) []int {
		i, j := n/(b+1), n%(b+1)
		var out []int
		if i < a {
			out = append(out, (i+1)*(b+1)+j)
		}
		if j < b {
			out = append(out, n+1)
		}
		return out
	}}
}

// diamonds is a chain of k diamonds, s → a, s → b, a → s', b → s': 3k+1
// states, 4k transitions, 2^k paths, layered. With shortcut, each diamond
// also has a → b, which makes the graph non-layered and 3^k paths.
func diamonds(k int, shortcut bool) *graph {
	return &graph{succ: func(n int) []int {
		d, r := n/3, n%3
		if d == k {
			return nil
		}
		switch r {
		case 0:
			return []int{n + 1, n + 2}
		case 1:
			if shortcut {
				return []int{n + 2, n + 1}
			}
			return []int{n + 2}
		}
		return []int{n + 1}
	}}
}

// fans is a chain of k fans of width w, s → a1..aw → s': (w+1)k+1 states,
// 2wk transitions, w^k paths, layered. Each s' is reached w times in a
// round, so with w = 3 the paths to its two later occurrences add up to
// more than 64 bits before its own count does.
func fans(k, w int) *graph {
	return &graph{succ: func(n int) []int {
		d, r := n/(w+1), n%(w+1)
		if d == k {
			return nil
		}
		if r > 0 {
			return []int{(d + 1) * (w + 1)}
		}
		out := make([]int, w)
		for i := range out {
			out[i] = n + 1 + i
		}
		return out
	}}
}

// reference is what a search must find, computed the plain way.
type reference struct {
	states, transitions, terminal int64
	depth                         int
	executions                    *big.Int // nil on a cycle
	dist                          map[int]int
	// per finding key: count, violation, and the length of its shortest
	// occurrence.
	count    map[string]int64
	viol     map[string]bool
	shortest map[string]int
}

func referenceOf(g *graph) *reference {
	r := &reference{dist: map[int]int{0: 0}, count: map[string]int64{}, viol: map[string]bool{}, shortest: map[string]int{}}
	note := func(f Finding, length int) {
		r.count[f.Key]++
		r.viol[f.Key] = f.Violation
		if l, ok := r.shortest[f.Key]; !ok || length < l {
			r.shortest[f.Key] = length
		}
	}
	queue := []int{0}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		succ := g.succ(n)
		if r.dist[n] > r.depth {
			r.depth = r.dist[n]
		}
		if len(succ) == 0 {
			r.terminal++
			if g.term != nil {
				for _, f := range g.term(n) {
					note(f, r.dist[n])
				}
			}
		}
		for ev, m := range succ {
			r.transitions++
			if g.trans != nil {
				for _, f := range g.trans(n, m, ev) {
					note(f, r.dist[n]+1)
				}
			}
			if _, ok := r.dist[m]; !ok {
				r.dist[m] = r.dist[n] + 1
				queue = append(queue, m)
			}
		}
	}
	r.states = int64(len(r.dist))
	// Paths to terminal states, memoised; nil on a cycle.
	memo := map[int]*big.Int{}
	open := map[int]bool{}
	var paths func(n int) *big.Int
	paths = func(n int) *big.Int {
		if p, ok := memo[n]; ok {
			return p
		}
		if open[n] {
			return nil
		}
		open[n] = true
		defer delete(open, n)
		succ := g.succ(n)
		p := new(big.Int)
		if len(succ) == 0 {
			p.SetInt64(1)
		}
		for _, m := range succ {
			q := paths(m)
			if q == nil {
				return nil
			}
			p.Add(p, q)
		}
		memo[n] = p
		return p
	}
	r.executions = paths(0)
	return r
}

func mustRun(t *testing.T, ctx context.Context, sp Space, opts Options) *Result {
	t.Helper()
	res, err := Run(ctx, sp, opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

// strategies are the searches every complete result must agree across.
func strategies(g func() *graph) map[string]Options {
	return map[string]Options{
		"bfs":                        {Strategy: BFS},
		"dfs":                        {Strategy: DFS},
		"bfs-3-workers":              {Strategy: BFS, Workers: 3, NewSpace: func() Space { return g() }},
		"bfs-fingerprints":           {Strategy: BFS, Fingerprints: true},
		"bfs-fingerprints-2-workers": {Strategy: BFS, Fingerprints: true, Workers: 2, NewSpace: func() Space { return g() }},
	}
}

// checkAgainst compares a complete search with the reference.
func checkAgainst(t *testing.T, name string, g *graph, res *Result, ref *reference, opts Options) {
	t.Helper()
	if !res.Complete || res.Stopped != "" {
		t.Errorf("%s: complete %v, stopped %q", name, res.Complete, res.Stopped)
	}
	if res.States != ref.states || res.Transitions != ref.transitions || res.Terminal != ref.terminal {
		t.Errorf("%s: states %d, transitions %d, terminal %d; want %d, %d, %d",
			name, res.States, res.Transitions, res.Terminal, ref.states, ref.transitions, ref.terminal)
	}
	if opts.Strategy == BFS && res.Depth != ref.depth {
		t.Errorf("%s: depth %d, want %d", name, res.Depth, ref.depth)
	}
	switch {
	case ref.executions == nil:
		if res.Executions != nil || res.ExecutionsNote == "" {
			t.Errorf("%s: executions %v (%q) on a cyclic graph, want none and a note", name, res.Executions, res.ExecutionsNote)
		}
	case res.Executions == nil:
		// The fingerprint store cannot count a non-layered graph again,
		// and must say so.
		if !opts.Fingerprints || !strings.Contains(res.ExecutionsNote, "not layered") {
			t.Errorf("%s: executions not counted (%q), want %v", name, res.ExecutionsNote, ref.executions)
		}
	case res.Executions.Cmp(ref.executions) != 0:
		t.Errorf("%s: executions %v, want %v", name, res.Executions, ref.executions)
	}
	got := map[string]int64{}
	for _, f := range res.Findings {
		got[f.Key] = f.Count
		if f.Violation != ref.viol[f.Key] {
			t.Errorf("%s: finding %s violation %v", name, f.Key, f.Violation)
		}
		keep := max(opts.Keep, 1)
		if want := min(int64(keep), f.Count); int64(len(f.Paths)) != want {
			t.Errorf("%s: finding %s has %d paths, want %d", name, f.Key, len(f.Paths), want)
		}
		seen := map[string]bool{}
		for i, p := range f.Paths {
			checkPath(t, name, g, f, p)
			k := fmt.Sprint(p)
			if seen[k] {
				t.Errorf("%s: finding %s: path %v kept twice", name, f.Key, p)
			}
			seen[k] = true
			if i == 0 && opts.Strategy == BFS && len(p) != ref.shortest[f.Key] {
				t.Errorf("%s: finding %s: first path %v has %d events, the shortest has %d", name, f.Key, p, len(p), ref.shortest[f.Key])
			}
		}
	}
	if !reflect.DeepEqual(got, ref.count) {
		t.Errorf("%s: findings %v, want %v", name, got, ref.count)
	}
}

// checkPath follows a path's event indices from the initial state and
// checks that it ends with an occurrence of the finding.
func checkPath(t *testing.T, name string, g *graph, f *Found, p []int) {
	t.Helper()
	n := 0
	for i, ev := range p {
		succ := g.succ(n)
		if ev < 0 || ev >= len(succ) {
			t.Errorf("%s: finding %s: path %v: event %d of state %d does not exist", name, f.Key, p, ev, n)
			return
		}
		if i == len(p)-1 && g.trans != nil {
			for _, x := range g.trans(n, succ[ev], ev) {
				if x.Key == f.Key {
					return // a transition occurrence
				}
			}
		}
		n = succ[ev]
	}
	if len(g.succ(n)) != 0 || g.term == nil {
		t.Errorf("%s: finding %s: path %v ends at state %d, which does not report it", name, f.Key, p, n)
		return
	}
	for _, x := range g.term(n) {
		if x.Key == f.Key {
			return
		}
	}
	t.Errorf("%s: finding %s: path %v ends at state %d, which does not report it", name, f.Key, p, n)
}

// withFindings adds terminal and transition findings to a graph.
func withFindings(g *graph) *graph {
	g.term = func(n int) []Finding {
		return []Finding{{Key: fmt.Sprintf("end%d", n%3), Violation: n%3 == 0}}
	}
	g.trans = func(from, to, ev int) []Finding {
		if (from+to+ev)%4 != 0 {
			return nil
		}
		return []Finding{{Key: fmt.Sprintf("edge%d", (from*to)%5), Violation: true}, {Key: "any-edge"}}
	}
	return g
}

func TestKnownGraphs(t *testing.T) {
	for _, tc := range []struct {
		name                string
		g                   func() *graph
		states, transitions int64
		executions          string // "" on a cycle
		layered             bool
	}{
		{"single state", func() *graph { return adjacency([][]int{{}}) }, 1, 0, "1", true},
		{"grid 4x6", func() *graph { return withFindings(grid(4, 6)) }, 35, 4*7 + 6*5, "210", true},
		{"grid 12x12", func() *graph { return withFindings(grid(12, 12)) }, 169, 2 * 12 * 13, "2704156", true},
		// 0→1→2→3 and 0→2, 1→3, 0→5→4, 2→4: 2 is both one and two events
		// deep, so BFS levels do not match path lengths.
		{"non-layered", func() *graph {
			return withFindings(adjacency([][]int{{1, 2, 5}, {2, 3}, {3, 4}, {4}, {}, {4}}))
		}, 6, 9, "6", false},
		// An edge back to an earlier level: 0→6 directly and 0→1→2→6.
		{"edge to an earlier level", func() *graph {
			return withFindings(adjacency([][]int{{1, 6}, {2}, {6, 7}, {}, {}, {}, {7, 7}, {}}))
		}, 5, 7, "5", false},
		{"repeated events", func() *graph { return withFindings(adjacency([][]int{{1, 1, 2}, {2, 2}, {}})) }, 3, 5, "5", false},
		{"cycle", func() *graph { return withFindings(adjacency([][]int{{1}, {2, 3}, {0}, {}})) }, 4, 4, "", false},
		{"self loop", func() *graph { return withFindings(adjacency([][]int{{0, 1}, {}})) }, 2, 2, "", false},
		// 2^70 and 3^45 paths: beyond 64 bits.
		{"70 diamonds", func() *graph { return withFindings(diamonds(70, false)) }, 211, 280, new(big.Int).Lsh(big.NewInt(1), 70).String(), true},
		{"41 fans of 3", func() *graph { return withFindings(fans(41, 3)) }, 165, 246, new(big.Int).Exp(big.NewInt(3), big.NewInt(41), nil).String(), true},
		{"45 diamonds with shortcuts", func() *graph { return withFindings(diamonds(45, true)) }, 136, 225, new(big.Int).Exp(big.NewInt(3), big.NewInt(45), nil).String(), false},
		// 2^63 paths to each of three terminal states of one segment, whose
		// sum passes 64 bits (summarize).
		{"63 diamonds, then 3 ends", func() *graph {
			d, last := diamonds(63, false), 3*63
			return withFindings(&graph{succ: func(n int) []int {
				switch {
				case n == last:
					return []int{last + 1, last + 2, last + 3}
				case n > last:
					return nil
				}
				return d.succ(n)
			}})
		}, 193, 255, new(big.Int).Lsh(big.NewInt(3), 63).String(), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ref := referenceOf(tc.g())
			if ref.states != tc.states || ref.transitions != tc.transitions {
				t.Fatalf("reference: %d states, %d transitions; want %d, %d", ref.states, ref.transitions, tc.states, tc.transitions)
			}
			if (ref.executions == nil) != (tc.executions == "") || ref.executions != nil && ref.executions.String() != tc.executions {
				t.Fatalf("reference executions %v, want %q", ref.executions, tc.executions)
			}
			for name, opts := range strategies(tc.g) {
				for _, keep := range []int{0, 3} {
					opts.Keep = keep
					g := tc.g()
					res := mustRun(t, context.Background(), g, opts)
					checkAgainst(t, fmt.Sprintf("%s keep %d", name, keep), g, res, ref, opts)
				}
			}
			if tc.executions != "" && tc.layered != isLayered(tc.g()) {
				t.Errorf("the test's graph layered = %v, want %v", !tc.layered, tc.layered)
			}
		})
	}
}

// isLayered reports whether every edge goes from BFS level d to d+1.
func isLayered(g *graph) bool {
	ref := referenceOf(g)
	for n, d := range ref.dist {
		for _, m := range g.succ(n) {
			if ref.dist[m] != d+1 {
				return false
			}
		}
	}
	return true
}

// randomGraph is a seeded random graph on n states: a DAG (edges to higher
// numbers only) unless cyclic, with repeated events now and then.
func randomGraph(seed uint64, n int, cyclic bool) func() *graph {
	r := rand.New(rand.NewPCG(seed, 7))
	adj := make([][]int, n)
	for i := range adj {
		if i == n-1 || r.IntN(6) == 0 {
			continue // terminal
		}
		k := 1 + r.IntN(4)
		for range k {
			lo := i + 1
			if cyclic && r.IntN(8) == 0 {
				lo = 0
			}
			m := lo + r.IntN(min(n-lo, 12))
			adj[i] = append(adj[i], m)
			if r.IntN(10) == 0 {
				adj[i] = append(adj[i], m)
			}
		}
	}
	return func() *graph { return withFindings(adjacency(adj)) }
}

// wideGraph has levels of width states each, every state but the last
// level's with one to four random successors in the next level (repeats
// included): wide levels, so rounds of several segments whose new states
// recur across segments.
func wideGraph(seed uint64, levels, width int) func() *graph {
	r := rand.New(rand.NewPCG(seed, 9))
	adj := make([][]int, 1+levels*width)
	for j := range width {
		adj[0] = append(adj[0], 1+j)
	}
	for l := range levels - 1 {
		for j := range width {
			for range 1 + r.IntN(4) {
				adj[1+l*width+j] = append(adj[1+l*width+j], 1+(l+1)*width+r.IntN(width))
			}
		}
	}
	return func() *graph { return withFindings(adjacency(adj)) }
}

// TestRandomGraphs compares every strategy with the reference on seeded
// random graphs, with and without cycles.
func TestRandomGraphs(t *testing.T) {
	for seed := uint64(1); seed <= 62; seed++ {
		n := 5 + int(seed*37%300)
		cyclic := seed%4 == 0
		g := randomGraph(seed, n, cyclic)
		if seed > 60 {
			g = wideGraph(seed, 5, 3000)
		}
		ref := referenceOf(g())
		for name, opts := range strategies(g) {
			opts.Keep = int(seed % 4)
			gg := g()
			res := mustRun(t, context.Background(), gg, opts)
			checkAgainst(t, fmt.Sprintf("seed %d (%d states, cyclic %v) %s", seed, n, cyclic, name), gg, res, ref, opts)
		}
	}
}

// TestWorkersIdentical: any number of workers gives the same result,
// paths and the store's memory included, as one.
func TestWorkersIdentical(t *testing.T) {
	for _, g := range []func() *graph{
		func() *graph { return withFindings(grid(30, 30)) },
		randomGraph(99, 3000, false),
		randomGraph(100, 3000, true),
		wideGraph(5, 6, 5000),
	} {
		for _, base := range []Options{{Keep: 2}, {Keep: 2, Fingerprints: true}, {MaxStates: 777}, {MaxDepth: 5, Fingerprints: true}} {
			one := mustRun(t, context.Background(), g(), base)
			for _, nw := range []int{2, 3, 8} {
				opts := base
				opts.Workers, opts.NewSpace = nw, func() Space { return g() }
				many := mustRun(t, context.Background(), g(), opts)
				one.Elapsed, many.Elapsed = 0, 0
				if !reflect.DeepEqual(one, many) {
					t.Errorf("%+v: %d workers differ from one:\n%+v\n%+v", base, nw, many, one)
				}
			}
		}
	}
}

func TestRunErrors(t *testing.T) {
	for name, opts := range map[string]Options{
		"unknown strategy":         {Strategy: Strategy(7)},
		"dfs with fingerprint":     {Strategy: DFS, Fingerprints: true},
		"workers without NewSpace": {Workers: 2},
	} {
		if _, err := Run(context.Background(), grid(2, 2), opts); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// infinite is a space that never ends: n → n+1, n+2. It turns terminal
// after a few million states so that a broken limit fails the test
// instead of hanging it.
func infinite() *graph {
	return &graph{succ: func(n int) []int {
		if n > 3_000_000 {
			return nil
		}
		return []int{n + 1, n + 2}
	}}
}

func TestLimits(t *testing.T) {
	type limitCase struct {
		name  string
		g     *graph
		opts  Options
		ctx   func() context.Context
		why   string
		check func(t *testing.T, res *Result)
	}
	cancelled := func() context.Context {
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		return ctx
	}
	var cases []limitCase
	for _, s := range []Strategy{BFS, DFS} {
		cases = append(cases,
			limitCase{"max-states", grid(50, 50), Options{Strategy: s, MaxStates: 100}, nil, "state limit (--max-states 100)", func(t *testing.T, res *Result) {
				if res.States != 100 {
					t.Errorf("%d states stored, want exactly the limit, 100", res.States)
				}
			}},
			limitCase{"max-depth", grid(5, 5), Options{Strategy: s, MaxDepth: 3}, nil, "depth limit (--max-depth 3)", func(t *testing.T, res *Result) {
				if res.Depth > 3 {
					t.Errorf("depth %d beyond the limit", res.Depth)
				}
				if s == BFS && res.States != 1+2+3+4 {
					t.Errorf("%d states, want the 10 within 3 events", res.States)
				}
			}},
			limitCase{"time-limit", infinite(), Options{Strategy: s, TimeLimit: time.Millisecond}, nil, "time limit (--time-limit 1ms)", nil},
			limitCase{"cancelled", infinite(), Options{Strategy: s}, cancelled, "interrupted", nil},
			limitCase{"stop on violation", withFindings(grid(20, 20)), Options{Strategy: s, StopOnViolation: true}, nil, "first violation", func(t *testing.T, res *Result) {
				if !res.Violations() {
					t.Error("stopped at a violation, yet none reported")
				}
			}},
		)
	}
	// A context cancelled during the search.
	for _, s := range []Strategy{BFS, DFS} {
		ctx, cancel := context.WithCancel(context.Background())
		g := infinite()
		g.hook = func(n int) {
			if n == 5000 {
				cancel()
			}
		}
		cases = append(cases, limitCase{"cancelled midway", g, Options{Strategy: s}, func() context.Context { return ctx }, "interrupted", func(t *testing.T, res *Result) {
			if res.States < 5000 {
				t.Errorf("%d states: stopped before the cancel", res.States)
			}
		}})
		t.Cleanup(cancel)
	}
	for _, tc := range cases {
		t.Run(tc.name+"-"+tc.opts.Strategy.String(), func(t *testing.T) {
			ctx := context.Background()
			if tc.ctx != nil {
				ctx = tc.ctx()
			}
			res := mustRun(t, ctx, tc.g, tc.opts)
			if res.Complete {
				t.Fatalf("complete after %d states, want stopped by %s", res.States, tc.why)
			}
			if !strings.Contains(res.Stopped, tc.why) {
				t.Errorf("stopped %q, want %q", res.Stopped, tc.why)
			}
			if res.Executions != nil || res.ExecutionsNote == "" {
				t.Errorf("executions %v (%q) after an incomplete search", res.Executions, res.ExecutionsNote)
			}
			if tc.check != nil {
				tc.check(t, res)
			}
		})
	}
	// Limits that are not reached change nothing: the grid is 10 deep.
	for _, s := range []Strategy{BFS, DFS} {
		ref := referenceOf(grid(5, 5))
		opts := Options{Strategy: s, MaxDepth: 10, MaxStates: 37, TimeLimit: time.Hour}
		g := grid(5, 5)
		checkAgainst(t, "limits not reached "+s.String(), g, mustRun(t, context.Background(), g, opts), ref, opts)
	}
}

// TestStoreExact stores many random byte strings, with duplicates,
// prefixes of one another and the empty string: different strings always
// get different ids, equal ones the same id.
func TestStoreExact(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	s := newStore()
	defer s.release()
	ids := map[string]uint32{}
	var all [][]byte
	for i := range 200_000 {
		var b []byte
		switch {
		case i%7 == 0 && len(all) > 0:
			b = all[r.IntN(len(all))] // a duplicate
		case i%11 == 0 && len(all) > 0:
			p := all[r.IntN(len(all))]
			b = p[:r.IntN(len(p)+1)] // a prefix
		default:
			b = make([]byte, r.IntN(6))
			for j := range b {
				b[j] = byte(r.IntN(4)) // few values: many near-equal strings
			}
		}
		b = bytes.Clone(b)
		all = append(all, b)
		id, added := s.insert(b, s.hash(b))
		want, seen := ids[string(b)]
		if added == seen {
			t.Fatalf("insert %x: added %v, seen before %v", b, added, seen)
		}
		if seen && id != want {
			t.Fatalf("insert %x: id %d, first stored as %d", b, id, want)
		}
		if !seen {
			ids[string(b)] = id
		}
	}
	if s.len() != len(ids) {
		t.Fatalf("store holds %d states, %d distinct strings", s.len(), len(ids))
	}
	for str, id := range ids {
		if got := s.get(id); string(got) != str {
			t.Fatalf("get(%d) = %x, want %x", id, got, str)
		}
		if got, ok := s.lookup([]byte(str), s.hash([]byte(str))); !ok || got != id {
			t.Fatalf("lookup(%x) = %d, %v; want %d", str, got, ok, id)
		}
	}
	if _, ok := s.lookup([]byte("not stored: too long"), s.hash([]byte("not stored: too long"))); ok {
		t.Error("lookup found a string never stored")
	}
}

// TestHasher: a worker's copy of a store's hasher hashes as the store
// does (the fingerprint store's, never to 0).
func TestHasher(t *testing.T) {
	fp := newFPStore()
	defer fp.release()
	ex := newStore()
	defer ex.release()
	for _, st := range []stateStore{ex, fp} {
		h := st.hasher()
		for _, b := range [][]byte{nil, {0}, []byte("state"), bytes.Repeat([]byte{7}, 300)} {
			if got, want := h.hash(b), st.hash(b); got != want {
				t.Errorf("%T: hasher %x, store %x for %x", st, got, want, b)
			}
		}
	}
	if !fp.hasher().nonZero || ex.hasher().nonZero {
		t.Error("only the fingerprint store's hashes are never 0")
	}
}

// TestStoreCollisions gives many different strings the same hash, as a
// worst-case collision would: each is still stored on its own.
func TestStoreCollisions(t *testing.T) {
	s := newStore()
	defer s.release()
	const h = 0xdeadbeef_00001234
	var keys []string
	for i := range 2000 {
		keys = append(keys, fmt.Sprintf("state-%d", i))
	}
	keys = append(keys, "", "state-", "state-1\x00")
	for i, k := range keys {
		id, added := s.insert([]byte(k), h)
		if !added || id != uint32(i) {
			t.Fatalf("insert %q with a colliding hash: id %d, added %v; want %d, true", k, id, added, i)
		}
	}
	for i, k := range keys {
		id, ok := s.lookup([]byte(k), h)
		if !ok || id != uint32(i) {
			t.Fatalf("lookup %q: %d, %v; want %d", k, id, ok, i)
		}
		if id, added := s.insert([]byte(k), h); added || id != uint32(i) {
			t.Fatalf("insert %q again: %d, %v", k, id, added)
		}
	}
	if _, ok := s.lookup([]byte("state-2000"), h); ok {
		t.Error("lookup found a string never stored")
	}
	if s.len() != len(keys) {
		t.Errorf("%d stored, want %d", s.len(), len(keys))
	}
}

// TestStoreRounds stores random strings (empty, short, and long ones that
// keep their length in the arena) in rounds, as the breadth-first search
// does: reserved at once, put out of id order, in small chunks so
// that groups of states often move to a new chunk. Every state then reads
// back and is found, in both stores.
func TestStoreRounds(t *testing.T) {
	for _, name := range []string{"exact", "fingerprint"} {
		t.Run(name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(3, 4))
			var st stateStore
			if name == "exact" {
				s := newStore()
				s.chunk = 700
				st = s
			} else {
				s := newFPStore()
				s.chunk = 700
				st = s
			}
			defer st.release()
			seen := map[string]bool{}
			prev := 0 // the fingerprint store keeps the last two rounds
			var all [][]byte
			for len(all) < 20_000 {
				var round [][]byte
				for range 1 + r.IntN(60) {
					var b []byte
					switch k := r.IntN(10); {
					case k == 0:
						b = []byte{}
					case k == 1:
						b = make([]byte, 255+r.IntN(400))
					default:
						b = make([]byte, 1+r.IntN(40))
					}
					for j := range b {
						b[j] = byte(r.IntN(256))
					}
					if !seen[string(b)] {
						seen[string(b)] = true
						round = append(round, b)
					}
				}
				size := 0
				for _, b := range round {
					size += st.footprint(len(b))
				}
				first, at := st.reserve(len(round), size)
				ats := make([]uint64, len(round))
				for i, b := range round {
					ats[i] = at
					at += uint64(st.footprint(len(b)))
				}
				for k := range 3 { // not in id order
					for i := len(round) - 1 - k; i >= 0; i -= 3 {
						st.put(first+uint32(i), ats[i], round[i], st.hash(round[i]))
					}
				}
				all = append(all, round...)
				if name == "fingerprint" {
					for i := prev; i < len(all); i++ {
						if got := st.get(uint32(i)); !bytes.Equal(got, all[i]) {
							t.Fatalf("get(%d) = %x, want %x", i, got, all[i])
						}
					}
					for i, b := range round {
						if id, ok := st.lookup(b, st.hash(b)); !ok || id != first+uint32(i) {
							t.Fatalf("lookup of state %d of the next level: %d, %v", first+uint32(i), id, ok)
						}
					}
					st.level(first)
					prev = int(first)
				}
			}
			if st.len() != len(all) {
				t.Fatalf("%d states stored, want %d", st.len(), len(all))
			}
			for i, b := range all {
				if name != "exact" {
					if _, ok := st.lookup(b, st.hash(b)); !ok {
						t.Fatalf("state %d not found", i)
					}
					continue
				}
				if got := st.get(uint32(i)); !bytes.Equal(got, b) {
					t.Fatalf("get(%d) = %x, want %x", i, got, b)
				}
				id, ok := st.lookup(b, st.hash(b))
				if !ok || (name == "exact" && id != uint32(i)) {
					t.Fatalf("lookup of state %d: %d, %v", i, id, ok)
				}
			}
		})
	}
}

// TestCountsAdd adds path counts, through the 64-bit limit: the sums are
// exact.
func TestCountsAdd(t *testing.T) {
	var src, dst counts
	src.reset(4)
	src.small[0], src.small[1], src.small[2] = 1, math.MaxUint64/3, 7
	src.setBig(3, new(big.Int).Lsh(big.NewInt(1), 70))
	dst.reset(2)
	want := []*big.Int{new(big.Int), new(big.Int)}
	const rounds = 2000
	for i := range 2 {
		for j := range 4 {
			want[i].Add(want[i], new(big.Int).Mul(src.get(j), big.NewInt(rounds*3)))
		}
	}
	for range rounds * 3 {
		for i := range 2 {
			for j := range 4 {
				dst.add(i, &src, j)
			}
		}
	}
	for i := range 2 {
		if got := dst.get(i); got.Cmp(want[i]) != 0 {
			t.Errorf("count %d = %v, want %v", i, got, want[i])
		}
	}
}

// TestEventPages: pages hold bytes until an event needs more.
func TestEventPages(t *testing.T) {
	var p eventPages
	n := 3<<pageBits + 5
	for i := range n {
		v := uint16(i % 200)
		if i == 2<<pageBits+7 {
			v = 40000
		}
		p.append(v)
	}
	for i := range n {
		want := uint16(i % 200)
		if i == 2<<pageBits+7 {
			want = 40000
		}
		if got := p.at(i); got != want {
			t.Fatalf("event %d = %d, want %d", i, got, want)
		}
	}
	if got, want := p.bytes(), int64(5<<pageBits); got != want {
		t.Errorf("%d bytes, want %d (one wide page of four)", got, want)
	}
}

// cutReference is what a breadth-first search stopped by the state limit
// has seen: the plain search's events up to the transition that stored the
// limit's last state (every segment and worker stops exactly there).
func cutReference(g *graph, maxStates int) (transitions, terminal int64, count map[string]int64) {
	dist := map[int]int{0: 0}
	count = map[string]int64{}
	queue := []int{0}
	for len(queue) > 0 {
		n := queue[0]
		queue = queue[1:]
		succ := g.succ(n)
		if len(succ) == 0 {
			terminal++
			for _, f := range g.term(n) {
				count[f.Key]++
			}
		}
		for ev, m := range succ {
			transitions++
			for _, f := range g.trans(n, m, ev) {
				count[f.Key]++
			}
			if _, ok := dist[m]; !ok {
				dist[m] = dist[n] + 1
				queue = append(queue, m)
				if len(dist) == maxStates {
					return transitions, terminal, count
				}
			}
		}
	}
	panic("the graph has fewer states than the limit")
}

// TestStateLimitCut: a breadth-first search stopped by --max-states counts
// the transitions, terminal states and findings before the cut, and no
// others, for any number of workers, wherever the cut falls in a segment.
func TestStateLimitCut(t *testing.T) {
	mk := randomGraph(5, 3000, false)
	total := referenceOf(mk()).states
	for _, limit := range []int{2, 3, 17, 64, 65, 200, 777, 1500, int(total) - 1} {
		trans, term, count := cutReference(mk(), limit)
		for _, workers := range []int{1, 2, 3} {
			opts := Options{Strategy: BFS, MaxStates: int64(limit), Workers: workers, NewSpace: func() Space { return mk() }}
			res := mustRun(t, context.Background(), mk(), opts)
			name := fmt.Sprintf("limit %d, %d workers", limit, workers)
			if res.Complete || res.States != int64(limit) {
				t.Errorf("%s: complete %v with %d states", name, res.Complete, res.States)
			}
			if res.Transitions != trans || res.Terminal != term {
				t.Errorf("%s: %d transitions, %d terminal; want %d, %d", name, res.Transitions, res.Terminal, trans, term)
			}
			if got := findingCounts(res); !reflect.DeepEqual(got, count) {
				t.Errorf("%s: findings %v, want %v", name, got, count)
			}
		}
	}
}

// TestDepthLimitExact: a depth limit at the graph's depth leaves nothing
// out, so the search is complete and finds what an unlimited one does
// (for both strategies, any number of workers, both stores); a limit one
// less is reached.
func TestDepthLimitExact(t *testing.T) {
	for _, tc := range []struct {
		name string
		g    func() *graph
		// A depth-first search's depth is its discovery path's: the
		// breadth-first depth suffices when every path to a state has the
		// same length, else no limit below the number of states is sure to.
		sameLengths bool
	}{
		{"grid 4x6", func() *graph { return withFindings(grid(4, 6)) }, true},
		{"non-layered", func() *graph {
			return withFindings(adjacency([][]int{{1, 2, 5}, {2, 3}, {3, 4}, {4}, {}, {4}}))
		}, false},
		// 2 → 0 leads back to a state held: 2 at the limit is expanded.
		{"cycle", func() *graph { return withFindings(adjacency([][]int{{1}, {2, 3}, {0}, {}})) }, true},
		{"random", randomGraph(3, 200, true), false},
	} {
		ref := referenceOf(tc.g())
		for name, opts := range strategies(tc.g) {
			opts.MaxDepth = ref.depth
			if opts.Strategy == DFS && !tc.sameLengths {
				opts.MaxDepth = int(ref.states)
			}
			g := tc.g()
			checkAgainst(t, fmt.Sprintf("%s %s depth %d", tc.name, name, opts.MaxDepth), g, mustRun(t, context.Background(), g, opts), ref, opts)
			if opts.Strategy == BFS && ref.depth > 0 {
				opts.MaxDepth = ref.depth - 1
				res := mustRun(t, context.Background(), tc.g(), opts)
				if res.Complete || !strings.Contains(res.Stopped, "depth limit") {
					t.Errorf("%s %s depth %d: complete %v, stopped %q; want the depth limit", tc.name, name, opts.MaxDepth, res.Complete, res.Stopped)
				}
			}
		}
	}
}

// findingCounts is how many times each finding of res was reported.
func findingCounts(res *Result) map[string]int64 {
	got := map[string]int64{}
	for _, f := range res.Findings {
		got[f.Key] = f.Count
	}
	return got
}
