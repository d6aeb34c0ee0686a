package model_test

import (
	"testing"

	"github.com/snapcheck/snapcheck/model"
)

// TestScratchLines: two expanders used in turn, whose allocations
// interleave as two workers' do on one processor, keep every scratch slice
// in cache lines of its own (lines.go), so that neither writes a line the
// other reads: unreduced, with partial-order reduction and with
// symmetry reduction, on banks whose channels and recorded channel states
// grow as the search goes deeper.
func TestScratchLines(t *testing.T) {
	for _, tc := range []struct {
		name, file string
		opts       model.ExpanderOptions
	}{
		{"any3n_ms2", "../examples/bench/any3n_ms2.json", model.ExpanderOptions{}},
		{"any3n_ms2/por", "../examples/bench/any3n_ms2.json", model.ExpanderOptions{Reduce: true}},
		{"any4n_ms1/por+symmetry", "../examples/bench/any4n_ms1.json", model.ExpanderOptions{Reduce: true, Symmetry: true}},
		{"cos418_8n_a", "../examples/bench/cos418_8n_a.json", model.ExpanderOptions{}},
		{"nonfifo/lai-yang", "../examples/nonfifo/two-initiators.json", model.ExpanderOptions{Reduce: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys, states := sampleStates(t, tc.file, 3000)
			xs := []*model.Expander{sys.NewExpanderWith(tc.opts), sys.NewExpanderWith(tc.opts)}
			for _, st := range states {
				for _, x := range xs {
					x.Successors(st, func([]byte, uint64) {})
				}
			}
			a, b := model.Scratch(xs[0]), model.Scratch(xs[1])
			if len(a) == 0 || len(b) == 0 {
				t.Fatal("the expanders hold no scratch memory")
			}
			for _, r := range a {
				for _, q := range b {
					if r.Start/64 <= (q.End-1)/64 && q.Start/64 <= (r.End-1)/64 {
						t.Errorf("expander 0's %s [%#x, %#x) and expander 1's %s [%#x, %#x) share a cache line", r.Name, r.Start, r.End, q.Name, q.Start, q.End)
					}
				}
			}
		})
	}
}
