package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/counterexamples"
	"github.com/snapcheck/snapcheck/properties"
)

// TestCheckWitnesses: check --witnesses writes one witness trace per
// distinct snapshot; each replays on its own with exit 0, and show prints
// its reordering witness.
func TestCheckWitnesses(t *testing.T) {
	dir := t.TempDir()
	code, out, errs := cli("check", "--quiet", "--witnesses", dir, "--out", t.TempDir(), "../../examples/lecture.json")
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}
	if n := strings.Count(out, "witnesses (the first 3 executions this search kept)"); n != 26 {
		t.Errorf("check: %d snapshots with 3 witnesses examined, want 26\n%s", n, out)
	}
	target := "1:$5 2:$5 3:$2 | 2->1:[10] 3->2:[8]"
	if !strings.Contains(out, target+"  (total $30)\n         witnesses (the first 3 executions this search kept): 0 actual, 3 only feasible; trace "+filepath.Join(dir, "lecture-s1-010.trace.json")) {
		t.Errorf("check does not report the lecture's snapshot as only feasible:\n%s", out)
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.trace.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 26 {
		t.Fatalf("%d witness files, want 26", len(files))
	}
	for _, f := range files {
		tr, err := counterexamples.ReadFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if tr.Kind != counterexamples.KindWitness {
			t.Errorf("%s: kind %q", f, tr.Kind)
		}
		if code, out, errs := cli("replay", f); code != exitOK {
			t.Errorf("replay %s: exit %d\n%s%s", f, code, out, errs)
		}
	}
	_, show, _ := cli("show", filepath.Join(dir, "lecture-s1-010.trace.json"))
	if !strings.Contains(show, "Verdict: feasible, not actual") {
		t.Errorf("show does not print the witness verdict:\n%s", show)
	}
}

