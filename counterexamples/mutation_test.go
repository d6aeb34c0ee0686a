package counterexamples

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// Tests written by mutation testing: each pins a check that the rest of
// the suite let a mutant through.

// corpusText is the raw text of a corpus trace.
func corpusText(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(corpusDir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestMutationParseRejects pins every form check of Parse with the exact
// message it gives: a trace file that breaks one of them is bad input,
// named by its field. Each case edits the two-event no-forward trace
// (initiate at a, then the marker a->b received by b).
func TestMutationParseRejects(t *testing.T) {
	const name = "no-forward-termination.trace.json"
	base := corpusText(t, name)
	tr, err := Parse([]byte(base))
	if err != nil {
		t.Fatal(err)
	}
	h0, h1 := tr.Events[0].Hash, tr.Events[1].Hash
	rep := func(old, new string) func(string) string {
		return func(s string) string { return strings.Replace(s, old, new, 1) }
	}
	tests := []struct {
		name string
		edit func(string) string
		want string // in the error message
	}{
		// a version below the one this reader knows is as unknown as one above
		{"version 0", rep(`"version": 1`, `"version": 0`), "version: this snapcheck reads version 1, the file is version 0"},
		{"version -1", rep(`"version": 1`, `"version": -1`), "version: this snapcheck reads version 1, the file is version -1"},
		{"kind", rep(`"kind": "counterexample"`, `"kind": "proof"`), `kind: must be "counterexample" or "witness", got "proof"`},
		{"no kind", rep(`"kind": "counterexample",`, ``), `kind: must be "counterexample" or "witness", got ""`},
		{"unknown property", rep(`"property": "termination"`, `"property": "liveness"`), `property: unknown property "liveness"`},
		{"no property", rep(`"property": "termination",`, ``), `property: unknown property ""`},
		{"initial hash 17 digits", rep(`"initial_hash": "`, `"initial_hash": "0`), `initial_hash: must be 16 lower-case hex digits, got "0` + tr.InitialHash + `"`},
		{"initial hash 15 digits", rep(`"initial_hash": "`+tr.InitialHash, `"initial_hash": "`+tr.InitialHash[1:]), "initial_hash: must be 16 lower-case hex digits"},
		{"initial hash not hex", rep(`"initial_hash": "`+tr.InitialHash[:2], `"initial_hash": "zz`), "initial_hash: must be 16 lower-case hex digits"},
		{"initial hash upper case", rep(`"initial_hash": "`+tr.InitialHash, `"initial_hash": "`+strings.ToUpper(tr.InitialHash)), "initial_hash: must be 16 lower-case hex digits"},
		{"first step 2", rep(`"step": 1,`, `"step": 2,`), "events[0].step: want 1, got 2"},
		{"first step 0", rep(`"step": 1,`, `"step": 0,`), "events[0].step: want 1, got 0"},
		{"second step 3", rep(`"step": 2,`, `"step": 3,`), "events[1].step: want 2, got 3"},
		{"unknown kind", rep(`"kind": "recv"`, `"kind": "teleport"`), `events[1].kind: unknown kind "teleport"`},
		{"hash 17 digits", rep(`"hash": "`+h1, `"hash": "0`+h1), `events[1].hash: must be 16 lower-case hex digits, got "0` + h1 + `"`},
		{"hash 15 digits", rep(`"hash": "`+h0, `"hash": "`+h0[1:]), "events[0].hash: must be 16 lower-case hex digits"},
		{"hash upper case", rep(`"hash": "`+h0, `"hash": "`+strings.ToUpper(h0)), "events[0].hash: must be 16 lower-case hex digits"},
		{"two values", func(s string) string { return s + "{}\n" }, "invalid trace: more than one JSON value"},
		{"unknown field", rep(`"version": 1`, `"version": 1, "extra": true`), `unknown field "extra"`},
		{"no config", func(s string) string {
			// drop the config object whole: from "config" to the trace's "algorithm"
			i, j := strings.Index(s, `"config":`), strings.Index(s, `"algorithm": "no-forward",`)
			if i < 0 || j < i {
				t.Fatal("cannot find the config")
			}
			return s[:i] + s[j:]
		}, "config: missing"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := tc.edit(base)
			if s == base {
				t.Fatal("the edit changed nothing")
			}
			_, err := Parse([]byte(s))
			if err == nil {
				t.Fatalf("parsed; want %q", tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q, want %q", err, tc.want)
			}
		})
	}
}

// TestMutationParseAcceptsWitnessWithoutProperty: only a counterexample
// must name a known property; a witness names none.
func TestMutationParseAcceptsWitnessWithoutProperty(t *testing.T) {
	b, err := os.ReadFile("testdata/witness-lecture.trace.json")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := Parse(b)
	if err != nil || tr.Property != "" || tr.Kind != KindWitness {
		t.Fatalf("witness: %v, property %q, kind %q", err, tr.Property, tr.Kind)
	}
}

// TestMutationSizeLimit pins MaxTraceBytes, in Parse and in ReadFile: a
// valid trace padded with blanks to one byte more than the limit is
// refused (even though the JSON in it is whole), and at the limit it is
// read.
func TestMutationSizeLimit(t *testing.T) {
	base := []byte(corpusText(t, "no-forward-termination.trace.json"))
	pad := func(n int) []byte {
		b := make([]byte, n)
		copy(b, base)
		for i := len(base); i < n; i++ {
			b[i] = ' '
		}
		return b
	}
	dir := t.TempDir()
	for _, n := range []int{MaxTraceBytes, MaxTraceBytes + 1} {
		b := pad(n)
		_, perr := Parse(b)
		path := filepath.Join(dir, "big.trace.json")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		_, rerr := ReadFile(path)
		if n <= MaxTraceBytes {
			if perr != nil || rerr != nil {
				t.Errorf("%d bytes: Parse %v, ReadFile %v; want both to read it", n, perr, rerr)
			}
			continue
		}
		if perr == nil || !strings.Contains(perr.Error(), "larger than") {
			t.Errorf("%d bytes: Parse %v, want larger than %d bytes", n, perr, MaxTraceBytes)
		}
		if rerr == nil || !strings.Contains(rerr.Error(), "larger than") {
			t.Errorf("%d bytes: ReadFile %v, want larger than %d bytes", n, rerr, MaxTraceBytes)
		}
	}
}

// TestMutationUnresolvedEvents: an event that names a channel or snapshot
// the configuration does not have diverges at its step, saying what is
// unknown (it must not reach the model as index -1).
func TestMutationUnresolvedEvents(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(tr *Trace)
		step   int
		reason string
	}{
		{"unknown sender", func(tr *Trace) { tr.Events[1].From = "z" }, 2, "no channel z->b"},
		{"unknown receiver", func(tr *Trace) { tr.Events[1].To = "z" }, 2, "no channel a->z"},
		{"no such channel", func(tr *Trace) { tr.Events[1].From, tr.Events[1].To = "b", "b" }, 2, "no channel b->b"},
		{"unknown node", func(tr *Trace) { tr.Events[0].Node = "z" }, 1, `unknown node "z"`},
		{"marker of an unknown snapshot", func(tr *Trace) { tr.Events[1].Snapshot = "s9" }, 2, `unknown snapshot "s9"`},
		{"initiate of an unknown snapshot", func(tr *Trace) { tr.Events[0].Snapshot = "s9" }, 1, `unknown snapshot "s9"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tr := readCorpus(t, "no-forward-termination.trace.json")
			tc.edit(tr)
			_, err := Replay(tr)
			var div *DivergenceError
			if !errors.As(err, &div) {
				t.Fatalf("replay: %v, want a divergence", err)
			}
			if div.Step != tc.step || div.Reason != tc.reason {
				t.Errorf("divergence %q at step %d, want %q at step %d", div.Reason, div.Step, tc.reason, tc.step)
			}
		})
	}
}

// TestMutationReproducedNeedsSnapshot: a counterexample reproduces only
// when the replay violates its property for the snapshot it names; the
// right property on another snapshot is not its violation. A witness
// never counts as reproduced, whatever property it carries.
func TestMutationReproducedNeedsSnapshot(t *testing.T) {
	tr := readCorpus(t, "no-forward-termination.trace.json")
	o, err := Replay(tr)
	if err != nil || !o.Reproduced {
		t.Fatalf("the corpus trace: %v, reproduced %v", err, o != nil && o.Reproduced)
	}
	tr.Snapshot = "s2"
	if o, err := Replay(tr); err != nil || o.Reproduced {
		t.Errorf("snapshot s2 (the violation is of s1): %v, reproduced %v; want not reproduced", err, o != nil && o.Reproduced)
	}
	if o, err := Replay(tr); err == nil {
		var b bytes.Buffer
		if err := WriteText(&b, tr, o); err != nil || !strings.Contains(b.String(), "the recorded violation of termination is NOT reproduced") {
			t.Errorf("text of a trace that does not reproduce: %v\n%s", err, b.String())
		}
	}
	tr.Snapshot = ""
	if o, err := Replay(tr); err != nil || !o.Reproduced {
		t.Errorf("no snapshot named: %v, want reproduced", err)
	}
	tr.Snapshot = "s1"
	tr.Kind = KindWitness
	if o, err := Replay(tr); err != nil || o.Reproduced || len(o.Problems) == 0 {
		t.Errorf("as a witness: %v, reproduced %v; want problems but not reproduced", err, o != nil && o.Reproduced)
	}
}

// TestMutationDivergenceText: a divergence at step 0 is the initial
// state's, at step k it names step k.
func TestMutationDivergenceText(t *testing.T) {
	if got := (&DivergenceError{Step: 0, Reason: "r"}).Error(); got != "initial state: r" {
		t.Errorf("step 0: %q", got)
	}
	if got := (&DivergenceError{Step: 3, Reason: "r"}).Error(); got != "step 3: r" {
		t.Errorf("step 3: %q", got)
	}
}

// TestMutationOtherSnapshotText: under no-forward, both snapshots of the
// two-snapshots bank never complete. The text names, as the reproduced
// violation, the one of the trace's snapshot, and lists the same property
// of the other snapshot as also violated.
func TestMutationOtherSnapshotText(t *testing.T) {
	cfg, err := model.LoadConfig(filepath.Join("..", "examples", "two-snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	cfg.Algorithm = "no-forward"
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	rep := checkSystem(t, sys)
	if len(rep.Violations) != 1 || rep.Violations[0].Property != properties.Termination {
		t.Fatalf("violations %+v, want one of termination", rep.Violations)
	}
	tr, err := FromViolation(sys, rep.Violations[0])
	if err != nil {
		t.Fatal(err)
	}
	msg := map[string]string{}
	for _, p := range mustReplay(t, tr).Problems {
		if p.Property == properties.Termination {
			msg[p.Snapshot] = p.Message
		}
	}
	if len(msg) != 2 {
		t.Fatalf("termination problems %v, want one for s1 and one for s2", msg)
	}
	for _, tc := range []struct{ snap, other string }{{"s1", "s2"}, {"s2", "s1"}} {
		tr.Snapshot = tc.snap
		o := mustReplay(t, tr)
		if !o.Reproduced {
			t.Fatalf("snapshot %s: not reproduced", tc.snap)
		}
		text := string(render(t, "text", tr, o))
		for _, want := range []string{
			"Verdict: violation of termination reproduced — " + msg[tc.snap] + "\n",
			"Also violated: termination — " + msg[tc.other] + "\n",
		} {
			if !strings.Contains(text, want) {
				t.Errorf("snapshot %s: the text lacks %q", tc.snap, want)
			}
		}
	}
}
