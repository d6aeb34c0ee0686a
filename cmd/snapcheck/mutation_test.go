package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/properties"
)

// Tests written by mutation testing: each pins a behaviour that the rest
// of the suite let a mutant through.

// TestMutationBadFlagValues: every flag value that check refuses exits 2
// before any search, with nothing on stdout and one line on stderr naming
// the flag.
func TestMutationBadFlagValues(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"negative time limit", []string{"--time-limit", "-1s"}, "--time-limit must not be negative"},
		{"negative max-states", []string{"--max-states", "-1"}, "--max-states, --max-depth and --time-limit must not be negative"},
		{"negative max-depth", []string{"--max-depth", "-1"}, "--max-states, --max-depth and --time-limit must not be negative"},
		{"witness sample 0", []string{"--witness-sample", "0"}, "--witness-sample: must be at least 1, got 0"},
		{"negative workers", []string{"--workers", "-2"}, "--workers: must be from 0 to 1024, got -2"},
		{"too many workers", []string{"--workers", "99999999999"}, "--workers: must be from 0 to 1024, got 99999999999"},
		{"empty store", []string{"--store", ""}, `--store: must be exact or fingerprint, got ""`},
		{"fingerprints with dfs", []string{"--store", "fingerprint", "--strategy", "dfs"}, "--store fingerprint needs --strategy bfs"},
		{"progress every 0", []string{"--progress-every", "0"}, "--progress-every: must be positive, got 0s"},
		{"list -2", []string{"--list", "-2"}, "--list: must be -1 (all) or more, got -2"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := append(append([]string{"check", "--quiet", "--out", out}, tc.args...), lecture)
			code, stdout, stderr := cli(args...)
			if code != exitBadInput || stdout != "" {
				t.Errorf("exit %d, stdout %q; want 2 and nothing", code, stdout)
			}
			if !strings.Contains(stderr, tc.want) || strings.Count(stderr, "\n") != 1 {
				t.Errorf("stderr %q: want one line with %q", stderr, tc.want)
			}
		})
	}
}

// writeConfig writes a variant of an example configuration, edited as a
// JSON object, into a temporary folder.
func writeConfig(t *testing.T, example string, edit func(map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "examples", example))
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(b, &cfg); err != nil {
		t.Fatal(err)
	}
	edit(cfg)
	b, err = json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "config.json")
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// checkReport runs check --json with args and decodes the report.
func checkReport(t *testing.T, wantCode int, args ...string) properties.Report {
	t.Helper()
	code, stdout, stderr := cli(append([]string{"check", "--quiet", "--json"}, args...)...)
	if code != wantCode {
		t.Fatalf("check %v: exit %d, want %d\n%s", args, code, wantCode, stderr)
	}
	var rep properties.Report
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatal(err)
	}
	return rep
}

