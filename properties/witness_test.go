package properties

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

var updateWitness = flag.Bool("update-witness", false, "rewrite the witness golden files in testdata/witness")

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", "witness", name)
	if *updateWitness {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./properties -run Witness -update-witness)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from the golden file:\n--- got\n%s--- want\n%s", name, got, want)
	}
}

// TestWitnessLecture is the lecture's claim: the snapshot (1:$5, 2:$5,
// 3:$2, 2->1:[10], 3->2:[8]) of an execution that never passed through it
// is feasible: every PRE event can be moved first.
func TestWitnessLecture(t *testing.T) {
	x := byText(t, loadExample(t, "lecture.json"), lectureRun)
	w := x.Witness(0)
	if got, want := w.Value.Format(&x.Sys.Topo), "1:$5 2:$5 3:$2 | 2->1:[10] 3->2:[8]"; got != want {
		t.Fatalf("recorded %s, want %s", got, want)
	}
	if !w.Judged || !w.Feasible || w.Actual || !w.ModelReplay || !w.SameFinal {
		t.Fatalf("judged %v feasible %v actual %v same final %v (%s), want feasible, not actual", w.Judged, w.Feasible, w.Actual, w.SameFinal, w.Reason)
	}
	if got, want := w.Sequence(), "4 7 | s1 | 1 2 3 5 6 8 9 10 11 12 13"; got != want {
		t.Errorf("Sequence() = %q, want %q", got, want)
	}
	if w.Blocking != [2]int{0, 3} {
		t.Errorf("Blocking = %v, want [0 3]: initiate s1 (POST) before recv 1->2 $5 (PRE)", w.Blocking)
	}
	var b bytes.Buffer
	if err := WriteWitness(&b, x, 0); err != nil {
		t.Fatal(err)
	}
	golden(t, "lecture.txt", b.Bytes())
}

// TestWitnessActual: when every PRE event comes first in the real order,
// the recorded state actually occurred.
func TestWitnessActual(t *testing.T) {
	run := []string{
		"recv 1->2 $5", // PRE at 2
		"send 3->2 $8", // PRE at 3
		"initiate s1 at 1",
		"send 1->3 $4",
		"recv 2->1 $10",
		"recv 1->2 marker(s1)",
		"recv 2->1 marker(s1)",
		"recv 3->2 $8",
		"recv 1->3 marker(s1)",
		"recv 3->1 marker(s1)",
		"recv 3->2 marker(s1)",
		"recv 2->3 marker(s1)",
	}
	x := byText(t, loadExample(t, "lecture.json"), run)
	w := x.Witness(0)
	if !w.Feasible || !w.Actual || w.ActualAt != 2 {
		t.Fatalf("feasible %v actual %v at %d (%s), want actual after event 2", w.Feasible, w.Actual, w.ActualAt, w.Reason)
	}
	var b bytes.Buffer
	if err := WriteWitness(&b, x, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Verdict: actual — the execution passed through the recorded state after event 2.") {
		t.Errorf("WriteWitness:\n%s", b.String())
	}
}

// TestWitnessRejectsNonSnapshot forces a cut that is not closed under
// happens-before: node 3 "records" at the event in which it sends the $8
// (so the send is POST) and node 2 after receiving it (so the receive is
// PRE).
func TestWitnessRejectsNonSnapshot(t *testing.T) {
	x := byText(t, loadExample(t, "lecture.json"), lectureRun)
	x.RecordAt[0][2] = 6 // node 3: event 7, "send 3->2 $8", is POST
	x.RecordAt[0][1] = 8 // node 2: event 8, "recv 3->2 $8", is PRE
	w := x.Witness(0)
	if w.Feasible {
		t.Fatalf("a cut not closed under happens-before is feasible")
	}
	want := "transfer 3->2 $8 received at event 8 (PRE) was sent at event 7 (POST)"
	if !strings.Contains(w.Reason, want) || w.FailedEvent != 7 {
		t.Errorf("reason %q (event %d), want it to name %q (event 8)", w.Reason, w.FailedEvent+1, want)
	}
	var b bytes.Buffer
	if err := WriteWitness(&b, x, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Verdict: not feasible — PRE is not closed under happens-before: "+want) {
		t.Errorf("WriteWitness:\n%s", b.String())
	}
}

