package properties

import (
	"context"
	"math/big"
	"path/filepath"
	"sort"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// naiveResult is what the naive reference explorer finds.
type naiveResult struct {
	executions int64
	snapshots  map[string]bool // SnapshotValue.Key()
	violated   map[string]bool // property names
}

// naiveExplore is the reference explorer the tests trust: no state store,
// no merging, no ghost information. It enumerates every interleaving depth
// first and judges every snapshot on the concrete execution (message
// identities, recording points) at the event that completes it, and
// termination at the end of every maximal execution. It gives up (ok
// false) beyond limit executions.
func naiveExplore(sys *model.System, limit int64) (res naiveResult, ok bool) {
	res = naiveResult{snapshots: map[string]bool{}, violated: map[string]bool{}}
	var events []model.Event
	var walk func(st *model.State) bool
	judge := func() {
		x, err := Replay(sys, events)
		if err != nil {
			panic(err)
		}
		last := len(events) - 1
		for s := range sys.Topo.Snapshots {
			if last >= 0 && x.CompleteAt[s] == last {
				res.snapshots[x.Recorded(s).Key()] = true
				for _, p := range x.Check(s) {
					res.violated[p.Property] = true
				}
			}
		}
		for _, p := range x.CheckTermination() {
			res.violated[p.Property] = true
		}
	}
	walk = func(st *model.State) bool {
		evs := sys.Events(st)
		if len(evs) == 0 {
			res.executions++
			if !allStartedDone(sys, st) {
				judge()
			}
			return res.executions <= limit
		}
		for _, e := range evs {
			next := st.Clone()
			completed := sys.Apply(next, e)
			events = append(events, e)
			if completed != 0 {
				judge()
			}
			if !walk(next) {
				return false
			}
			events = events[:len(events)-1]
		}
		return true
	}
	ok = walk(sys.Initial())
	return res, ok
}

// allStartedDone reports whether every snapshot some node recorded has
// been finished by every node (read from the model's own recording state,
// not its ghost flags).
func allStartedDone(sys *model.System, st *model.State) bool {
	n := len(sys.Topo.Nodes)
	for s := range sys.Topo.Snapshots {
		started, done := false, true
		for i := 0; i < n; i++ {
			r := st.Rec[s*n+i]
			started = started || r.Recorded
			done = done && r.Done
		}
		if started && !done {
			return false
		}
	}
	return true
}

func keys(m map[string]bool) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestExplorerAgreesWithNaive(t *testing.T) {
	tests := []struct {
		config    string
		algorithm string // "" keeps the config's
		fifo      *bool
		minExec   int64 // the naive explorer must enumerate at least this many
	}{
		{config: "testdata/naive/three-script.json", minExec: 100_000},
		{config: "testdata/naive/ring-two-snaps.json", minExec: 5000},
		{config: "testdata/naive/ring-two-snaps.json", fifo: new(bool), minExec: 30_000},
		{config: "testdata/naive/scripted.json", minExec: 5000},
		{config: "testdata/naive/scripted.json", fifo: new(bool), minExec: 10_000},
		{config: "testdata/naive/any-two-small.json", minExec: 40_000},
		{config: "../examples/two-nodes.json"},
		{config: "../examples/two-nodes.json", algorithm: "late-markers"},
		{config: "testdata/naive/ring-two-snaps.json", algorithm: "no-channel-state"},
		{config: "testdata/naive/ring-two-snaps.json", algorithm: "stop-all-on-marker"},
		{config: "testdata/naive/ring-two-snaps.json", algorithm: "no-forward"},
	}
	for _, tc := range tests {
		name := filepath.Base(tc.config)
		if tc.algorithm != "" {
			name += "/" + tc.algorithm
		}
		if tc.fifo != nil {
			name += "/non-fifo"
		}
		t.Run(name, func(t *testing.T) {
			cfg, err := model.LoadConfig(tc.config)
			if err != nil {
				t.Fatal(err)
			}
			if tc.algorithm != "" {
				cfg.Algorithm = tc.algorithm
			}
			if tc.fifo != nil {
				cfg.FIFO = *tc.fifo
			}
			sys, err := algorithms.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			naive, ok := naiveExplore(sys, 2_000_000)
			if !ok {
				t.Fatalf("naive explorer gave up after 2,000,000 executions")
			}
			if naive.executions < tc.minExec {
				t.Fatalf("naive explorer enumerated %d executions, want at least %d", naive.executions, tc.minExec)
			}
			for _, strategy := range []string{"bfs", "dfs"} {
				opts := Options{}
				if strategy == "dfs" {
					opts.Explore.Strategy = 1
				}
				rep, err := Check(context.Background(), sys, opts)
				if err != nil {
					t.Fatal(err)
				}
				got := map[string]bool{}
				for _, s := range rep.Snapshots {
					got[s.Key()] = true
				}
				if g, w := keys(got), keys(naive.snapshots); !equalStrings(g, w) {
					t.Errorf("%s: distinct snapshots differ:\nexplorer %d: %q\nnaive    %d: %q", strategy, len(g), g, len(w), w)
				}
				violated := map[string]bool{}
				for _, v := range rep.Violations {
					violated[v.Property] = true
				}
				if g, w := keys(violated), keys(naive.violated); !equalStrings(g, w) {
					t.Errorf("%s: violated properties differ: explorer %q, naive %q", strategy, g, w)
				}
				wantVerdict := OK
				if len(naive.violated) > 0 {
					wantVerdict = Violated
				}
				if rep.Verdict != wantVerdict {
					t.Errorf("%s: verdict %s, naive says %s", strategy, rep.Verdict, wantVerdict)
				}
				if rep.Executions == nil || rep.Executions.Cmp(big.NewInt(naive.executions)) != 0 {
					t.Errorf("%s: executions %v (%s), naive enumerated %d", strategy, rep.Executions, rep.ExecutionsNote, naive.executions)
				}
			}
			t.Logf("naive: %d executions, %d distinct snapshots, violated %v", naive.executions, len(naive.snapshots), keys(naive.violated))
		})
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
