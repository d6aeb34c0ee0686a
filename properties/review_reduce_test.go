package properties

import (
	"context"
	"fmt"
	"os"
	"slices"
	"sync/atomic"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// reviewStats count the banks compared and skipped (REVIEW_LONG prints
// them as it goes).
var reviewStats struct{ compared, skipped, symmetric, states atomic.Int64 }

func reviewProgress() {
	if os.Getenv("REVIEW_LONG") == "" {
		return
	}
	if n := reviewStats.compared.Load() + reviewStats.skipped.Load(); n%100 == 0 {
		fmt.Fprintf(os.Stderr, "review: %d compared (%d symmetric, %d states in full), %d skipped\n",
			reviewStats.compared.Load(), reviewStats.symmetric.Load(), reviewStats.states.Load(), reviewStats.skipped.Load())
	}
}

// reviewCompare checks cfg in full and under every reduction, store,
// strategy and worker count, and compares the outcomes.
func reviewCompare(t *rapid.T, cfg *model.Config, limit int64) {
	modeltest.Log(t, cfg)
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatalf("does not build: %v", err)
	}
	run := func(o Options) *Report {
		o.Explore.MaxStates = limit
		rep, err := Check(context.Background(), sys, o)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Stopped != "" {
			reviewStats.skipped.Add(1)
			reviewProgress()
			t.Skip("too large")
		}
		return rep
	}
	full := run(Options{})
	reviewStats.states.Add(full.States)
	want := outcomeOf(full)
	por := run(Options{Reduce: true})
	sameOutcome(t, "por", want, outcomeOf(por))
	sameOutcome(t, "por dfs", want, outcomeOf(run(Options{Reduce: true, Explore: explore.Options{Strategy: explore.DFS}})))
	sameOutcome(t, "por fingerprints workers 2", want, outcomeOf(run(Options{Reduce: true, Explore: explore.Options{Fingerprints: true, Workers: 2}})))
	if len(sys.Symmetries()) > 0 {
		sym := run(Options{Reduce: true, Symmetry: true})
		got := outcomeOf(sym)
		got.terminal = want.terminal
		sameOutcome(t, "por symmetry", want, got)
		reviewStats.symmetric.Add(1)
	}
	for _, v := range por.Violations {
		if _, err := Replay(sys, v.Events); err != nil {
			t.Errorf("por: %s counterexample does not replay: %v", v.Property, err)
		}
	}
	reviewStats.compared.Add(1)
	reviewProgress()
}

// TestReviewReductionRapid compares partial-order reduction (and its
// combinations) with the full search on banks of modeltest.WideConfig's shapes.
// REVIEW_LONG=1 runs bigger banks (up to 4 nodes, 3 sends per node); use
// -rapid.checks to run more of them.
func TestReviewReductionRapid(t *testing.T) {
	maxNodes, maxSends, limit := 3, 2, int64(4_000)
	if os.Getenv("REVIEW_LONG") != "" {
		maxNodes, maxSends, limit = 4, 3, 60_000
	}
	rapid.Check(t, func(rt *rapid.T) {
		reviewCompare(rt, modeltest.WideConfig(rt, maxNodes, maxSends, 2, algorithms.Names()), limit)
	})
	t.Logf("%d banks compared (%d with symmetries), %d too large", reviewStats.compared.Load(), reviewStats.symmetric.Load(), reviewStats.skipped.Load())
}

// sameReport compares two reports of one search for everything but time
// and memory: figures, findings, counterexamples, snapshots and their
// executions.
func sameReport(t reporter, what string, a, b *Report) {
	t.Helper()
	if a.Verdict != b.Verdict || a.States != b.States || a.Transitions != b.Transitions || a.TerminalStates != b.TerminalStates || a.Depth != b.Depth ||
		(a.Executions == nil) != (b.Executions == nil) || a.Executions != nil && a.Executions.Cmp(b.Executions) != 0 || a.ExecutionsNote != b.ExecutionsNote ||
		!slices.Equal(a.NeverStarted, b.NeverStarted) {
		t.Errorf("%s: figures differ: %s %d/%d/%d/%v/%d vs %s %d/%d/%d/%v/%d", what, a.Verdict, a.States, a.Transitions, a.TerminalStates, a.Executions, a.Depth,
			b.Verdict, b.States, b.Transitions, b.TerminalStates, b.Executions, b.Depth)
		return
	}
	if len(a.Violations) != len(b.Violations) {
		t.Errorf("%s: %d violations vs %d", what, len(a.Violations), len(b.Violations))
		return
	}
	for i := range a.Violations {
		x, y := a.Violations[i], b.Violations[i]
		if x.Property != y.Property || x.Message != y.Message || !slices.Equal(x.Events, y.Events) || x.Feasibility != y.Feasibility {
			t.Errorf("%s: violation %d differs: %s %q vs %s %q", what, i, x.Property, x.Message, y.Property, y.Message)
		}
	}
	if len(a.Snapshots) != len(b.Snapshots) {
		t.Errorf("%s: %d snapshots vs %d", what, len(a.Snapshots), len(b.Snapshots))
		return
	}
	for i := range a.Snapshots {
		x, y := a.Snapshots[i], b.Snapshots[i]
		if x.Key() != y.Key() || len(x.Executions) != len(y.Executions) {
			t.Errorf("%s: snapshot %d differs: %s vs %s", what, i, x.Key(), y.Key())
			continue
		}
		for k := range x.Executions {
			if !slices.Equal(x.Executions[k], y.Executions[k]) {
				t.Errorf("%s: snapshot %s: execution %d differs", what, x.Key(), k)
			}
		}
	}
}

