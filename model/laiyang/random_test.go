package laiyang_test

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/laiyang"
	"github.com/snapcheck/snapcheck/properties"
)

// randomBank draws a small bank: two or three nodes on a ring (so every
// node is reachable from every initiator) with optional extra channels,
// money in flight, short scripts with scripted initiations, one or two
// snapshots, FIFO or not.
func randomBank(t *rapid.T) *model.Config {
	n := rapid.IntRange(2, 3).Draw(t, "nodes")
	cfg := &model.Config{Name: "random", FIFO: rapid.Bool().Draw(t, "fifo")}
	id := func(i int) string { return fmt.Sprint(i + 1) }
	for i := 0; i < n; i++ {
		cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: id(i), Balance: rapid.IntRange(0, 4).Draw(t, "balance")})
	}
	out := make([][]int, n)
	for i := 0; i < n; i++ {
		for j := 0; j < n; j++ {
			ring := j == (i+1)%n
			if i != j && (ring || rapid.Bool().Draw(t, fmt.Sprintf("channel %s->%s", id(i), id(j)))) {
				cfg.Channels.List = append(cfg.Channels.List, [2]string{id(i), id(j)})
				out[i] = append(out[i], j)
			}
		}
	}
	for k := rapid.IntRange(0, 2).Draw(t, "in flight"); k > 0; k-- {
		e := rapid.SampledFrom(cfg.Channels.List).Draw(t, "in flight channel")
		cfg.InFlight = append(cfg.InFlight, model.TransferSpec{From: e[0], To: e[1], Amount: rapid.IntRange(1, 3).Draw(t, "in flight amount")})
	}
	snaps := rapid.IntRange(1, 2).Draw(t, "snapshots")
	initiates := make([][]string, n) // per node, the snapshots it initiates
	for s := 0; s < snaps; s++ {
		sid := fmt.Sprintf("s%d", s+1)
		spec := model.SnapshotSpec{ID: sid}
		for i := 0; i < n; i++ {
			if rapid.Bool().Draw(t, fmt.Sprintf("%s initiator %s", sid, id(i))) {
				spec.Initiators = append(spec.Initiators, id(i))
				initiates[i] = append(initiates[i], sid)
			}
		}
		if len(spec.Initiators) == 0 {
			i := rapid.IntRange(0, n-1).Draw(t, sid+" initiator")
			spec.Initiators = []string{id(i)}
			initiates[i] = append(initiates[i], sid)
		}
		cfg.Snapshots = append(cfg.Snapshots, spec)
	}
	cfg.Workload.Script = map[string][]model.Step{}
	sends := rapid.IntRange(0, 3).Draw(t, "sends")
	for k := 0; k < sends; k++ {
		i := rapid.IntRange(0, n-1).Draw(t, "sender")
		to := rapid.SampledFrom(out[i]).Draw(t, "receiver")
		cfg.Workload.Script[id(i)] = append(cfg.Workload.Script[id(i)], model.Step{To: id(to), Amount: rapid.IntRange(1, 3).Draw(t, "amount")})
	}
	for i, sids := range initiates {
		for _, sid := range sids {
			if rapid.Bool().Draw(t, "scripted "+sid+" at "+id(i)) {
				steps := cfg.Workload.Script[id(i)]
				at := rapid.IntRange(0, len(steps)).Draw(t, "position")
				steps = append(steps[:at], append([]model.Step{{Initiate: sid}}, steps[at:]...)...)
				cfg.Workload.Script[id(i)] = steps
			}
		}
	}
	return cfg
}

// TestLaiYangRandomBanks checks that Lai–Yang holds on random small banks,
// FIFO or not; that partial-order reduction, which relies on its
// MaySendControl, finds the same verdict and distinct snapshots; and that
// the broken variant keeps to the model's contract on them (its verdict
// depends on the bank).
func TestLaiYangRandomBanks(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		cfg := randomBank(t)
		for _, alg := range []model.Algorithm{laiyang.New(), laiyang.NewNoTurnRed()} {
			sys, err := model.Build(cfg, alg)
			if err != nil {
				t.Fatalf("generated a bad configuration: %v", err)
			}
			var reports [2]*properties.Report
			for k, reduce := range []bool{false, true} {
				opts := properties.Options{Reduce: reduce}
				opts.Explore.MaxStates = 20_000
				rep, err := properties.Check(context.Background(), sys, opts)
				if err != nil {
					t.Fatalf("%s: %v", alg.Name(), err)
				}
				reports[k] = rep
			}
			full, reduced := reports[0], reports[1]
			if alg.Name() == laiyang.Name && full.Verdict == properties.Violated {
				v := full.Violations[0]
				t.Fatalf("lai-yang violates %s (%d events): %s", v.Property, v.Length, v.Message)
			}
			if full.Stopped != "" || reduced.Stopped != "" {
				continue // a search cut short proves nothing about the other
			}
			if full.Verdict != reduced.Verdict || !slices.Equal(snapshotKeys(full), snapshotKeys(reduced)) {
				t.Fatalf("%s: reduction changes the outcome: %s with %d snapshots, reduced %s with %d",
					alg.Name(), full.Verdict, len(full.Snapshots), reduced.Verdict, len(reduced.Snapshots))
			}
		}
	})
}

func snapshotKeys(rep *properties.Report) []string {
	var keys []string
	for _, s := range rep.Snapshots {
		keys = append(keys, s.Key())
	}
	sort.Strings(keys)
	return keys
}