// TestWitnessWrongState: a closed cut whose recorded values differ from
// the state its PRE events reach is rejected with the first difference.
func TestWitnessWrongState(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	cfg := *sys.Config
	alg, err := model.Builtin("no-channel-state")
	if err != nil {
		t.Fatal(err)
	}
	nc, err := model.Build(&cfg, alg)
	if err != nil {
		t.Fatal(err)
	}
	x := byText(t, nc, lectureRun)
	w := x.Witness(0)
	want := "after the PRE events channel 2->1 holds [10] but the snapshot recorded []"
	if w.Feasible || w.Reason != want {
		t.Errorf("feasible %v, reason %q; want %q", w.Feasible, w.Reason, want)
	}
}

// TestWitnessBankReplay: with late markers and two snapshots, node 1
// sends marker(s2) to node 2 after recording s1 and before its marker(s1),
// so node 2 takes a marker sent in POST(s1) while in PRE(s1). No PRE-first
// order of s1 can run through the model; the witness is replayed on the
// bank alone, and the snapshot (which is correct: every marker is sent
// as soon as it may) is feasible.
func TestWitnessBankReplay(t *testing.T) {
	sys := loadExample(t, "two-snapshots.json")
	cfg := *sys.Config
	alg, err := model.Builtin("late-markers")
	if err != nil {
		t.Fatal(err)
	}
	lm, err := model.Build(&cfg, alg)
	if err != nil {
		t.Fatal(err)
	}
	x := byText(t, lm, []string{"initiate s1 at 1", "initiate s2 at 3", "send marker(s2) 3->1", "recv 3->1 $1",
		"recv 3->1 marker(s2)", "send marker(s2) 1->2", "recv 1->2 marker(s2)"})
	// Then send every pending marker first, else take the first event.
	evs, st := x.Events, x.Final().Clone()
	for c := lm.Events(st); len(c) > 0; c = lm.Events(st) {
		e := c[0]
		for _, o := range c {
			if o.Kind == model.Internal {
				e = o
				break
			}
		}
		evs = append(evs, e)
		lm.Apply(st, e)
	}
	x, err = Replay(lm, evs)
	if err != nil {
		t.Fatal(err)
	}
	if x.CompleteAt[0] < 0 || len(StateViolations(lm, x.State(x.CompleteAt[0]+1), 0)) > 0 {
		t.Fatalf("s1 should complete correctly")
	}
	w := x.Witness(0)
	if w.ModelReplay || w.CrossingMarker != [2]int{5, 6} || !w.Feasible {
		t.Fatalf("model replay %v, crossing marker %v, feasible %v (%s); want a bank replay for marker 6->7, feasible",
			w.ModelReplay, w.CrossingMarker, w.Feasible, w.Reason)
	}
	var b bytes.Buffer
	if err := WriteWitness(&b, x, 0); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "The marker sent at event 6 (POST) is received at event 7 (PRE)") {
		t.Errorf("WriteWitness does not say the witness was replayed on the bank:\n%s", b.String())
	}
}

func TestWitnessNotCompleted(t *testing.T) {
	x := byText(t, loadExample(t, "lecture.json"), lectureRun[:5])
	w := x.Witness(0)
	if w.Judged || w.Feasible {
		t.Errorf("an incomplete snapshot was judged: %+v", w)
	}
	var b bytes.Buffer
	if err := WriteWitness(&b, x, 0); err != nil {
		t.Fatal(err)
	}
	if got := b.String(); got != "Witness for s1: snapshot s1 did not complete in this execution, so it is not judged.\n" {
		t.Errorf("WriteWitness = %q", got)
	}
}

// TestCheckCountsWitnesses: the check examines the kept executions of
// every distinct snapshot constructively.
func TestCheckCountsWitnesses(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	rep, err := Check(context.Background(), sys, Options{Witnesses: 2})
	if err != nil {
		t.Fatal(err)
	}
	var actual, only int
	for _, sn := range rep.Snapshots {
		c := sn.Witnesses
		if c == nil || c.Examined != len(sn.Executions) || c.Examined == 0 || c.Actual+c.FeasibleOnly != c.Examined || c.Infeasible != 0 {
			t.Errorf("%s: counts %+v for %d executions", sn.Format(&sys.Topo), c, len(sn.Executions))
			continue
		}
		actual += c.Actual
		only += c.FeasibleOnly
	}
	if actual == 0 || only == 0 {
		t.Errorf("lecture: %d actual, %d only feasible; want some of each", actual, only)
	}

	cfg := *sys.Config
	alg, _ := model.Builtin("late-markers")
	lm, err := model.Build(&cfg, alg)
	if err != nil {
		t.Fatal(err)
	}
	rep, err = Check(context.Background(), lm, Options{Witnesses: 2})
	if err != nil {
		t.Fatalf("late-markers: %v", err)
	}
	infeasible := 0
	for _, sn := range rep.Snapshots {
		infeasible += sn.Witnesses.Infeasible
	}
	if rep.Verdict != Violated || infeasible == 0 {
		t.Errorf("late-markers on lecture: verdict %s, %d infeasible witnesses; want a violation and some", rep.Verdict, infeasible)
	}
	for _, v := range rep.Violations {
		if v.Property != Termination && !strings.HasPrefix(v.Feasibility, "not feasible: ") {
			t.Errorf("violation of %s: feasibility %q, want the constructive check's reason", v.Property, v.Feasibility)
		}
	}
}

