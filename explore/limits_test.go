package explore

import (
	"context"
	"encoding/binary"
	"fmt"
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
