package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/counterexamples"
)

// simTime masks the only figure of simulate's text output that depends on
// the machine.
var simTime = regexp.MustCompile(`(?m)^(  time\s+)\d+\.\d+ s$`)

func simGolden(t *testing.T, name, got string) {
	t.Helper()
	goldenFile(t, "simulate/"+name, simTime.ReplaceAllString(got, "${1}X s"))
}

func TestSimulateHelp(t *testing.T) {
	code, stdout, stderr := cli("simulate", "--help")
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	simGolden(t, "help.txt", stdout)
	if code, help, _ := cli("help", "simulate"); code != exitOK || help != stdout {
		t.Errorf("help simulate: exit %d, and not simulate --help:\n%s", code, help)
	}
	fs, _ := simulateFlags()
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(stdout, "--"+f.Name+" ") && !strings.Contains(stdout, "--"+f.Name+"[") {
			t.Errorf("simulate --help does not explain --%s", f.Name)
		}
	})
}

// TestSimulateLecture: Chandy–Lamport on the lecture's bank shows no
// violation, and the output says that this is not a proof.
func TestSimulateLecture(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := cli("simulate", "--runs", "50", "--seed", "3", "--quiet", "--list", "-1", "--out", out, lecture)
	if code != exitOK || stderr != "" {
		t.Fatalf("exit %d, stderr %q", code, stderr)
	}
	for _, want := range []string{"no violation in 50 random runs", "not a proof", "seed          3"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output does not say %q:\n%s", want, stdout)
		}
	}
	simGolden(t, "lecture.txt", stdout)
	if entries, _ := os.ReadDir(out); len(entries) != 0 {
		t.Errorf("%d files written to --out with no violation", len(entries))
	}
}

// TestSimulateLateMarkers8 is the point of simulate: the late-markers bug
// on an 8-node bank whose space check cannot exhaust (it stops at depth 5
// after a minute); every trace written replays alone, reproduces its
// violation and carries the seed.
func TestSimulateLateMarkers8(t *testing.T) {
	out := t.TempDir()
	code, stdout, stderr := cli("simulate", "--runs", "100", "--seed", "1", "--quiet", "--out", out, "../../examples/simulate/late-markers-8.json")
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s%s", code, stdout, stderr)
	}
	traces, _ := filepath.Glob(filepath.Join(out, "*.trace.json"))
	if len(traces) == 0 {
		t.Fatalf("no trace written:\n%s", stdout)
	}
	for _, p := range traces {
		tr, err := counterexamples.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Seed == nil || *tr.Seed != 1 {
			t.Errorf("%s: seed %v, want 1", filepath.Base(p), tr.Seed)
		}
		if !strings.Contains(stdout, "trace: "+p) {
			t.Errorf("the output does not name %s", p)
		}
		if code, stdout, stderr := cli("replay", "--quiet", copyAlone(t, p)); code != exitViolation {
			t.Errorf("replay %s: exit %d, want 1\n%s%s", filepath.Base(p), code, stdout, stderr)
		}
	}
}

// TestSimulateDeterministic: the same seed gives the same report.
func TestSimulateDeterministic(t *testing.T) {
	report := func(seed string) map[string]any {
		code, stdout, stderr := cli("simulate", "--json", "--runs", "30", "--seed", seed, "--bias-markers", "0.2", "--out", t.TempDir(), "../../examples/broken/late-markers.json")
		if code != exitViolation {
			t.Fatalf("exit %d\n%s", code, stderr)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(stdout), &m); err != nil {
			t.Fatal(err)
		}
		delete(m, "elapsed_seconds")
		for _, v := range m["violations"].([]any) {
			delete(v.(map[string]any), "trace")
		}
		return m
	}
	a, b := report("42"), report("42")
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("two runs with seed 42 differ:\n%s\n%s", ja, jb)
	}
	if a["seed"] != 42.0 || a["marker_weight"] != 0.2 {
		t.Errorf("seed %v, marker weight %v", a["seed"], a["marker_weight"])
	}
}

func TestSimulateMaxSteps(t *testing.T) {
	code, stdout, _ := cli("simulate", "--runs", "4", "--max-steps", "3", "--quiet", lecture)
	if code != exitOK {
		t.Fatalf("exit %d", code)
	}
	if !strings.Contains(stdout, "4 runs stopped at --max-steps") {
		t.Errorf("the output does not count the cut runs:\n%s", stdout)
	}
	if !strings.Contains(stdout, "4 random executions, maximal unless cut (") {
		t.Errorf("the output calls cut runs maximal:\n%s", stdout)
	}
}

func TestSimulateBadInput(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--runs", "0", lecture}, "--runs: must be at least 1"},
		{[]string{"--bias-markers", "2", lecture}, "--bias-markers: must be a weight in [0, 1]"},
		{[]string{"--bias-markers", "-0.5", lecture}, "--bias-markers: must be a weight in [0, 1]"},
		{[]string{"--max-memory", "-1", lecture}, "--max-memory: must be from 0 to"},
		{[]string{"--list", "-2", lecture}, "--list: must be -1 (all) or more, got -2"},
		{[]string{"--progress-every", "0", lecture}, "--progress-every: must be positive"},
		{[]string{"--max-steps", "-1", lecture}, "--max-steps: must not be negative"},
		{[]string{"--seed", "x", lecture}, "invalid argument"},
		{[]string{"missing.json"}, "missing.json"},
		{[]string{"testdata/bad/unknown-field.json"}, "colour: unknown field"},
		{[]string{lecture, lecture}, "expected 1 argument"},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(append([]string{"simulate"}, tc.args...)...)
			if code != exitBadInput {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout not empty: %q", stdout)
			}
			if !strings.HasPrefix(stderr, "snapcheck simulate: ") || !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not say %q", stderr, tc.want)
			}
		})
	}
}

// TestSimulateInterrupted: a simulation stopped before its runs are done
// exits 3 and says so.
func TestSimulateInterrupted(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var o, e bytes.Buffer
	code := run(ctx, []string{"simulate", "--quiet", lecture}, &o, &e)
	if code != exitIncomplete {
		t.Fatalf("exit %d, want 3\n%s%s", code, o.String(), e.String())
	}
	if !strings.Contains(o.String(), "Verdict: incomplete — interrupted after 0 of 1,000 runs") {
		t.Errorf("output:\n%s", o.String())
	}
}
