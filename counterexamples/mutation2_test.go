package counterexamples

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// Tests written by the second round of mutation testing: each pins a
// behaviour of the renderers or of WriteFileAtomic that the rest of the
// suite let a mutant through. The golden traces all have one snapshot, so
// these use the two-snapshot example.

// twoSnapshotTrace is a maximal witness of examples/two-snapshots.json
// (always the first enabled event) in which both snapshots record and
// complete.
func twoSnapshotTrace(t *testing.T) (*Trace, *Outcome) {
	t.Helper()
	sys, err := algorithms.Load(filepath.Join("..", "examples", "two-snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, out := maximalTrace(t, sys, func(en []model.Event) model.Event { return en[0] })
	x := out.Execution
	if len(x.Sys.Topo.Snapshots) != 2 {
		t.Fatalf("%d snapshots, want 2", len(x.Sys.Topo.Snapshots))
	}
	for s := range x.Sys.Topo.Snapshots {
		if x.CompleteAt[s] < 0 {
			t.Fatalf("snapshot %d does not complete in the trace", s)
		}
	}
	return tr, out
}

// TestMutation2SVGTwoSnapshots: each snapshot's cut is drawn in its own
// colour, offset by 4 px per snapshot just before its recording events;
// a recording event is filled with its snapshot's colour; the legend
// gives each snapshot its own place.
func TestMutation2SVGTwoSnapshots(t *testing.T) {
	tr, out := twoSnapshotTrace(t)
	svg := string(render(t, "svg", tr, out))
	x := out.Execution
	topo := &x.Sys.Topo
	cols := cutColours()
	laneY := func(i int) int { return svgTop + 30 + i*svgLaneY }
	evX := func(k int) int { return svgLeft + (k+1)*svgStepX }
	for s, sid := range topo.Snapshots {
		var pts []string
		for i := range topo.Nodes {
			cx := svgLeft + (len(x.Events)+1)*svgStepX - svgStepX/4
			if r := x.RecordAt[s][i]; r >= 0 {
				cx = evX(r) - svgStepX/2 + 4*s
			}
			pts = append(pts, fmt.Sprintf("%d,%d %d,%d", cx, laneY(i)-svgLaneY*2/5, cx, laneY(i)+svgLaneY*2/5))
		}
		want := fmt.Sprintf(`<polyline points="%s" stroke="%s"><title>cut of snapshot %s</title></polyline>`, strings.Join(pts, " "), cols[s], sid)
		if !strings.Contains(svg, want) {
			t.Errorf("no cut of %s as %s", sid, want)
		}
		for i := range topo.Nodes {
			k := x.RecordAt[s][i]
			if k < 0 {
				continue
			}
			circle := fmt.Sprintf(`<circle cx="%d" cy="%d" r="7" fill="%s">`, evX(k), laneY(x.Events[k].Node), cols[s])
			if !strings.Contains(svg, circle) {
				t.Errorf("recording event %d of %s is not drawn as %s", k+1, sid, circle)
			}
		}
		legend := fmt.Sprintf(`<circle cx="%d" cy="`, 230+300*s)
		if !strings.Contains(svg, "records "+sid+" / cut "+sid) {
			t.Errorf("legend of %s missing", sid)
		}
		if c := strings.Index(svg, legend); c < 0 || !strings.Contains(svg[c:c+60], cols[s]) {
			t.Errorf("legend of %s is not at x=%d in %s", sid, 230+300*s, cols[s])
		}
	}
}

// TestMutation2DOTAndJSONTwoSnapshots: the DOT node and the JSON event of
// each recording and each completing event name every snapshot concerned,
// not only the first.
func TestMutation2DOTAndJSONTwoSnapshots(t *testing.T) {
	tr, out := twoSnapshotTrace(t)
	x := out.Execution
	topo := &x.Sys.Topo
	dot := string(render(t, "dot", tr, out))
	a := Analyze(tr, out)
	for s, sid := range topo.Snapshots {
		k := x.CompleteAt[s]
		line := nodeLine(t, dot, k+1)
		if !strings.Contains(line, `\ncompletes `+sid) {
			t.Errorf("DOT event %d does not complete %s: %s", k+1, sid, line)
		}
		if !containsStr(a.Events[k].Completes, sid) {
			t.Errorf("JSON event %d completes %v, want %s among them", k+1, a.Events[k].Completes, sid)
		}
		for i := range topo.Nodes {
			r := x.RecordAt[s][i]
			if r < 0 {
				continue
			}
			if line := nodeLine(t, dot, r+1); !strings.Contains(line, `\nrecords `+sid) {
				t.Errorf("DOT event %d does not record %s: %s", r+1, sid, line)
			}
			if !containsStr(a.Events[r].Records, sid) {
				t.Errorf("JSON event %d records %v, want %s among them", r+1, a.Events[r].Records, sid)
			}
		}
	}
}

func nodeLine(t *testing.T, dot string, step int) string {
	t.Helper()
	for _, l := range strings.Split(dot, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), fmt.Sprintf("e%d [label=", step)) {
			return l
		}
	}
	t.Fatalf("no DOT node e%d", step)
	return ""
}

func containsStr(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// TestMutation2JSONUnrecordedSnapshot: a snapshot that no node recorded
// has no recorded or correct value in the analysis (null would claim an
// empty recording).
func TestMutation2JSONUnrecordedSnapshot(t *testing.T) {
	sys, err := algorithms.Load(filepath.Join("..", "examples", "two-snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	tr, err := New(sys, KindWitness, nil)
	if err != nil {
		t.Fatal(err)
	}
	a := Analyze(tr, mustReplay(t, tr))
	for _, s := range a.Snapshots {
		if s.Recorded != nil || s.Correct != nil || len(s.RecordedAt) != 0 || s.CompletedAt != nil {
			t.Errorf("snapshot %s of an empty trace: %+v", s.ID, s)
		}
	}
}