// TestCheckWitnessJSON: the JSON report carries the counts per snapshot.
func TestCheckWitnessJSON(t *testing.T) {
	code, out, errs := cli("check", "--json", "--quiet", "--witness-sample", "2", "--out", t.TempDir(), "../../examples/two-nodes.json")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, errs)
	}
	var rep struct {
		Snapshots []struct {
			Witnesses *properties.WitnessCounts `json:"witnesses"`
		} `json:"snapshots"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Snapshots) == 0 {
		t.Fatalf("no snapshots:\n%s", out)
	}
	for i, s := range rep.Snapshots {
		if c := s.Witnesses; c == nil || c.Examined < 1 || c.Examined > 2 || c.Actual+c.FeasibleOnly != c.Examined {
			t.Errorf("snapshot %d: witnesses %+v", i, c)
		}
	}
}

func TestCheckWitnessesBadDir(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(f, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	code, _, errs := cli("check", "--quiet", "--witnesses", filepath.Join(f, "sub"), "../../examples/two-nodes.json")
	if code != exitBadInput || !strings.Contains(errs, "--witnesses") {
		t.Errorf("exit %d, stderr %q; want 2 naming --witnesses", code, errs)
	}
}

func TestCheckWitnessSampleBad(t *testing.T) {
	code, _, errs := cli("check", "--quiet", "--witness-sample", "0", "../../examples/two-nodes.json")
	if code != exitBadInput || !strings.Contains(errs, "--witness-sample: must be at least 1") {
		t.Errorf("exit %d, stderr %q; want 2 naming --witness-sample", code, errs)
	}
}

// TestCheckFileNames: snapshot ids that give the same file name ("s 1",
// "s_1") get witness files of their own, and a configuration name longer
// than file names allow still gets its traces written, under a shortened
// name; different long names give different files.
func TestCheckFileNames(t *testing.T) {
	dir := t.TempDir()
	write := func(name, cfg string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(cfg), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	collide := write("collide.json", `{"name": "collide", "nodes": [{"id": "a", "balance": 2}, {"id": "b", "balance": 0}],
		"workload": {"script": {"a": [{"to": "b", "amount": 1}]}},
		"snapshots": [{"id": "s 1", "initiators": ["a"]}, {"id": "s_1", "initiators": ["b"]}]}`)
	wdir := filepath.Join(dir, "w")
	code, out, errs := cli("check", "--quiet", "--json", "--witnesses", wdir, "--out", t.TempDir(), collide)
	if code != exitOK {
		t.Fatalf("check: exit %d\n%s%s", code, out, errs)
	}
	var rep properties.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	paths := map[string]bool{}
	for _, sn := range rep.Snapshots {
		if sn.WitnessTrace == "" || paths[sn.WitnessTrace] {
			t.Errorf("snapshot %s: witness trace %q (empty or another's)", sn.ID, sn.WitnessTrace)
		}
		paths[sn.WitnessTrace] = true
		tr, err := counterexamples.ReadFile(sn.WitnessTrace)
		if err != nil {
			t.Fatal(err)
		}
		if tr.Snapshot != sn.ID {
			t.Errorf("%s holds a witness of %q, want %q", sn.WitnessTrace, tr.Snapshot, sn.ID)
		}
	}
	files, _ := filepath.Glob(filepath.Join(wdir, "*.trace.json"))
	if len(files) != len(rep.Snapshots) || len(files) < 2 {
		t.Errorf("%d witness files for %d snapshots", len(files), len(rep.Snapshots))
	}

	broken, err := os.ReadFile("../../examples/broken/late-markers.json")
	if err != nil {
		t.Fatal(err)
	}
	var cfg map[string]any
	if err := json.Unmarshal(broken, &cfg); err != nil {
		t.Fatal(err)
	}
	traces := map[string]bool{}
	for _, end := range []string{"a", "b"} {
		cfg["name"] = strings.Repeat("x", 300) + end
		b, _ := json.Marshal(cfg)
		p := write("long"+end+".json", string(b))
		tdir := filepath.Join(dir, "traces")
		code, out, errs := cli("check", "--quiet", "--json", "--out", tdir, p)
		if code != exitViolation {
			t.Fatalf("check with a long name: exit %d\n%s%s", code, out, errs)
		}
		var rep properties.Report
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		for _, v := range rep.Violations {
			if len(filepath.Base(v.Trace)) > 255 || traces[v.Trace] {
				t.Errorf("trace %q: too long, or written twice", v.Trace)
			}
			traces[v.Trace] = true
			if code, _, errs := cli("replay", v.Trace); code != exitViolation {
				t.Errorf("replay %s: exit %d\n%s", v.Trace, code, errs)
			}
		}
	}
	if len(traces) < 2 {
		t.Errorf("%d traces from two violated banks", len(traces))
	}
}

// TestUnwritableFolders: a folder for traces that cannot be made is bad
// input (exit 2, one message naming the flag), and the report of the
// finished run is printed all the same.
func TestUnwritableFolders(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(file, "sub")
	for _, args := range [][]string{
		{"check", "--quiet", "--out", bad, "../../examples/broken/late-markers.json"},
		{"check", "--quiet", "--witnesses", bad, "--out", t.TempDir(), "../../examples/two-nodes.json"},
		{"simulate", "--runs", "50", "--out", bad, "../../examples/broken/late-markers.json"},
	} {
		code, out, errs := cli(args...)
		flag := args[len(args)-3]
		if args[2] == "--witnesses" {
			flag = "--witnesses"
		}
		if code != exitBadInput || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, flag) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and one line naming %s", args, code, errs, flag)
		}
		if !strings.Contains(out, "Verdict: ") {
			t.Errorf("%v: no report printed:\n%s", args, out)
		}
	}
}

// TestWitnessesReplayClean: with two snapshots and a broken algorithm, a
// witness trace of one snapshot must not hold a violation of the other:
// every witness file check writes replays with exit 0 (depth-first, an
// execution kept for snapshot y violated conservation for x).
func TestWitnessesReplayClean(t *testing.T) {
	for _, strategy := range []string{"bfs", "dfs"} {
		dir := t.TempDir()
		code, _, stderr := cli("check", "--quiet", "--strategy", strategy, "--out", filepath.Join(dir, "t"),
			"--witnesses", filepath.Join(dir, "w"), "testdata/witness-other-snapshot.json")
		if code != exitViolation {
			t.Fatalf("%s: check exit %d: %s", strategy, code, stderr)
		}
		files, _ := filepath.Glob(filepath.Join(dir, "w", "*.trace.json"))
		if len(files) == 0 {
			t.Fatalf("%s: no witness written", strategy)
		}
		for _, f := range files {
			if code, stdout, _ := cli("replay", "--quiet", f); code != exitOK {
				t.Errorf("%s: replay %s: exit %d\n%s", strategy, filepath.Base(f), code, stdout)
			}
		}
	}
}

// TestWitnessCountsText: the witness lines count with thousands separators
// and say "1 execution".
func TestWitnessCountsText(t *testing.T) {
	for _, tc := range []struct {
		c          properties.WitnessCounts
		line, summ string
	}{
		{properties.WitnessCounts{Examined: 1, FeasibleOnly: 1},
			"witnesses (the first 1 execution this search kept): 0 actual, 1 only feasible\n",
			"of a sample of 1 execution (the first"},
		{properties.WitnessCounts{Examined: 12345, Actual: 2345, FeasibleOnly: 9000, Infeasible: 1000},
			"witnesses (the first 12,345 executions this search kept): 2,345 actual, 9,000 only feasible, 1,000 not feasible (a violation)\n",
			"of a sample of 12,345 executions (the first this search kept per snapshot; the sample depends on strategy and reduction): the recorded state actually occurred in 2,345, was only feasible in 9,000, and has no witness in 1,000 (violations).\n"},
	} {
		c := tc.c
		var line, summ strings.Builder
		printWitnessCounts(&line, properties.Snapshot{Witnesses: &c})
		printWitnessSummary(&summ, &properties.Report{Snapshots: []properties.Snapshot{{Witnesses: &c}}})
		if !strings.HasSuffix(line.String(), tc.line) {
			t.Errorf("snapshot line %q, want it to end with %q", line.String(), tc.line)
		}
		if !strings.Contains(summ.String(), tc.summ) {
			t.Errorf("summary %q, want it to hold %q", summ.String(), tc.summ)
		}
	}
}
