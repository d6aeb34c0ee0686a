package properties

import (
	"slices"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// lectureRun is an execution of examples/lecture.json that records
// (1:$5, 2:$5, 3:$2, 2->1:[10], 3->2:[8]) although its real order
// interleaves PRE and POST events: node 1 initiates before node 2 takes
// the $5 and before node 3 sends the $8. It is maximal.
var lectureRun = []string{
	"initiate s1 at 1",     // 1  POST at 1
	"send 1->3 $4",         // 2  POST at 1
	"recv 2->1 $10",        // 3  POST at 1
	"recv 1->2 $5",         // 4  PRE at 2
	"recv 1->2 marker(s1)", // 5  2 records $5
	"recv 2->1 marker(s1)", // 6
	"send 3->2 $8",         // 7  PRE at 3
	"recv 3->2 $8",         // 8  recorded on 3->2
	"recv 1->3 marker(s1)", // 9  3 records $2
	"recv 3->1 marker(s1)", // 10
	"recv 3->2 marker(s1)", // 11
	"recv 2->3 marker(s1)", // 12 completes s1
	"recv 1->3 $4",         // 13
}

// byText builds the execution whose events the model describes as texts,
// taking at each step the first enabled event with that description.
func byText(t *testing.T, sys *model.System, texts []string) *Execution {
	t.Helper()
	st := sys.Initial()
	var evs []model.Event
	for k, text := range texts {
		found := false
		for _, e := range sys.Events(st) {
			if sys.Describe(e) == text {
				evs = append(evs, e)
				sys.Apply(st, e)
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("event %d %q is not enabled", k+1, text)
		}
	}
	x, err := Replay(sys, evs)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

func loadExample(t *testing.T, name string) *model.System {
	t.Helper()
	sys, err := algorithms.Load("../examples/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

func TestHBLecture(t *testing.T) {
	x := byText(t, loadExample(t, "lecture.json"), lectureRun)
	h := x.HB()
	if h.Len() != len(lectureRun) {
		t.Fatalf("Len = %d, want %d", h.Len(), len(lectureRun))
	}
	// Events numbered from 1 as in lectureRun.
	tests := []struct {
		a, b   int
		before bool
		why    string
	}{
		{7, 8, true, "transfer 3->2 $8"},
		{2, 13, true, "transfer 1->3 $4"},
		{1, 13, true, "process order at 1, then the $4"},
		{4, 11, true, "process order at 2"},
		{7, 11, true, "the $8, then process order at 2"},
		{1, 5, false, "only a marker links them"},
		{1, 9, false, "only a marker links them"},
		{1, 4, false, "concurrent"},
		{4, 7, false, "concurrent"},
		{8, 7, false, "against the transfer"},
		{3, 3, false, "irreflexive"},
	}
	for _, tc := range tests {
		if got := h.HappensBefore(tc.a-1, tc.b-1); got != tc.before {
			t.Errorf("HappensBefore(%d, %d) = %v, want %v (%s)", tc.a, tc.b, got, tc.before, tc.why)
		}
	}
	if !h.Concurrent(0, 3) || h.Concurrent(6, 7) {
		t.Errorf("Concurrent: want events 1 and 4 concurrent, 7 and 8 not")
	}
	var transfers, process int
	for _, e := range h.Edges() {
		switch e.Kind {
		case TransferEdge:
			transfers++
		case ProcessOrder:
			process++
		default:
			t.Errorf("edge %+v: kind %v among the happens-before edges", e, e.Kind)
		}
	}
	// 13 events at 3 nodes: 10 process-order edges; transfers received by
	// an event: $10, $5 (in flight initially, so no edge), $8 and $4.
	if process != 10 || transfers != 2 {
		t.Errorf("edges: %d process order, %d transfer; want 10 and 2", process, transfers)
	}
	if n := len(h.Markers()); n != 6 {
		t.Errorf("Markers: %d, want 6 (3 nodes, 2 out-channels each)", n)
	}
	all := h.Order(nil)
	want := make([]int, len(lectureRun))
	for i := range want {
		want[i] = i
	}
	if !slices.Equal(all, want) {
		t.Errorf("Order(nil) = %v, want the real order", all)
	}
	pre := h.Order(func(k int) bool { return x.Pre(0, k) })
	if !slices.Equal(pre, []int{3, 6}) {
		t.Errorf("PRE in order = %v, want [3 6]", pre)
	}
	if !h.Respects([]int{3, 6, 0, 1, 2, 4, 5, 7, 8, 9, 10, 11, 12}) {
		t.Errorf("Respects rejects the witness order")
	}
	if h.Respects([]int{7, 6}) || h.Respects([]int{12, 1}) || h.Respects([]int{0, 0}) {
		t.Errorf("Respects accepts an order against happens-before")
	}
}
