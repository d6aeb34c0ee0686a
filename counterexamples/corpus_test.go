package counterexamples

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

var update = flag.Bool("update", false, "regenerate the golden files and the regression corpus under testdata/")

const corpusDir = "testdata/corpus"

// brokenExamples lists the configurations of examples/broken and the
// properties each one breaks (as the checker must report them).
var brokenExamples = []struct {
	file  string
	props []string
}{
	{"late-markers.json", []string{properties.Conservation, properties.ConsistentCut}},
	{"no-channel-state.json", []string{properties.Conservation, properties.ChannelStates}},
	{"no-forward.json", []string{properties.Termination}},
	{"non-fifo.json", []string{properties.Conservation, properties.ConsistentCut}},
	{"stop-all-on-marker.json", []string{properties.Conservation, properties.ChannelStates}},
}

// corpusSystems are the systems whose counterexamples form the corpus, by
// trace name prefix: every broken example, the lecture's bank under
// late-markers, and a broken Lai–Yang.
func corpusSystems(t *testing.T) map[string]*model.System {
	t.Helper()
	m := map[string]*model.System{}
	for _, b := range brokenExamples {
		sys, err := algorithms.Load(filepath.Join("..", "examples", "broken", b.file))
		if err != nil {
			t.Fatal(err)
		}
		m[strings.TrimSuffix(b.file, ".json")] = sys
	}
	cfg, err := model.LoadConfig(filepath.Join("..", "examples", "lecture.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Algorithm = "late-markers"
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	m["lecture-late-markers"] = sys
	// Lai–Yang without turning red on a marker, on the lecture's bank with
	// non-FIFO channels.
	sys, err = algorithms.Load(filepath.Join("..", "examples", "nonfifo", "lecture-no-turn-red.json"))
	if err != nil {
		t.Fatal(err)
	}
	m["laiyang-no-turn-red"] = sys
	return m
}

func checkSystem(t *testing.T, sys *model.System) *properties.Report {
	t.Helper()
	rep, err := properties.Check(context.Background(), sys, properties.Options{})
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestBrokenExamples checks that each broken example violates exactly the
// properties it is known to break, and that the correct algorithm (on FIFO
// channels) holds on the same bank.
func TestBrokenExamples(t *testing.T) {
	for _, b := range brokenExamples {
		t.Run(b.file, func(t *testing.T) {
			path := filepath.Join("..", "examples", "broken", b.file)
			sys, err := algorithms.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			rep := checkSystem(t, sys)
			if rep.Verdict != properties.Violated {
				t.Fatalf("verdict %v, want a violation", rep.Verdict)
			}
			var got []string
			for _, v := range rep.Violations {
				got = append(got, v.Property)
			}
			sort.Strings(got)
			want := slices.Clone(b.props)
			sort.Strings(want)
			if !slices.Equal(got, want) {
				t.Errorf("violated %v, want %v", got, want)
			}
			cfg, err := model.LoadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			cfg.Algorithm, cfg.FIFO = "chandy-lamport", true
			good, err := algorithms.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			if rep := checkSystem(t, good); rep.Verdict != properties.OK {
				t.Errorf("chandy-lamport on FIFO channels: verdict %v, violations %+v; want ok", rep.Verdict, rep.Violations)
			}
		})
	}
}

// TestCorpus regenerates every counterexample of the corpus and compares
// it with the committed file (-update rewrites them), then replays every
// committed file and expects its violation.
func TestCorpus(t *testing.T) {
	want := map[string][]byte{}
	for prefix, sys := range corpusSystems(t) {
		rep := checkSystem(t, sys)
		for _, v := range rep.Violations {
			tr, err := FromViolation(sys, v)
			if err != nil {
				t.Fatal(err)
			}
			b, err := tr.Encode()
			if err != nil {
				t.Fatal(err)
			}
			want[prefix+"-"+v.Property+".trace.json"] = b
		}
	}
	if *update {
		// Files no longer written are reported as stale below, not removed.
		if err := os.MkdirAll(corpusDir, 0o755); err != nil {
			t.Fatal(err)
		}
		for name, b := range want {
			if err := os.WriteFile(filepath.Join(corpusDir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(corpusDir, "*.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(want) {
		t.Errorf("corpus holds %d traces, the checker writes %d (run go test ./counterexamples -update)", len(files), len(want))
	}
	for _, f := range files {
		name := filepath.Base(f)
		t.Run(name, func(t *testing.T) {
			got, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			if w, ok := want[name]; !ok {
				t.Errorf("stale corpus file: the checker no longer writes it (remove it, or add its system to corpusSystems)")
			} else if !bytes.Equal(got, w) {
				t.Errorf("the checker now writes a different trace (run go test ./counterexamples -update and review the diff)")
			}
			tr, err := ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Replay(tr)
			if err != nil {
				t.Fatalf("replay: %v", err)
			}
			if !out.Reproduced {
				t.Errorf("replay does not reproduce %s; problems %+v", tr.Property, out.Problems)
			}
		})
	}
}

func readCorpus(t *testing.T, name string) *Trace {
	t.Helper()
	tr, err := ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestReplayTampered changes one field of a corpus trace by hand and
// expects replay to stop at that step with the reason.
func TestReplayTampered(t *testing.T) {
	tests := []struct {
		name   string
		trace  string
		edit   func(tr *Trace) int // returns the step that must diverge
		reason string
		// modelErr: the model refused the event, and the divergence wraps
		// its error (a hash that differs wraps none)
		modelErr bool
	}{
		{"send amount", "late-markers-conservation.trace.json", func(tr *Trace) int {
			tr.Events[1].Amount++ // send a->b $3 becomes $4: not in a's script
			return 2
		}, "not enabled", true},
		{"receive amount", "no-channel-state-conservation.trace.json", func(tr *Trace) int {
			for i, e := range tr.Events {
				if e.Kind == "recv" && !e.Marker {
					tr.Events[i].Amount = 6
					return i + 1
				}
			}
			return -1
		}, "not enabled", true},
		{"hash", "no-forward-termination.trace.json", func(tr *Trace) int {
			tr.Events[1].Hash = "0123456789abcdef"
			return 2
		}, "state hash", false},
		{"initial hash", "non-fifo-conservation.trace.json", func(tr *Trace) int {
			tr.InitialHash = "0123456789abcdef"
			return 0
		}, "state hash", false},
		{"internal action", "late-markers-conservation.trace.json", func(tr *Trace) int {
			for i, e := range tr.Events {
				if e.Kind == "internal" {
					tr.Events[i].Action = 1 << 30
					return i + 1
				}
			}
			return -1
		}, "internal 1073741824 at", true},
		{"unknown node", "stop-all-on-marker-channel-states.trace.json", func(tr *Trace) int {
			tr.Events[0].Node = "z"
			return 1
		}, "unknown node", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := readCorpus(t, tc.trace)
			step := tc.edit(tr)
			if step < 0 {
				t.Fatal("nothing to edit")
			}
			b, err := tr.Encode()
			if err != nil {
				t.Fatal(err)
			}
			tr, err = Parse(b)
			if err != nil {
				t.Fatalf("the edited trace must still parse: %v", err)
			}
			_, err = Replay(tr)
			var div *DivergenceError
			if !errors.As(err, &div) {
				t.Fatalf("replay: %v, want a divergence", err)
			}
			if div.Step != step || !strings.Contains(div.Reason, tc.reason) {
				t.Errorf("divergence %q at step %d, want %q at step %d", div.Reason, div.Step, tc.reason, step)
			}
			if inner := errors.Unwrap(err); (inner != nil) != tc.modelErr || inner != nil && inner.Error() != div.Reason {
				t.Errorf("the divergence wraps %v, want the model's error: %v", inner, tc.modelErr)
			}
		})
	}
}

// TestParseRejectsNegativeAction: an internal event's action is an index,
// never negative.
func TestParseRejectsNegativeAction(t *testing.T) {
	tr := readCorpus(t, "late-markers-conservation.trace.json")
	for i, e := range tr.Events {
		if e.Kind != "internal" {
			continue
		}
		tr.Events[i].Action = -1
		b, err := tr.Encode()
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(b)
		want := fmt.Sprintf("events[%d].action: must be 0 or more, got -1", i)
		if err == nil || err.Error() != want {
			t.Fatalf("parse: %v, want %q", err, want)
		}
		return
	}
	t.Fatal("the trace has no internal event")
}

// TestReplaySteps checks that the step callback sees every step, in order,
// with the trace's hashes.
func TestReplaySteps(t *testing.T) {
	tr := readCorpus(t, "lecture-late-markers-conservation.trace.json")
	var got []StepReport
	if _, err := ReplaySteps(tr, func(r StepReport) { got = append(got, r) }); err != nil {
		t.Fatal(err)
	}
	if len(got) != len(tr.Events)+1 {
		t.Fatalf("%d step reports, want %d", len(got), len(tr.Events)+1)
	}
	for i, r := range got {
		if r.Step != i {
			t.Errorf("report %d is step %d", i, r.Step)
		}
		if i > 0 && (r.Hash != tr.Events[i-1].Hash || r.Text != tr.Events[i-1].Text) {
			t.Errorf("step %d: %+v, trace says %q %s", i, r, tr.Events[i-1].Text, tr.Events[i-1].Hash)
		}
	}
}
