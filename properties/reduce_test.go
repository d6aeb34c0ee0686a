package properties

import (
	"context"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// outcome is what must not depend on reduction, store, strategy or workers.
type outcome struct {
	verdict   Verdict
	violated  []string
	snapshots []string
	terminal  int64 // states with no successor: partial-order reduction keeps them all
	never     []string
}

func outcomeOf(rep *Report) outcome {
	o := outcome{verdict: rep.Verdict, terminal: rep.TerminalStates, never: rep.NeverStarted}
	v, s := map[string]bool{}, map[string]bool{}
	for _, x := range rep.Violations {
		v[x.Property] = true
	}
	for _, x := range rep.Snapshots {
		s[x.Key()] = true
	}
	o.violated, o.snapshots = keys(v), keys(s)
	return o
}

// reporter is what sameOutcome needs of a *testing.T or a *rapid.T.
type reporter interface {
	Helper()
	Errorf(format string, args ...any)
}

func sameOutcome(t reporter, what string, a, b outcome) {
	t.Helper()
	if a.verdict != b.verdict || !equalStrings(a.violated, b.violated) || !equalStrings(a.snapshots, b.snapshots) || a.terminal != b.terminal || !equalStrings(a.never, b.never) {
		t.Errorf("%s: outcomes differ:\n full:    %s %v, %d snapshots, %d terminal states, never started %v\n other:   %s %v, %d snapshots, %d terminal states, never started %v",
			what, a.verdict, a.violated, len(a.snapshots), a.terminal, a.never, b.verdict, b.violated, len(b.snapshots), b.terminal, b.never)
	}
}

func check(t testing.TB, sys *model.System, opts Options) *Report {
	t.Helper()
	rep, err := Check(context.Background(), sys, opts)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestReductionKeepsOutcome: partial-order reduction, the fingerprint store
// and depth-first search give the verdicts, violated properties, distinct
// snapshots and terminal states of the full breadth-first search, on every
// bundled configuration small enough.
func TestReductionKeepsOutcome(t *testing.T) {
	var files []string
	for _, pat := range []string{"../examples/*.json", "../examples/broken/*.json", "../examples/nonfifo/*.json", "testdata/naive/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	if len(files) < 20 {
		t.Fatalf("found only %d configurations", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			sys, err := algorithms.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			limit := explore.Options{MaxStates: 150_000}
			full := check(t, sys, Options{Explore: limit})
			if full.Stopped != "" {
				t.Skipf("more than %d states", limit.MaxStates)
			}
			want := outcomeOf(full)
			por := check(t, sys, Options{Explore: limit, Reduce: true})
			sameOutcome(t, "por", want, outcomeOf(por))
			if por.States > full.States || por.Transitions > full.Transitions {
				t.Errorf("reduction grew the graph: %d states %d transitions, full %d %d", por.States, por.Transitions, full.States, full.Transitions)
			}
			fp := check(t, sys, Options{Explore: explore.Options{MaxStates: limit.MaxStates, Fingerprints: true}})
			sameOutcome(t, "fingerprint", want, outcomeOf(fp))
			dfs := check(t, sys, Options{Explore: explore.Options{MaxStates: limit.MaxStates, Strategy: explore.DFS}, Reduce: true})
			sameOutcome(t, "dfs+por", want, outcomeOf(dfs))
			t.Logf("full %d states %d transitions; por %d states %d transitions", full.States, full.Transitions, por.States, por.Transitions)
		})
	}
}

// TestWorkersIdentical: the report (figures, snapshots, counterexamples) is
// the same for any number of workers.
func TestWorkersIdentical(t *testing.T) {
	for _, f := range []string{"../examples/any-three.json", "../examples/broken/late-markers.json", "../examples/two-initiators.json", "../examples/nonfifo/lecture-chandy-lamport.json"} {
		t.Run(filepath.Base(f), func(t *testing.T) {
			sys, err := algorithms.Load(f)
			if err != nil {
				t.Fatal(err)
			}
			for _, reduce := range []bool{false, true} {
				one := check(t, sys, Options{Reduce: reduce, Explore: explore.Options{Workers: 1}})
				for _, w := range []int{2, 3} {
					many := check(t, sys, Options{Reduce: reduce, Explore: explore.Options{Workers: w}})
					if one.States != many.States || one.Transitions != many.Transitions || one.Executions.Cmp(many.Executions) != 0 || one.Depth != many.Depth {
						t.Errorf("reduce=%v workers=%d: figures %d/%d/%v/%d, one worker %d/%d/%v/%d", reduce, w,
							many.States, many.Transitions, many.Executions, many.Depth, one.States, one.Transitions, one.Executions, one.Depth)
					}
					if len(one.Violations) != len(many.Violations) {
						t.Fatalf("reduce=%v workers=%d: %d violations, one worker %d", reduce, w, len(many.Violations), len(one.Violations))
					}
					for i := range one.Violations {
						a, b := one.Violations[i], many.Violations[i]
						if a.Property != b.Property || a.Message != b.Message || len(a.Events) != len(b.Events) {
							t.Errorf("reduce=%v workers=%d: violation %d differs: %q vs %q", reduce, w, i, b.Message, a.Message)
						}
						for k := range a.Events {
							if k < len(b.Events) && a.Events[k] != b.Events[k] {
								t.Errorf("reduce=%v workers=%d: counterexample %d differs at event %d", reduce, w, i, k+1)
								break
							}
						}
					}
					sameOutcome(t, "workers", outcomeOf(one), outcomeOf(many))
				}
			}
		})
	}
}

// rapidLimit bounds the searches of the rapid comparisons.
var rapidLimit = explore.Options{MaxStates: 20_000}

// drawChecked draws an algorithm among algs and a configuration (o with
// that algorithm), builds it and checks it in full within rapidLimit; it
// skips the draw when the space is larger.
func drawChecked(rt *rapid.T, algs []string, o modeltest.Options) (*model.System, *Report) {
	o.Algorithm = rapid.SampledFrom(algs).Draw(rt, "algorithm")
	cfg := modeltest.Config(o).Draw(rt, "config")
	modeltest.Log(rt, cfg)
	sys, err := algorithms.Build(cfg)
	if err != nil {
		rt.Fatalf("generated config does not build: %v", err)
	}
	full, err := Check(context.Background(), sys, Options{Explore: rapidLimit})
	if err != nil {
		rt.Fatal(err)
	}
	if full.Stopped != "" {
		rt.Skip("too large")
	}
	return sys, full
}

// TestReductionKeepsOutcomeRapid: the same on random banks, for
// Chandy–Lamport and every broken variant.
func TestReductionKeepsOutcomeRapid(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sys, full := drawChecked(rt, algorithms.Names(), modeltest.Options{MaxNodes: 3, MaxSnapshots: 2, MaxBalance: 3, MaxSends: 1})
		por, err := Check(context.Background(), sys, Options{Explore: rapidLimit, Reduce: true})
		if err != nil {
			rt.Fatal(err)
		}
		sameOutcome(rt, "por", outcomeOf(full), outcomeOf(por))
	})
}
