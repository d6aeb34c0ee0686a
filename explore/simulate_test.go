package explore

import (
	"context"
	"fmt"
	"reflect"
	"testing"
)

// chain is a toy space: states are counters 0..n; from k < n one may step
// by 1 (note 1 when reaching n) or, for k < n-1, by 2 (note 2). The
// terminal state n reports the finding "end".
type chain struct{ n byte }

func (c chain) Initial(dst []byte) []byte { return append(dst, 0) }

func (c chain) Successors(state []byte, emit func([]byte, uint64)) {
	k := state[0]
	if k < c.n {
		emit([]byte{k + 1}, note(k+1, c.n, 1))
	}
	if k+1 < c.n {
		emit([]byte{k + 2}, note(k+2, c.n, 2))
	}
}

func note(k, n byte, v uint64) uint64 {
	if k == n {
		return v
	}
	return 0
}

func (c chain) Transition(_, to []byte, note uint64, report func(Finding)) {
	report(Finding{Key: fmt.Sprintf("arrive by %d", note)})
}

func (c chain) Terminal(state []byte, report func(Finding)) {
	report(Finding{Key: "end", Violation: true})
}

func TestSimulate(t *testing.T) {
	ctx := context.Background()
	res, err := Simulate(ctx, chain{6}, SimOptions{Runs: 200, Seed: 9})
	if err != nil {
		t.Fatal(err)
	}
	if res.Runs != 200 || res.Cut != 0 || res.Stopped != "" {
		t.Fatalf("runs %d, cut %d, stopped %q", res.Runs, res.Cut, res.Stopped)
	}
	got := map[string]*SimFound{}
	for _, f := range res.Findings {
		got[f.Key] = f
	}
	end := got["end"]
	if end == nil || end.Count != 200 || !end.Violation {
		t.Fatalf("terminal finding %+v, want 200 occurrences", end)
	}
	// The shortest occurrence is kept: 3 steps of 2 (index 1 each).
	if !reflect.DeepEqual(end.Path, []int{1, 1, 1}) {
		t.Errorf("shortest path %v, want [1 1 1]", end.Path)
	}
	if got["arrive by 1"] == nil || got["arrive by 2"] == nil {
		t.Errorf("both transition findings expected in 200 uniform runs: %v", got)
	}
	if res.Longest != 6 || res.Steps < 600 || res.Steps > 1200 {
		t.Errorf("longest %d, steps %d", res.Longest, res.Steps)
	}

	again, _ := Simulate(ctx, chain{6}, SimOptions{Runs: 200, Seed: 9})
	again.Elapsed, res.Elapsed = 0, 0
	if !reflect.DeepEqual(res, again) {
		t.Errorf("the same seed gave different results")
	}
}

func TestSimulateWeights(t *testing.T) {
	// Weight 0 for steps by 2: every run takes steps by 1 only.
	w := func(state []byte, dst []float64) []float64 {
		dst = append(dst, 1)
		if state[0]+1 < 6 {
			dst = append(dst, 0)
		}
		return dst
	}
	res, err := Simulate(context.Background(), chain{6}, SimOptions{Runs: 50, Seed: 1, Weights: w})
	if err != nil {
		t.Fatal(err)
	}
	if res.Steps != 50*6 {
		t.Errorf("%d steps, want 300 (steps by 1 only)", res.Steps)
	}
	for _, f := range res.Findings {
		if f.Key == "arrive by 2" {
			t.Errorf("a weight-0 successor was chosen")
		}
	}
}

func TestSimulateLimits(t *testing.T) {
	res, err := Simulate(context.Background(), chain{6}, SimOptions{Runs: 10, MaxSteps: 2})
	if err != nil {
		t.Fatal(err)
	}
	if res.Cut != 10 || len(res.Findings) != 0 {
		t.Errorf("cut %d, findings %d: a cut run is not maximal", res.Cut, len(res.Findings))
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	res, err = Simulate(ctx, chain{6}, SimOptions{Runs: 10})
	if err != nil {
		t.Fatal(err)
	}
	if res.Stopped != "interrupted" || res.Runs != 0 {
		t.Errorf("cancelled: runs %d, stopped %q", res.Runs, res.Stopped)
	}
	if _, err := Simulate(context.Background(), chain{6}, SimOptions{Runs: -1}); err == nil {
		t.Errorf("negative runs accepted")
	}
}