// TestReviewWorkersIdenticalRapid: on random banks, every number of
// workers gives the same report as one, with the exact and the
// fingerprint stores, with and without partial-order reduction.
func TestReviewWorkersIdenticalRapid(t *testing.T) {
	maxNodes, maxSends, limit := 3, 2, int64(3_000)
	if os.Getenv("REVIEW_LONG") != "" {
		maxNodes, maxSends, limit = 4, 3, 60_000
	}
	rapid.Check(t, func(rt *rapid.T) {
		cfg := modeltest.WideConfig(rt, maxNodes, maxSends, 2, algorithms.Names())
		modeltest.Log(rt, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			rt.Fatalf("does not build: %v", err)
		}
		reduce := rapid.Bool().Draw(rt, "reduce")
		fp := rapid.Bool().Draw(rt, "fingerprints")
		witnesses := rapid.IntRange(1, 3).Draw(rt, "witnesses")
		run := func(w int) *Report {
			rep, err := Check(context.Background(), sys, Options{Reduce: reduce, Witnesses: witnesses, AllViolations: witnesses > 1,
				Explore: explore.Options{MaxStates: limit, Workers: w, Fingerprints: fp}})
			if err != nil {
				rt.Fatal(err)
			}
			return rep
		}
		one := run(1)
		for _, w := range []int{2, 3, 8} {
			sameReport(rt, fmt.Sprintf("workers %d", w), one, run(w))
		}
	})
}

// TestReviewSymmetryReductionRapid compares partial-order reduction with
// symmetry reduction (and each alone) with the full search on symmetric
// random banks, larger than TestSymmetryKeepsOutcomeRapid's under
// REVIEW_LONG.
func TestReviewSymmetryReductionRapid(t *testing.T) {
	o, limit := modeltest.Options{MaxNodes: 3, MaxSnapshots: 2, MaxBalance: 3, MaxSends: 1, Symmetric: true}, int64(3_000)
	if os.Getenv("REVIEW_LONG") != "" {
		o.MaxNodes, o.MaxSends, limit = 4, 2, 60_000
	}
	rapid.Check(t, func(rt *rapid.T) {
		o.Algorithm = rapid.SampledFrom(algorithms.Names()).Draw(rt, "algorithm")
		cfg := modeltest.Config(o).Draw(rt, "config")
		modeltest.Log(rt, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			rt.Fatalf("does not build: %v", err)
		}
		full, err := Check(context.Background(), sys, Options{Explore: explore.Options{MaxStates: limit}})
		if err != nil {
			rt.Fatal(err)
		}
		if full.Stopped != "" {
			rt.Skip("too large")
		}
		for _, c := range []struct {
			por, sym bool
			strategy explore.Strategy
			workers  int
		}{{true, false, explore.BFS, 2}, {true, true, explore.BFS, 1}, {true, true, explore.DFS, 1}, {false, true, explore.BFS, 2}} {
			rep, err := Check(context.Background(), sys, Options{Reduce: c.por, Symmetry: c.sym, Explore: explore.Options{MaxStates: limit, Strategy: c.strategy, Workers: c.workers}})
			if err != nil {
				rt.Fatal(err)
			}
			want, got := outcomeOf(full), outcomeOf(rep)
			if c.sym {
				got.terminal = want.terminal
			}
			sameOutcome(rt, fmt.Sprintf("por=%v symmetry=%v %s workers=%d", c.por, c.sym, c.strategy, c.workers), want, got)
		}
	})
}

// TestWorkersIdenticalSmallSegments: on a bank whose states have hundreds
// of large successors, the breadth-first search cuts levels into segments
// of a few states (so that a segment's successors take about 1 MB: here
// a few of the 720 states of the level after the initial state, each with
// some 700 successors of hundreds of bytes), and every number of workers
// still gives the same report as one, with a state limit cutting the
// search in the middle of that level.
func TestWorkersIdenticalSmallSegments(t *testing.T) {
	sys, err := algorithms.Load("../cmd/snapcheck/testdata/memory/wide16.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, fp := range []bool{false, true} {
		var one *Report
		for _, workers := range []int{1, 2, 3} {
			rep, err := Check(context.Background(), sys, Options{Explore: explore.Options{Strategy: explore.BFS,
				MaxStates: 60_000, Workers: workers, Fingerprints: fp}})
			if err != nil {
				t.Fatal(err)
			}
			if rep.Verdict != Incomplete || rep.States != 60_000 || rep.Depth != 1 {
				t.Fatalf("fingerprints %v, %d workers: %s, %d states, depth %d; want the state limit within the second level", fp, workers, rep.Verdict, rep.States, rep.Depth)
			}
			if one == nil {
				one = rep
				continue
			}
			sameReport(t, fmt.Sprintf("fingerprints %v, %d workers", fp, workers), one, rep)
		}
	}
}
