package model_test

import (
	"bytes"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// TestSymmetriesOfExamples: the renamings found on bundled banks.
func TestSymmetriesOfExamples(t *testing.T) {
	for _, tc := range []struct {
		file string
		want int // renamings other than the identity
	}{
		{"../examples/lecture.json", 0},
		{"../examples/any-three.json", 1},
		{"../examples/bench/any3n_ms2.json", 1},
		{"../examples/bench/any4n_ms1.json", 5},
		{"../examples/two-nodes.json", 0},
		{"../examples/nonfifo/any-three.json", 1},
	} {
		sys, err := algorithms.Load(tc.file)
		if err != nil {
			t.Fatal(err)
		}
		if got := len(sys.Symmetries()); got != tc.want {
			t.Errorf("%s: %d renamings, want %d", tc.file, got, tc.want)
		}
	}
}

// successors lists the encodings of st's successors, sorted.
func successors(sys *model.System, st *model.State) []string {
	var out []string
	for _, e := range sys.Events(st) {
		next := st.Clone()
		sys.Apply(next, e)
		out = append(out, string(next.Encode(nil)))
	}
	sort.Strings(out)
	return out
}

// TestRapidRenamingsCommuteWithEvents: on symmetric banks, for every
// reachable state st (up to a bound) and every renaming r, the successors
// of r(st) are exactly the renamed successors of st, and st and r(st) have
// the same canonical encoding. This is what symmetry reduction rests on,
// checked for every built-in algorithm.
func TestRapidRenamingsCommuteWithEvents(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(algorithms.Names()).Draw(t, "algorithm")
		cfg := modeltest.Config(modeltest.Options{MaxNodes: 4, MaxSnapshots: 2, MaxSends: 1, Symmetric: true, Algorithm: alg}).Draw(t, "config")
		modeltest.Log(t, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		rens := sys.Symmetries()
		x := sys.NewExpanderWith(model.ExpanderOptions{Symmetry: true})
		seen := map[string]bool{}
		queue := []*model.State{sys.Initial()}
		var ren model.State
		for len(queue) > 0 && len(seen) < 400 {
			st := queue[0]
			queue = queue[1:]
			enc := string(st.Encode(nil))
			if seen[enc] {
				continue
			}
			seen[enc] = true
			succ := successors(sys, st)
			canon := x.Canonical(nil, st)
			for k := range rens {
				sys.Rename(&rens[k], st, &ren)
				var want []string
				for _, s := range succ {
					var d, r model.State
					if err := sys.Decode([]byte(s), &d); err != nil {
						t.Fatal(err)
					}
					sys.Rename(&rens[k], &d, &r)
					want = append(want, string(r.Encode(nil)))
				}
				sort.Strings(want)
				got := successors(sys, &ren)
				if len(got) != len(want) {
					t.Fatalf("renaming %v: %d successors of the renamed state, %d renamed successors", rens[k].Node, len(got), len(want))
				}
				for i := range got {
					if got[i] != want[i] {
						t.Fatalf("renaming %v: the successors of the renamed state differ from the renamed successors", rens[k].Node)
					}
				}
				if c := x.Canonical(nil, &ren); !bytes.Equal(c, canon) {
					t.Fatalf("renaming %v: a state and its renaming have different canonical encodings", rens[k].Node)
				}
			}
			for _, e := range sys.Events(st) {
				next := st.Clone()
				sys.Apply(next, e)
				queue = append(queue, next)
			}
		}
	})
}

// TestRapidExpanderMatchesApply: the expander's successors (decoded once per
// state and undone after each event, their encodings copied and patched
// from the expanded state's) are exactly Apply's on a fresh copy, in the
// same order, with the same completed snapshots, for every built-in
// algorithm. Balances up to 20 make the packed head (a byte per node while
// every value is below 16) come and go.
func TestRapidExpanderMatchesApply(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(algorithms.Names()).Draw(t, "algorithm")
		maxBalance := rapid.SampledFrom([]int{4, 20}).Draw(t, "max balance")
		cfg := modeltest.Config(modeltest.Options{MaxNodes: 4, MaxSnapshots: 2, MaxSends: 1, MaxBalance: maxBalance, Algorithm: alg}).Draw(t, "config")
		modeltest.Log(t, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		x := sys.NewExpander()
		seen := map[string]bool{}
		queue := [][]byte{x.Initial(nil)}
		for len(queue) > 0 && len(seen) < 300 {
			enc := queue[0]
			queue = queue[1:]
			if seen[string(enc)] {
				continue
			}
			seen[string(enc)] = true
			var st model.State
			if err := sys.Decode(enc, &st); err != nil {
				t.Fatal(err)
			}
			var want []string
			var wantDone []uint64
			for _, e := range sys.Events(&st) {
				next := st.Clone()
				wantDone = append(wantDone, uint64(sys.Apply(next, e)))
				want = append(want, string(next.Encode(nil)))
			}
			k := 0
			x.Successors(enc, func(next []byte, done uint64) {
				if k >= len(want) || string(next) != want[k] || done != wantDone[k] {
					t.Fatalf("successor %d differs from Apply's", k)
				}
				k++
				queue = append(queue, append([]byte(nil), next...))
			})
			if k != len(want) {
				t.Fatalf("%d successors, Apply gives %d", k, len(want))
			}
		}
	})
}

// TestTooManyRenamings: a bank of nine interchangeable nodes has 8! = 40,320
// renamings fixing its initiator; symmetry reduction declines, and says why.
func TestTooManyRenamings(t *testing.T) {
	cfg := &model.Config{Name: "nine", Channels: model.Channels{Complete: true}, FIFO: true,
		Workload:  model.Workload{Any: &model.AnyWorkload{Amounts: []int{1}, MaxSends: 1}},
		Snapshots: []model.SnapshotSpec{{ID: "s1", Initiators: []string{"n1"}}}}
	for i := 1; i <= 9; i++ {
		cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: fmt.Sprintf("n%d", i), Balance: 1})
	}
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sys.Symmetries()); n != 0 {
		t.Errorf("%d renamings, want none", n)
	}
	if note := sys.SymmetryNote(); !strings.Contains(note, "more than 5040 renamings") {
		t.Errorf("note %q", note)
	}
	if sys.NewExpanderWith(model.ExpanderOptions{Symmetry: true}).Symmetric() {
		t.Error("the expander canonicalizes without renamings")
	}
}

// TestRenamingSearchPrunesScripts: nodes alike but for their scripts are
// told apart as they are assigned, not after trying every assignment
// (13 nodes: 12! of them; a hang detector, far from its limit).
func TestRenamingSearchPrunesScripts(t *testing.T) {
	cfg := &model.Config{Name: "scripts", Channels: model.Channels{Complete: true}, FIFO: true,
		Workload:  model.Workload{Script: map[string][]model.Step{}},
		Snapshots: []model.SnapshotSpec{{ID: "s1", Initiators: []string{"n0"}}}}
	for i := 0; i < 13; i++ {
		id := fmt.Sprintf("n%d", i)
		cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: id})
		if i > 0 {
			cfg.Workload.Script[id] = []model.Step{{To: "n0", Amount: i}}
		}
	}
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int)
	go func() { done <- len(sys.Symmetries()) }()
	select {
	case n := <-done:
		if n != 0 {
			t.Errorf("%d renamings, want none", n)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("the search for renamings takes more than a minute")
	}
}
