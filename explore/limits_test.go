package explore

import (
	"context"
	"encoding/binary"
	"fmt"
	"strings"
	"testing"
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
		// An eighth of the limit holds 128 successors.
		if res.States > 1+129 {
			t.Errorf("%s: %d states stored, want at most the successors in an eighth of the limit", name, res.States)
		}
	}
}