// TestMutationTraceFileNames pins the names of counterexample files: an
// unnamed configuration gives "<file>-<property>" (its file's name less
// ".json"), a name keeps its dots,
// and the N-th violation of a property (--all-violations) gets "-N", so
// that no file overwrites another.
func TestMutationTraceFileNames(t *testing.T) {
	base := func(rep properties.Report) []string {
		var names []string
		for _, v := range rep.Violations {
			names = append(names, filepath.Base(v.Trace))
		}
		return names
	}
	unnamed := filepath.Join(t.TempDir(), "my bank.json")
	if err := os.Rename(writeConfig(t, "broken/late-markers.json", func(c map[string]any) { delete(c, "name") }), unnamed); err != nil {
		t.Fatal(err)
	}
	rep := checkReport(t, exitViolation, "--out", t.TempDir(), unnamed)
	if got := strings.Join(base(rep), " "); got != "my_bank-conservation.trace.json my_bank-consistent-cut.trace.json" {
		t.Errorf("unnamed configuration: files %s", got)
	}
	dotted := writeConfig(t, "broken/late-markers.json", func(c map[string]any) { c["name"] = "v1.2 beta" })
	rep = checkReport(t, exitViolation, "--out", t.TempDir(), dotted)
	if got := strings.Join(base(rep), " "); got != "v1.2_beta-conservation.trace.json v1.2_beta-consistent-cut.trace.json" {
		t.Errorf("name with a dot and a space: files %s", got)
	}
	all := writeConfig(t, "lecture.json", func(c map[string]any) { c["algorithm"] = "late-markers" })
	out := t.TempDir()
	rep = checkReport(t, exitViolation, "--all-violations", "--out", out, all)
	seen := map[string]bool{}
	for _, n := range base(rep) {
		if seen[n] {
			t.Errorf("two violations written to %s", n)
		}
		seen[n] = true
	}
	for _, n := range []string{"lecture-conservation.trace.json", "lecture-conservation-2.trace.json", "lecture-conservation-3.trace.json"} {
		if !seen[n] {
			t.Errorf("no %s among %v", n, base(rep))
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.trace.json"))
	if len(files) != len(rep.Violations) {
		t.Errorf("%d files for %d violations", len(files), len(rep.Violations))
	}
}

// TestMutationListLimit: --list N lists exactly N snapshots and says how
// many more there are.
func TestMutationListLimit(t *testing.T) {
	for _, n := range []string{"0", "1", "2"} {
		code, stdout, stderr := cli("check", "--quiet", "--list", n, "--out", t.TempDir(), lecture)
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		listed := strings.Count(stdout, "(total $")
		more := map[string]string{"0": "(26 more:", "1": "(25 more:", "2": "(24 more:"}[n]
		if want := int(n[0] - '0'); listed != want || !strings.Contains(stdout, more) {
			t.Errorf("--list %s: %d snapshots listed, want %d and %q\n%s", n, listed, want, more, stdout)
		}
	}
}

// TestMutationReplayWitnessOneViolation: a witness trace whose execution
// shows exactly one violation exits 1 (not 0).
func TestMutationReplayWitnessOneViolation(t *testing.T) {
	path := tampered(t, "no-forward-termination.trace.json", func(s string) string {
		return strings.Replace(s, `"kind": "counterexample"`, `"kind": "witness"`, 1)
	})
	code, stdout, stderr := cli("replay", "-q", path)
	if code != exitViolation || !strings.Contains(stdout, "shows 1 violation(s)") || !strings.Contains(stdout, "  termination: snapshot s1 never completes") {
		t.Errorf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
}

// TestMutationReplayOtherSnapshot: a counterexample names its snapshot;
// the same property violated for another snapshot is listed as also
// violated, and a trace whose snapshot shows no violation of its property
// is not reproduced (exit 2).
func TestMutationReplayOtherSnapshot(t *testing.T) {
	cfg := writeConfig(t, "two-snapshots.json", func(c map[string]any) { c["algorithm"] = "no-forward" })
	rep := checkReport(t, exitViolation, "--out", t.TempDir(), cfg)
	if len(rep.Violations) != 1 || rep.Violations[0].Property != properties.Termination || rep.Violations[0].Snapshot != "s1" {
		t.Fatalf("violations %+v, want termination of s1", rep.Violations)
	}
	code, stdout, stderr := cli("replay", "-q", rep.Violations[0].Trace)
	if code != exitViolation || !strings.Contains(stdout, "Verdict: violation reproduced — termination: snapshot s1 never completes") ||
		!strings.Contains(stdout, "  also violated: termination: snapshot s2 never completes") {
		t.Errorf("exit %d\n%s%s", code, stdout, stderr)
	}

	path := tampered(t, "no-forward-termination.trace.json", func(s string) string {
		return strings.Replace(s, `"snapshot": "s1",`+"\n  \"message\"", `"snapshot": "s2",`+"\n  \"message\"", 1)
	})
	code, stdout, stderr = cli("replay", "-q", path)
	if code != exitBadInput || !strings.Contains(stdout, "not reproduced") || !strings.Contains(stderr, "does not reproduce") {
		t.Errorf("snapshot s2: exit %d, want 2\n%s%s", code, stdout, stderr)
	}
}
