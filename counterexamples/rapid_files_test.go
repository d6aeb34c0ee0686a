package counterexamples_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/counterexamples"
	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
	"github.com/snapcheck/snapcheck/properties"
)

// TestRapidTraceFiles: every counterexample that check or simulate finds
// on a generated bank under a broken variant survives WriteFile, ReadFile
// and Replay from the file alone: the file reads back to the same bytes,
// replays exactly and reproduces its violation; a simulated one keeps its
// seed.
func TestRapidTraceFiles(t *testing.T) {
	dir := t.TempDir()
	n := 0
	rapid.Check(t, func(rt *rapid.T) {
		alg := rapid.SampledFrom([]string{"no-channel-state", "late-markers", "stop-all-on-marker", "no-forward", "chandy-lamport", "lai-yang-no-turn-red"}).Draw(rt, "algorithm")
		fifo := alg != "chandy-lamport" && alg != "lai-yang-no-turn-red"
		cfg := modeltest.Config(modeltest.Options{Algorithm: alg, FIFO: &fifo, MaxNodes: 3}).Draw(rt, "config")
		modeltest.Log(rt, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			rt.Fatalf("build: %v", err)
		}
		rep, err := properties.Check(context.Background(), sys, properties.Options{Explore: explore.Options{MaxStates: 20_000}})
		if err != nil {
			rt.Fatalf("check: %v", err)
		}
		seed := rapid.Int64Range(0, 1<<40).Draw(rt, "simulation seed")
		sim, err := properties.Simulate(context.Background(), sys, properties.SimulateOptions{Runs: 5, Seed: uint64(seed)})
		if err != nil {
			rt.Fatalf("simulate: %v", err)
		}
		var traces []*counterexamples.Trace
		for _, v := range rep.Violations {
			tr, err := counterexamples.FromViolation(sys, v)
			if err != nil {
				rt.Fatalf("trace of %s: %v", v.Property, err)
			}
			traces = append(traces, tr)
		}
		for _, v := range sim.Violations {
			tr, err := counterexamples.FromViolation(sys, v.Violation)
			if err != nil {
				rt.Fatalf("trace of simulated %s: %v", v.Property, err)
			}
			tr.Seed = &seed
			traces = append(traces, tr)
		}
		for _, tr := range traces {
			n++
			path := filepath.Join(dir, fmt.Sprintf("%d.trace.json", n))
			if err := tr.WriteFile(path); err != nil {
				rt.Fatalf("write: %v", err)
			}
			back, err := counterexamples.ReadFile(path)
			if err != nil {
				rt.Fatalf("read back: %v", err)
			}
			written, _ := os.ReadFile(path)
			again, err := back.Encode()
			if err != nil || !bytes.Equal(written, again) {
				rt.Fatalf("the trace read back encodes differently (%v)", err)
			}
			out, err := counterexamples.Replay(back)
			if err != nil {
				rt.Fatalf("replay of %s: %v", tr.Property, err)
			}
			if !out.Reproduced {
				rt.Fatalf("the trace of %s does not reproduce it: %+v", tr.Property, out.Problems)
			}
			if (tr.Seed == nil) != (back.Seed == nil) || tr.Seed != nil && *tr.Seed != *back.Seed {
				rt.Fatalf("the seed did not survive: %v, read back %v", tr.Seed, back.Seed)
			}
		}
	})
	t.Logf("%d trace files written, read and replayed", n)
}
