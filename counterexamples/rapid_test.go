package counterexamples

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"io"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
	"github.com/snapcheck/snapcheck/properties"
)

// genConfig draws a small valid bank: 2–maxNodes nodes on complete
// channels, small balances, transfers in flight, a script of sends per
// node, one or two snapshots with one or two initiators (spontaneous or
// scripted), FIFO or not, under algorithm alg.
func genConfig(alg string, maxNodes int) *rapid.Generator[*model.Config] {
	return rapid.Custom(func(t *rapid.T) *model.Config {
		n := rapid.IntRange(2, maxNodes).Draw(t, "nodes")
		ids := []string{"a", "b", "c", "d"}[:n]
		cfg := &model.Config{Name: "random", Algorithm: alg, FIFO: rapid.Bool().Draw(t, "fifo"),
			Channels: model.Channels{Complete: true}, Workload: model.Workload{Script: map[string][]model.Step{}}}
		for _, id := range ids {
			cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: id, Balance: rapid.IntRange(0, 5).Draw(t, "balance "+id)})
		}
		other := func(label, from string) string {
			to := rapid.SampledFrom(ids).Filter(func(s string) bool { return s != from }).Draw(t, label)
			return to
		}
		for k := rapid.IntRange(0, 2).Draw(t, "in flight"); k > 0; k-- {
			from := rapid.SampledFrom(ids).Draw(t, "in flight from")
			cfg.InFlight = append(cfg.InFlight, model.TransferSpec{From: from, To: other("in flight to", from), Amount: rapid.IntRange(1, 3).Draw(t, "in flight amount")})
		}
		for _, id := range ids {
			for k := rapid.IntRange(0, 2).Draw(t, "sends of "+id); k > 0; k-- {
				cfg.Workload.Script[id] = append(cfg.Workload.Script[id], model.Step{To: other("to", id), Amount: rapid.IntRange(1, 3).Draw(t, "amount")})
			}
		}
		for s := range rapid.IntRange(1, 2).Draw(t, "snapshots") {
			sid := []string{"s1", "s2"}[s]
			inits := rapid.SliceOfNDistinct(rapid.SampledFrom(ids), 1, 2, func(s string) string { return s }).Draw(t, "initiators of "+sid)
			cfg.Snapshots = append(cfg.Snapshots, model.SnapshotSpec{ID: sid, Initiators: inits})
			if rapid.Bool().Draw(t, "scripted "+sid) {
				// Scripted at its first initiator, at a random point.
				script := cfg.Workload.Script[inits[0]]
				at := rapid.IntRange(0, len(script)).Draw(t, "at")
				script = append(script[:at:at], append([]model.Step{{Initiate: sid}}, script[at:]...)...)
				cfg.Workload.Script[inits[0]] = script
			}
		}
		return cfg
	})
}

// renderAll renders every format and checks that the SVG is well-formed.
func renderAll(t *rapid.T, tr *Trace, out *Outcome) {
	for _, f := range Formats() {
		var b bytes.Buffer
		if err := Render(&b, f, tr, out); err != nil {
			t.Fatalf("render %s: %v", f, err)
		}
		if f == "svg" {
			dec := xml.NewDecoder(&b)
			for {
				_, err := dec.Token()
				if errors.Is(err, io.EOF) {
					break
				}
				if err != nil {
					t.Fatalf("svg is not well-formed: %v", err)
				}
			}
		}
	}
}

// TestRapidCounterexamplesReplay: on random small banks under every
// algorithm, every counterexample the checker finds becomes a trace that
// parses back, replays exactly and reproduces its violation, and renders
// in every format.
func TestRapidCounterexamplesReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(algorithms.Names()).Draw(t, "algorithm")
		cfg := genConfig(alg, 3).Draw(t, "config")
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		rep, err := properties.Check(context.Background(), sys, properties.Options{Explore: explore.Options{MaxStates: 5000}})
		if err != nil {
			t.Fatalf("check: %v", err)
		}
		for _, v := range rep.Violations {
			tr, err := FromViolation(sys, v)
			if err != nil {
				t.Fatalf("trace: %v", err)
			}
			b, err := tr.Encode()
			if err != nil {
				t.Fatal(err)
			}
			back, err := Parse(b)
			if err != nil {
				t.Fatalf("a written trace does not parse: %v", err)
			}
			out, err := Replay(back)
			if err != nil {
				t.Fatalf("a written trace does not replay: %v", err)
			}
			if !out.Reproduced {
				t.Fatalf("the trace of %s does not reproduce it; problems %+v", v.Property, out.Problems)
			}
			renderAll(t, back, out)
		}
	})
}

// TestRapidSchedulesReplay: a random execution of a random bank, written
// as a trace, replays exactly and renders in every format; its vector
// clocks grow by one per event at their own node.
func TestRapidSchedulesReplay(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(algorithms.Names()).Draw(t, "algorithm")
		cfg := genConfig(alg, 4).Draw(t, "config")
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		events := modeltest.Schedule(sys, 60).Draw(t, "schedule")
		tr, err := New(sys, KindWitness, events)
		if err != nil {
			t.Fatalf("trace: %v", err)
		}
		out, err := Replay(tr)
		if err != nil {
			t.Fatalf("replay: %v", err)
		}
		if len(out.Execution.Events) != len(events) {
			t.Fatalf("replayed %d events of %d", len(out.Execution.Events), len(events))
		}
		last := make([]int, len(sys.Topo.Nodes))
		for k, c := range VectorClocks(out.Execution) {
			i := events[k].Node
			if c[i] != last[i]+1 {
				t.Fatalf("event %d: own counter %d after %d", k+1, c[i], last[i])
			}
			last[i] = c[i]
		}
		renderAll(t, tr, out)
	})
}