// drawSystem draws a small bank: 2–3 nodes, complete graph, small
// balances, a few transfers in flight and scripted sends, one or two
// snapshots with spontaneous initiators. Every transfer has its own
// amount, so comparing channel contents by amounts (SPEC §5.6) is
// comparing them by identity (§5.5), and the constructive and state-based
// checks must agree exactly.
func drawSystem(t *rapid.T, algorithm string, fifo bool) *model.System {
	n := rapid.IntRange(2, 3).Draw(t, "nodes")
	cfg := &model.Config{Name: "rapid", Channels: model.Channels{Complete: true}, FIFO: fifo, Algorithm: algorithm}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprint(i + 1)
		cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: ids[i], Balance: rapid.IntRange(0, 6).Draw(t, "balance"+ids[i])})
	}
	amount := 0
	other := func(i int, label string) string {
		j := rapid.IntRange(0, n-2).Draw(t, label)
		if j >= i {
			j++
		}
		return ids[j]
	}
	for k := rapid.IntRange(0, 2).Draw(t, "in_flight"); k > 0; k-- {
		from := rapid.IntRange(0, n-1).Draw(t, "in_flight.from")
		amount++
		cfg.InFlight = append(cfg.InFlight, model.TransferSpec{From: ids[from], To: other(from, "in_flight.to"), Amount: amount})
	}
	cfg.Workload.Script = map[string][]model.Step{}
	for i, id := range ids {
		for k := rapid.IntRange(0, 2).Draw(t, "sends"+id); k > 0; k-- {
			amount++
			cfg.Workload.Script[id] = append(cfg.Workload.Script[id], model.Step{To: other(i, "to"), Amount: amount})
		}
	}
	for s := rapid.IntRange(1, 2).Draw(t, "snapshots"); s > 0; s-- {
		sp := model.SnapshotSpec{ID: fmt.Sprintf("s%d", len(cfg.Snapshots)+1)}
		mask := rapid.IntRange(1, 1<<n-1).Draw(t, "initiators")
		for i, id := range ids {
			if mask&(1<<i) != 0 {
				sp.Initiators = append(sp.Initiators, id)
			}
		}
		cfg.Snapshots = append(cfg.Snapshots, sp)
	}
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatalf("drawn configuration is invalid: %v", err)
	}
	return sys
}

// drawExecution draws a random maximal execution of sys.
func drawExecution(t *rapid.T, sys *model.System) *Execution {
	evs := modeltest.Schedule(sys, 500).Draw(t, "schedule")
	x, err := Replay(sys, evs)
	if err != nil {
		t.Fatalf("replay: %v", err)
	}
	return x
}

