package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// Tests written by the second round of mutation testing (simulate's text
// report and check's JSON report).

const lateMarkers = "../../examples/broken/late-markers.json"

// TestMutation2SimulateTextMatchesJSON: with the same seed, the text
// report says how events were chosen (--bias-markers) and numbers each
// violation's run from 1, as the JSON report's run (from 0) plus one.
func TestMutation2SimulateTextMatchesJSON(t *testing.T) {
	args := []string{"simulate", "--quiet", "--runs", "30", "--seed", "42", "--bias-markers", "0.2"}
	code, js, stderr := cli(append(args, "--json", "--out", t.TempDir(), lateMarkers)...)
	if code != exitViolation {
		t.Fatalf("json: exit %d\n%s", code, stderr)
	}
	var rep properties.SimReport
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Violations) == 0 {
		t.Fatal("no violation in the JSON report")
	}
	code, text, stderr := cli(append(args, "--out", t.TempDir(), lateMarkers)...)
	if code != exitViolation {
		t.Fatalf("text: exit %d\n%s", code, stderr)
	}
	if !strings.Contains(text, "  choice        markers delayed (weight 0.2 against 1)\n") {
		t.Errorf("the text does not give the marker weight:\n%s", text)
	}
	for _, v := range rep.Violations {
		want := fmt.Sprintf("Violation of %s (run %d, trace of %d events): ", v.Property, v.Run+1, v.Length)
		if !strings.Contains(text, want) {
			t.Errorf("the text does not say %q:\n%s", want, text)
		}
	}
}

// TestMutation2SimulateViolatedAndStopped: a simulation that found a
// violation and then stopped early says both.
func TestMutation2SimulateViolatedAndStopped(t *testing.T) {
	sys, err := algorithms.Load(lecture)
	if err != nil {
		t.Fatal(err)
	}
	rep := &properties.SimReport{Verdict: properties.Violated, Runs: 3, RunsAsked: 10, Stopped: "interrupted",
		Violations: []properties.SimViolation{{Violation: properties.Violation{Property: "conservation", Message: "m"}, Run: 2}}}
	var b bytes.Buffer
	printSimReport(&b, sys, rep, 10)
	out := b.String()
	for _, want := range []string{
		"Verdict: violation — 1 property violation(s) found.\n",
		"(The simulation also stopped early: interrupted, after 3 of 10 runs.)\n",
		"Violation of conservation (run 3, trace of 0 events): m\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the report does not say %q:\n%s", want, out)
		}
	}
}

// TestMutation2CheckJSONKeepsArrows: the JSON report is not HTML-escaped:
// channel names such as "a->b" stay readable.
func TestMutation2CheckJSONKeepsArrows(t *testing.T) {
	code, stdout, stderr := cli("check", "--quiet", "--json", "--out", t.TempDir(), lateMarkers)
	if code != exitViolation {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if !strings.Contains(stdout, "->") || strings.Contains(stdout, `\u003e`) || strings.Contains(stdout, `\u003c`) || strings.Contains(stdout, `\u0026`) {
		t.Errorf("the JSON report escapes HTML characters:\n%s", stdout)
	}
}

// TestProgressLines: check and simulate print progress lines on stderr at
// the --progress-every interval, none with --quiet, and never on stdout.
func TestProgressLines(t *testing.T) {
	for _, tc := range []struct {
		name  string
		args  []string
		lines bool
	}{
		{"check", []string{"check", "--progress-every", "1ns"}, true},
		{"check json", []string{"check", "--json", "--progress-every", "1ns"}, true},
		{"check quiet", []string{"check", "--quiet", "--progress-every", "1ns"}, false},
		{"check default interval", []string{"check"}, false},
		{"simulate", []string{"simulate", "--runs", "50", "--progress-every", "1ns"}, true},
		{"simulate quiet", []string{"simulate", "--runs", "50", "--quiet", "--progress-every", "1ns"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append(append(tc.args, "--out", t.TempDir()), lecture)
			code, stdout, stderr := cli(args...)
			if code != exitOK {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			if strings.Contains(stdout, "progress:") {
				t.Errorf("progress on stdout:\n%s", stdout)
			}
			n := strings.Count(stderr, "progress: ")
			if got := n > 0; got != tc.lines || strings.Count(stderr, "\n") != n {
				t.Errorf("%d progress lines (want some: %v) in stderr:\n%s", n, tc.lines, stderr)
			}
		})
	}
}

// TestReportUnlisted: a report whose snapshots were not all rebuilt says
// how many are not listed and why, as its verdict line (incomplete) or
// after it (a violation).
func TestReportUnlisted(t *testing.T) {
	sys, err := algorithms.Load(lecture)
	if err != nil {
		t.Fatal(err)
	}
	const why = "interrupted while the executions of the distinct snapshots were rebuilt"
	for _, tc := range []struct {
		verdict properties.Verdict
		want    string
	}{
		{properties.Incomplete, "Verdict: incomplete — " + why + "; the search found no violation in the 1,234 states, but 5 of the distinct snapshots are not listed.\n"},
		{properties.Violated, "(5 of the distinct snapshots are not listed: " + why + ".)\n"},
	} {
		rep := &properties.Report{Verdict: tc.verdict, States: 1234, Unlisted: 5, Stopped: why}
		var b strings.Builder
		printReport(&b, sys, rep, 10, false)
		if !strings.HasSuffix(b.String(), tc.want) {
			t.Errorf("%s: the report ends\n%s\nwant\n%s", tc.verdict, b.String(), tc.want)
		}
	}
}
