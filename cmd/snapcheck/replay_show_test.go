package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/counterexamples"
)

func golden(t *testing.T, name, got string) {
	t.Helper()
	goldenFile(t, "replay-show/"+name, got)
}

// copyAlone copies a file into a fresh folder where it is the only file.
func copyAlone(t *testing.T, src string) string {
	t.Helper()
	b, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), filepath.Base(src))
	if err := os.WriteFile(dst, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return dst
}

// TestCheckThenReplayAlone runs check on every broken example, then
// replays every trace it wrote from a folder holding nothing else: each
// must reproduce its violation (exit 1), and show must render it.
func TestCheckThenReplayAlone(t *testing.T) {
	configs, err := filepath.Glob("../../examples/broken/*.json")
	if err != nil || len(configs) < 5 {
		t.Fatalf("broken examples: %v %v", configs, err)
	}
	for _, cfg := range configs {
		t.Run(filepath.Base(cfg), func(t *testing.T) {
			out := t.TempDir()
			code, stdout, stderr := cli("check", "--quiet", "--out", out, cfg)
			if code != exitViolation {
				t.Fatalf("check exit %d, want 1\n%s%s", code, stdout, stderr)
			}
			traces, _ := filepath.Glob(filepath.Join(out, "*.trace.json"))
			if len(traces) == 0 {
				t.Fatal("check wrote no trace")
			}
			for _, tr := range traces {
				if !strings.Contains(stdout, tr) {
					t.Errorf("the report does not list %s", tr)
				}
				alone := copyAlone(t, tr)
				code, stdout, stderr := cli("replay", alone)
				if code != exitViolation || !strings.Contains(stdout, "Verdict: violation reproduced") {
					t.Errorf("replay %s: exit %d, want 1\n%s%s", filepath.Base(tr), code, stdout, stderr)
				}
				for _, f := range counterexamples.Formats() {
					if code, _, stderr := cli("show", "--format", f, alone); code != exitOK {
						t.Errorf("show --format %s %s: exit %d\n%s", f, filepath.Base(tr), code, stderr)
					}
				}
			}
		})
	}
}

const corpus = "../../counterexamples/testdata/corpus/"

func TestReplayGolden(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		code  int
		gold  string
		inErr string
	}{
		{"steps", []string{"replay", corpus + "late-markers-conservation.trace.json"}, exitViolation, "replay-late-markers.txt", ""},
		{"quiet", []string{"replay", "--quiet", corpus + "no-forward-termination.trace.json"}, exitViolation, "replay-quiet.txt", ""},
		{"witness", []string{"replay", "-q", "../../counterexamples/testdata/witness-lecture.trace.json"}, exitOK, "replay-witness.txt", ""},
		{"help", []string{"replay", "--help"}, exitOK, "replay-help.txt", ""},
		{"show help", []string{"show", "--help"}, exitOK, "show-help.txt", ""},
		{"no argument", []string{"replay"}, exitBadInput, "", "expected 1 argument"},
		{"missing file", []string{"replay", "nonexistent.trace.json"}, exitBadInput, "", "nonexistent.trace.json"},
		{"bad flag", []string{"replay", "--frobnicate", "x"}, exitBadInput, "", "unknown flag"},
		{"show bad format", []string{"show", "--format", "png", corpus + "no-forward-termination.trace.json"}, exitBadInput, "", `--format: must be one of text, svg, dot, shiviz, json, got "png"`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\n%s%s", code, tc.code, stdout, stderr)
			}
			if tc.gold != "" {
				golden(t, tc.gold, stdout)
			}
			if tc.inErr != "" && !strings.Contains(stderr, tc.inErr) {
				t.Errorf("stderr %q does not say %q", stderr, tc.inErr)
			}
			if tc.code == exitBadInput && strings.Count(strings.TrimSpace(stderr), "\n") > 1 {
				t.Errorf("more than one error line: %q", stderr)
			}
		})
	}
}