// TestWitnessAgreesWithStateChecks is SPEC §2.5 as a property: for
// Chandy–Lamport on FIFO channels and Lai–Yang on non-FIFO ones every
// completed snapshot of every execution has a witness; for the broken
// variants (and Chandy–Lamport on non-FIFO channels) the constructive
// check rejects exactly the snapshots the state-based checks flag.
func TestWitnessAgreesWithStateChecks(t *testing.T) {
	cases := []struct {
		algorithm string
		fifo      bool
	}{
		{"chandy-lamport", true},
		{"chandy-lamport", false},
		{"no-channel-state", true},
		{"late-markers", true},
		{"stop-all-on-marker", true},
		{"no-forward", true},
		{"lai-yang", false},
		{"lai-yang-no-turn-red", false},
	}
	for _, tc := range cases {
		name := tc.algorithm
		if !tc.fifo {
			name += "/non-fifo"
		}
		t.Run(name, func(t *testing.T) {
			correct := tc.algorithm == "chandy-lamport" && tc.fifo || tc.algorithm == "lai-yang"
			judged, rejected := 0, 0
			rapid.Check(t, func(rt *rapid.T) {
				sys := drawSystem(rt, tc.algorithm, tc.fifo)
				x := drawExecution(rt, sys)
				h := x.HB()
				checkHB(rt, x, h)
				for s := range sys.Topo.Snapshots {
					c := x.CompleteAt[s]
					if c < 0 {
						continue
					}
					judged++
					w := x.Witness(s)
					flagged := StateViolations(sys, x.State(c+1), s)
					if !w.Feasible {
						rejected++
					}
					if correct && (!w.Feasible || w.ModelReplay && !w.SameFinal || len(flagged) > 0) {
						rt.Fatalf("%s: snapshot %s: feasible %v (%s), same final state %v, state-based %v", tc.algorithm, w.Snapshot, w.Feasible, w.Reason, w.SameFinal, flagged)
					}
					if w.Feasible != (len(flagged) == 0) {
						rt.Fatalf("snapshot %s %s: constructive says feasible=%v (%s), state-based checks say %v",
							w.Snapshot, w.Value.Format(&sys.Topo), w.Feasible, w.Reason, flagged)
					}
					checkWitness(rt, x, h, s, w)
				}
			})
			t.Logf("%d snapshots judged, %d rejected", judged, rejected)
		})
	}
}

// checkHB compares HappensBefore with the transitive closure of the edges.
func checkHB(t *rapid.T, x *Execution, h *HBGraph) {
	n := h.Len()
	reach := make([][]bool, n)
	for i := range reach {
		reach[i] = make([]bool, n)
	}
	for _, e := range h.Edges() {
		if e.From >= e.To {
			t.Fatalf("edge %+v goes backwards in the real order", e)
		}
		reach[e.From][e.To] = true
	}
	for k := 0; k < n; k++ {
		for i := 0; i < n; i++ {
			if !reach[i][k] {
				continue
			}
			for j := 0; j < n; j++ {
				if reach[k][j] {
					reach[i][j] = true
				}
			}
		}
	}
	for a := 0; a < n; a++ {
		for b := 0; b < n; b++ {
			if h.HappensBefore(a, b) != reach[a][b] {
				t.Fatalf("HappensBefore(%d, %d) = %v, closure says %v", a+1, b+1, !reach[a][b], reach[a][b])
			}
		}
	}
	if !slices.IsSorted(h.Order(nil)) || len(h.Order(nil)) != n {
		t.Fatalf("Order(nil) is not the real order")
	}
}

// checkWitness checks the witness's shape: a permutation of the events,
// PRE first, respecting happens-before when feasible; and the actual
// verdict against the real order.
func checkWitness(t *rapid.T, x *Execution, h *HBGraph, s int, w *Witness) {
	order := w.Order()
	if len(order) != len(x.Events) {
		t.Fatalf("witness has %d events, the execution %d", len(order), len(x.Events))
	}
	for i, k := range order {
		if x.Pre(s, k) != (i < len(w.Pre)) {
			t.Fatalf("witness position %d: event %d is on the wrong side of the snapshot", i, k+1)
		}
	}
	if w.Feasible && !h.Respects(order) {
		t.Fatalf("witness %s does not respect happens-before", w.Sequence())
	}
	interleaved := false
	seenPost := false
	for k := range x.Events {
		if !x.Pre(s, k) {
			seenPost = true
		} else if seenPost {
			interleaved = true
		}
	}
	if w.Feasible && !interleaved && !w.Actual {
		t.Fatalf("every PRE event came first, yet the state is not actual")
	}
	if !w.Actual && interleaved {
		p, q := w.Blocking[0], w.Blocking[1]
		if p < 0 || q <= p || x.Pre(s, p) || !x.Pre(s, q) {
			t.Fatalf("blocking pair %v is not a POST event before a PRE event", w.Blocking)
		}
	}
}

// TestNamesIsACopy: Names lists the properties in report order (SPEC §2),
// and a caller that changes the slice changes no later call's.
func TestNamesIsACopy(t *testing.T) {
	want := []string{"termination", "conservation", "consistent-cut", "channel-states", "feasible"}
	got := Names()
	if !slices.Equal(got, want) {
		t.Fatalf("Names() = %v, want %v", got, want)
	}
	got[0] = "changed"
	if again := Names(); !slices.Equal(again, want) {
		t.Errorf("after a caller changed its slice, Names() = %v", again)
	}
}
