package model_test

import (
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// sampleStates returns up to n encoded states of the bank, breadth-first.
func sampleStates(tb testing.TB, file string, n int) (*model.System, [][]byte) {
	tb.Helper()
	sys, err := algorithms.Load(file)
	if err != nil {
		tb.Fatal(err)
	}
	x := sys.NewExpander()
	seen := map[string]bool{}
	queue := [][]byte{x.Initial(nil)}
	var out [][]byte
	for len(queue) > 0 && len(out) < n {
		st := queue[0]
		queue = queue[1:]
		if seen[string(st)] {
			continue
		}
		seen[string(st)] = true
		out = append(out, st)
		x.Successors(st, func(next []byte, _ uint64) { queue = append(queue, append([]byte(nil), next...)) })
	}
	return sys, out
}

// BenchmarkSuccessors measures the expander alone (decode, enumerate,
// copy, apply, encode) per transition, on the first states of some banks.
func BenchmarkSuccessors(b *testing.B) {
	for _, bc := range []struct {
		name, file string
		opts       model.ExpanderOptions
	}{
		{"any3n_ms2", "../examples/bench/any3n_ms2.json", model.ExpanderOptions{}},
		{"any3n_ms2/por", "../examples/bench/any3n_ms2.json", model.ExpanderOptions{Reduce: true}},
		{"any3n_ms2/por+symmetry", "../examples/bench/any3n_ms2.json", model.ExpanderOptions{Reduce: true, Symmetry: true}},
		{"any4n_ms1/por", "../examples/bench/any4n_ms1.json", model.ExpanderOptions{Reduce: true}},
		{"any4n_ms1/por+symmetry", "../examples/bench/any4n_ms1.json", model.ExpanderOptions{Reduce: true, Symmetry: true}},
		{"cos418_8n_a", "../examples/bench/cos418_8n_a.json", model.ExpanderOptions{}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			sys, states := sampleStates(b, bc.file, 20000)
			x := sys.NewExpanderWith(bc.opts)
			transitions := 0
			emit := func([]byte, uint64) { transitions++ }
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				x.Successors(states[i%len(states)], emit)
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(max(transitions, 1)), "ns/transition")
		})
	}
}

// TestSuccessorsDoNotAllocate: once warm, the expander generates
// successors without allocating (issue 7's compact state), unreduced, with
// partial-order reduction and with symmetry reduction, on states that
// receive transfers and markers and record channel states.
func TestSuccessorsDoNotAllocate(t *testing.T) {
	sys, states := sampleStates(t, "../examples/bench/any3n_ms2.json", 3000)
	for _, o := range []model.ExpanderOptions{{}, {Reduce: true}, {Reduce: true, Symmetry: true}} {
		x := sys.NewExpanderWith(o)
		n := 0
		emit := func([]byte, uint64) { n++ }
		run := func() {
			for _, st := range states {
				x.Successors(st, emit)
			}
		}
		run() // warm: scratch memory grows to its size
		if allocs := testing.AllocsPerRun(3, run); allocs != 0 {
			t.Errorf("%+v: %.0f allocations for the successors of %d states", o, allocs, len(states))
		}
	}
}
