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