// tampered writes a copy of a corpus trace changed by edit.
func tampered(t *testing.T, name string, edit func(string) string) string {
	t.Helper()
	b, err := os.ReadFile(corpus + name)
	if err != nil {
		t.Fatal(err)
	}
	s := edit(string(b))
	if s == string(b) {
		t.Fatal("the edit changed nothing")
	}
	path := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestReplayDiverges changes the trace by hand and expects exit 2 naming
// the step and the reason, with the steps before it printed.
func TestReplayDiverges(t *testing.T) {
	tests := []struct {
		name, trace string
		edit        func(string) string
		inErr       string
		lastOK      string
	}{
		{"amount", "late-markers-conservation.trace.json",
			func(s string) string { return strings.Replace(s, `"amount": 3,`, `"amount": 4,`, 1) },
			`step 2: event "send a->b $4" is not enabled`, "step   1"},
		{"hash", "non-fifo-conservation.trace.json",
			func(s string) string {
				tr, _ := counterexamples.Parse([]byte(s))
				return strings.Replace(s, tr.Events[2].Hash, "00000000000000ff", 1)
			},
			"step 3: recv a->b $3: state hash", "step   2"},
		{"not json", "no-forward-termination.trace.json",
			func(s string) string { return s[:len(s)/2] },
			"invalid", ""},
		{"version", "no-forward-termination.trace.json",
			func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 99`, 1) },
			"version: this snapcheck reads version 1, the file is version 99", ""},
		{"unknown field", "no-forward-termination.trace.json",
			func(s string) string { return strings.Replace(s, `"version": 1`, `"version": 1, "extra": true`, 1) },
			`unknown field "extra"`, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			path := tampered(t, tc.trace, tc.edit)
			code, stdout, stderr := cli("replay", path)
			if code != exitBadInput {
				t.Errorf("exit %d, want 2", code)
			}
			if !strings.Contains(stderr, tc.inErr) || !strings.Contains(stderr, path) {
				t.Errorf("stderr %q does not name %s and %q", stderr, path, tc.inErr)
			}
			if tc.lastOK != "" && !strings.Contains(stdout, tc.lastOK) {
				t.Errorf("stdout does not show the steps before: %q", stdout)
			}
			if strings.Contains(stdout, "Verdict") {
				t.Errorf("a verdict after divergence: %q", stdout)
			}
			if code, _, stderr := cli("show", path); code != exitBadInput || stderr == "" {
				t.Errorf("show: exit %d, %q; want 2 with an error", code, stderr)
			}
		})
	}
}

// TestReplayNotReproduced: a trace that replays but records a violation
// it does not show is a bad trace (exit 2).
func TestReplayNotReproduced(t *testing.T) {
	path := tampered(t, "no-forward-termination.trace.json", func(s string) string {
		return strings.Replace(s, `"property": "termination"`, `"property": "conservation"`, 1)
	})
	code, stdout, stderr := cli("replay", path)
	if code != exitBadInput || !strings.Contains(stdout, "not reproduced") || !strings.Contains(stderr, "does not reproduce") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestShowOutputFile writes every format with -o and compares it with
// stdout; a folder that does not exist is an error that leaves nothing.
func TestShowOutputFile(t *testing.T) {
	tr := corpus + "lecture-late-markers-conservation.trace.json"
	dir := t.TempDir()
	for _, f := range counterexamples.Formats() {
		code, want, stderr := cli("show", "-f", f, tr)
		if code != exitOK {
			t.Fatalf("show -f %s: exit %d %s", f, code, stderr)
		}
		path := filepath.Join(dir, "out."+f)
		if code, stdout, stderr := cli("show", "-f", f, "-o", path, tr); code != exitOK || stdout != "" {
			t.Fatalf("show -o: exit %d, stdout %q, %s", code, stdout, stderr)
		}
		got, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != want {
			t.Errorf("%s: -o wrote something else than stdout", f)
		}
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(counterexamples.Formats()) {
		t.Errorf("%d files in the output folder, want %d (no temporary files left)", len(entries), len(counterexamples.Formats()))
	}
	code, _, stderr := cli("show", "-o", filepath.Join(dir, "missing", "x.txt"), tr)
	if code != exitBadInput || !strings.Contains(stderr, "-o") {
		t.Errorf("-o into a missing folder: exit %d, %q", code, stderr)
	}
}

// TestReplayWitnessWithViolation: a witness trace whose execution violates
// a property exits 1 and lists the violations.
func TestReplayWitnessWithViolation(t *testing.T) {
	path := tampered(t, "late-markers-conservation.trace.json", func(s string) string {
		return strings.Replace(s, `"kind": "counterexample"`, `"kind": "witness"`, 1)
	})
	code, stdout, stderr := cli("replay", "--quiet", path)
	if code != exitViolation || !strings.Contains(stdout, "the witness trace replays but shows 2 violation(s)") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}
}

// TestReplayLongEventText: a trace whose event text was edited to be
// longer than fmt can pad (10^6) replays with readable step lines, not
// "%!(BADWIDTH)" on each.
func TestReplayLongEventText(t *testing.T) {
	out := t.TempDir()
	if code, stdout, stderr := cli("check", "--quiet", "--out", out, "../../examples/broken/late-markers.json"); code != exitViolation {
		t.Fatalf("check exit %d\n%s%s", code, stdout, stderr)
	}
	traces, _ := filepath.Glob(filepath.Join(out, "*.trace.json"))
	if len(traces) == 0 {
		t.Fatal("check wrote no trace")
	}
	tr, err := counterexamples.ReadFile(traces[0])
	if err != nil {
		t.Fatal(err)
	}
	tr.Events[0].Text = strings.Repeat("x", 2_000_000)
	path := filepath.Join(out, "edited.trace.json")
	if err := tr.WriteFile(path); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli("replay", path)
	if code != exitViolation {
		t.Fatalf("replay exit %d, want 1\n%s", code, stderr)
	}
	if strings.Contains(stdout, "%!") || len(stdout) > 100_000 {
		t.Fatalf("replay's step lines are garbled or padded (%d bytes):\n%.400s", len(stdout), stdout)
	}
}
