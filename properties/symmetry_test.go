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

// sameUnderSymmetry compares a symmetry-reduced report with the full one:
// the same verdict, violated properties, distinct snapshots (all of them:
// the reduced report lists each orbit in full) and never-started
// snapshots; counterexamples as short (renaming keeps depth), and every
// execution it lists replays and records its snapshot.
func sameUnderSymmetry(t reporter, sys *model.System, what string, full, sym *Report, exactLengths bool) {
	t.Helper()
	want, got := outcomeOf(full), outcomeOf(sym)
	got.terminal = want.terminal
	sameOutcome(t, what, want, got)
	if exactLengths {
		lengths := map[string]int{}
		for _, v := range full.Violations {
			lengths[v.Property] = v.Length
		}
		for _, v := range sym.Violations {
			if v.Length != lengths[v.Property] {
				t.Errorf("%s: %s counterexample of %d events, full search %d", what, v.Property, v.Length, lengths[v.Property])
			}
		}
	}
	for _, v := range sym.Violations {
		if _, err := Replay(sys, v.Events); err != nil {
			t.Errorf("%s: the %s counterexample does not replay: %v", what, v.Property, err)
		}
	}
	for _, s := range sym.Snapshots {
		if s.Witnesses == nil || s.Witnesses.Examined != len(s.Executions) || s.Witnesses.Infeasible != 0 && len(sym.Violations) == 0 {
			t.Errorf("%s: snapshot %s: witness counts %+v for %d executions", what, s.Key(), s.Witnesses, len(s.Executions))
		}
		for _, evs := range s.Executions {
			x, err := Replay(sys, evs)
			if err != nil {
				t.Errorf("%s: an execution of %s does not replay: %v", what, s.Key(), err)
				continue
			}
			ok := false
			for sn, k := range x.CompleteAt {
				if k == len(evs)-1 && x.Recorded(sn).Key() == s.Key() {
					ok = true
				}
			}
			if !ok {
				t.Errorf("%s: an execution listed for %s does not end recording it", what, s.Key())
			}
		}
	}
}

// TestSymmetryKeepsOutcome: on every bundled bank with a renaming,
// symmetry reduction (alone and with partial-order reduction) keeps the
// outcome, from fewer states.
func TestSymmetryKeepsOutcome(t *testing.T) {
	var files []string
	for _, pat := range []string{"../examples/*.json", "../examples/broken/*.json", "../examples/nonfifo/*.json", "testdata/naive/*.json", "testdata/symmetric/*.json"} {
		m, err := filepath.Glob(pat)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, m...)
	}
	tested := 0
	for _, f := range files {
		sys, err := algorithms.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		if len(sys.Symmetries()) == 0 {
			continue
		}
		t.Run(filepath.Base(filepath.Dir(f))+"/"+filepath.Base(f), func(t *testing.T) {
			limit := explore.Options{MaxStates: 150_000, Workers: 2}
			full := check(t, sys, Options{Explore: limit})
			if full.Stopped != "" {
				t.Skipf("more than %d states", limit.MaxStates)
			}
			tested++
			sym := check(t, sys, Options{Explore: limit, Symmetry: true, Witnesses: 3})
			sameUnderSymmetry(t, sys, "symmetry", full, sym, true)
			if sym.States >= full.States || sym.Renamings != len(sys.Symmetries()) || sym.Reduction != "symmetry" {
				t.Errorf("symmetry: %d states (full %d), %d renamings, reduction %q", sym.States, full.States, sym.Renamings, sym.Reduction)
			}
			both := check(t, sys, Options{Explore: limit, Symmetry: true, Reduce: true, Witnesses: 3})
			sameUnderSymmetry(t, sys, "por+symmetry", full, both, false)
			dfs := check(t, sys, Options{Explore: explore.Options{MaxStates: limit.MaxStates, Strategy: explore.DFS}, Symmetry: true})
			sameUnderSymmetry(t, sys, "dfs+symmetry", full, dfs, false)
			t.Logf("full %d states; symmetry %d; por+symmetry %d", full.States, sym.States, both.States)
		})
	}
	if tested < 4 {
		t.Errorf("only %d symmetric banks tested", tested)
	}
}

// TestSymmetryKeepsOutcomeRapid: the same on random symmetric banks, for
// every built-in algorithm.
func TestSymmetryKeepsOutcomeRapid(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		sys, full := drawChecked(rt, algorithms.Names(), modeltest.Options{MaxNodes: 4, MaxSnapshots: 2, MaxBalance: 3, MaxSends: 1, Symmetric: true})
		for _, por := range []bool{false, true} {
			sym, err := Check(context.Background(), sys, Options{Explore: rapidLimit, Symmetry: true, Reduce: por, Witnesses: 3})
			if err != nil {
				rt.Fatal(err)
			}
			sameUnderSymmetry(rt, sys, reduction(por, true), full, sym, !por)
		}
	})
}
