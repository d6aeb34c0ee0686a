package explore

import (
	"context"
	"encoding/binary"
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
