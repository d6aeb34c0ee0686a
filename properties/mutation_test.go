package properties

import (
	"context"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// The tests in this file close gaps found by mutation testing of the
// package: each pins down a behaviour that no other test checked.

// withAlgorithm is the example's configuration run by another algorithm.
func withAlgorithm(t *testing.T, name, algorithm string) *model.System {
	t.Helper()
	cfg := *loadExample(t, name).Config
	alg, err := model.Builtin(algorithm)
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Build(&cfg, alg)
	if err != nil {
		t.Fatal(err)
	}
	return sys
}

// maximal is the execution that performs the events described by prefix
// (as byText does), then, until no event is enabled, the first enabled
// event for which prefer reports true, or else the first enabled event.
func maximal(t *testing.T, sys *model.System, prefix []string, prefer func(model.Event) bool) *Execution {
	t.Helper()
	x := byText(t, sys, prefix)
	evs, st := x.Events, x.Final().Clone()
	for c := sys.Events(st); len(c) > 0; c = sys.Events(st) {
		e := c[0]
		for _, o := range c {
			if prefer != nil && prefer(o) {
				e = o
				break
			}
		}
		evs = append(evs, e)
		sys.Apply(st, e)
	}
	x, err := Replay(sys, evs)
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// TestConcurrentIrreflexive: an event is not concurrent with itself
// (Concurrent requires a ≠ b).
func TestConcurrentIrreflexive(t *testing.T) {
	h := byText(t, loadExample(t, "lecture.json"), lectureRun).HB()
	for k := 0; k < h.Len(); k++ {
		if h.Concurrent(k, k) {
			t.Errorf("Concurrent(%d, %d) = true, want false", k+1, k+1)
		}
	}
}

// TestCheckTerminationOnlyOnMaximal: termination (SPEC §2.1) is judged on
// maximal executions only. A prefix that stops before s1 completes is not
// terminal and shows no violation; a maximal execution in which s1 never
// completes (no-forward) shows one, naming the nodes still waiting.
func TestCheckTerminationOnlyOnMaximal(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	prefix := byText(t, sys, lectureRun[:5])
	if prefix.Terminal {
		t.Errorf("a prefix with events still enabled is Terminal")
	}
	if ps := prefix.CheckTermination(); len(ps) != 0 {
		t.Errorf("CheckTermination on a non-maximal prefix = %v, want none", ps)
	}
	full := byText(t, sys, lectureRun)
	if !full.Terminal || len(full.CheckTermination()) != 0 {
		t.Errorf("lectureRun: Terminal %v, CheckTermination %v; want terminal, no problem", full.Terminal, full.CheckTermination())
	}
	nf := withAlgorithm(t, "lecture.json", "no-forward")
	x := maximal(t, nf, []string{"initiate s1 at 1"}, nil)
	ps := x.CheckTermination()
	if !x.Terminal || len(ps) != 1 || ps[0].Property != Termination || ps[0].Snapshot != "s1" {
		t.Fatalf("no-forward: Terminal %v, problems %v; want one termination problem for s1", x.Terminal, ps)
	}
	if !strings.Contains(ps[0].Message, "recorded it but never finished") || strings.Contains(ps[0].Message, "never recorded") {
		t.Errorf("message %q: want every node recorded, some never finished", ps[0].Message)
	}
}

// TestWitnessNamesFirstOffendingTransfer: when several transfers cross a
// cut that is not closed under happens-before, the reason and FailedEvent
// name the one received first.
func TestWitnessNamesFirstOffendingTransfer(t *testing.T) {
	x := byText(t, loadExample(t, "lecture.json"), []string{
		"send 1->3 $4",         // 1
		"recv 1->3 $4",         // 2
		"send 3->2 $8",         // 3
		"recv 3->2 $8",         // 4
		"initiate s1 at 1",     // 5
		"recv 1->2 $5",         // 6
		"recv 1->2 marker(s1)", // 7
		"recv 2->1 $10",        // 8
		"recv 2->1 marker(s1)", // 9
		"recv 1->3 marker(s1)", // 10
		"recv 3->1 marker(s1)", // 11
		"recv 3->2 marker(s1)", // 12
		"recv 2->3 marker(s1)", // 13 completes s1
	})
	if x.CompleteAt[0] != 12 {
		t.Fatalf("s1 completes at event %d, want 13", x.CompleteAt[0]+1)
	}
	// Force a cut that both transfers cross: node 1 "records" at event 1
	// (the $4 is sent in POST), node 3 at event 3 (it takes the $4 in PRE and
	// sends the $8 in POST), node 2 at event 13 (it takes the $8 in PRE).
	x.RecordAt[0] = []int{0, 12, 2}
	w := x.Witness(0)
	want := "transfer 1->3 $4 received at event 2 (PRE) was sent at event 1 (POST)"
	if w.Feasible || w.Closed || !strings.Contains(w.Reason, want) || w.FailedEvent != 1 {
		t.Errorf("feasible %v closed %v reason %q (event %d); want %q at event 2", w.Feasible, w.Closed, w.Reason, w.FailedEvent+1, want)
	}
}

// TestWitnessMarkersWithinPre: a marker of another snapshot sent and
// received inside PRE(s1) does not cross the cut, so the witness of s1 is
// still replayed through the model. (Chandy–Lamport on FIFO channels never
// has a marker cross a cut: the marker of s1 precedes it.)
func TestWitnessMarkersWithinPre(t *testing.T) {
	sys := loadExample(t, "two-snapshots.json")
	x := maximal(t, sys, []string{
		"initiate s2 at 3",     // PRE(s1) at 3; marker(s2) on 3->1
		"recv 3->1 $1",         // PRE(s1) at 1
		"recv 3->1 marker(s2)", // PRE(s1) at 1: a marker sent and received in PRE
		"initiate s1 at 1",
	}, nil)
	if x.CompleteAt[0] < 0 {
		t.Fatalf("s1 does not complete")
	}
	w := x.Witness(0)
	if !w.Feasible || !w.ModelReplay || w.CrossingMarker != [2]int{-1, -1} || !w.SameFinal {
		t.Errorf("feasible %v (%s), model replay %v, crossing marker %v, same final %v; want a model replay with no crossing marker",
			w.Feasible, w.Reason, w.ModelReplay, w.CrossingMarker, w.SameFinal)
	}
}

// TestWitnessFirstCrossingMarker: with late markers two markers of s2
// cross the cut of s1 (each sent after its sender recorded s1, received
// before its receiver did); CrossingMarker names the one received first.
func TestWitnessFirstCrossingMarker(t *testing.T) {
	lm := withAlgorithm(t, "two-snapshots.json", "late-markers")
	x := maximal(t, lm, []string{
		"initiate s1 at 1",     // 1
		"initiate s2 at 3",     // 2
		"send marker(s2) 3->1", // 3
		"recv 3->1 $1",         // 4
		"recv 3->1 marker(s2)", // 5
		"send marker(s2) 1->2", // 6  POST(s1) at 1
		"recv 1->2 marker(s2)", // 7  PRE(s1) at 2: first crossing
		"send marker(s1) 1->2", // 8
		"recv 1->2 marker(s1)", // 9  node 2 records s1
		"send marker(s2) 2->3", // 10 POST(s1) at 2
		"recv 2->3 marker(s2)", // 11 PRE(s1) at 3: second crossing
	}, func(e model.Event) bool { return e.Kind == model.Internal })
	if x.CompleteAt[0] < 0 {
		t.Fatalf("s1 does not complete")
	}
	w := x.Witness(0)
	if w.ModelReplay || w.CrossingMarker != [2]int{5, 6} {
		t.Errorf("model replay %v, crossing marker %v; want a bank replay naming the marker sent at event 6, received at 7", w.ModelReplay, w.CrossingMarker)
	}
	if !w.Feasible {
		t.Errorf("not feasible: %s", w.Reason)
	}
}

// TestBankReplayRealOrder: replaying an execution's own order on the bank
// alone always succeeds and ends in its real final bank. On non-FIFO
// channels a transfer may be taken before an older one, and a node may
// send all it holds.
func TestBankReplayRealOrder(t *testing.T) {
	sys := loadExample(t, "nonfifo/two-snapshots.json")
	x := maximal(t, sys, []string{
		"send 2->3 $2", // node 2 sends all it holds
		"send 1->2 $2",
		"send 1->2 $1",
		"recv 1->2 $1", // the younger transfer first
		"recv 1->2 $2",
		"initiate s1 at 1",
	}, nil)
	r := newBankReplay(x)
	for k := range x.Events {
		if err := r.apply(k); err != nil {
			t.Fatalf("event %d (%s): %v", k+1, sys.Describe(x.Events[k]), err)
		}
	}
	if d := bankDiff(sys, r.bank(), bankValue(sys, x.Final()), "the real execution ends with"); d != "" {
		t.Errorf("after the real order: %s", d)
	}
}

// TestBankComparison pins SPEC §5.6: banks compare balances and transfer
// amounts in flight (markers aside), as sequences on FIFO channels and as
// multisets on non-FIFO ones — in bankDiff, bankTarget.holds and sameBank
// alike.
func TestBankComparison(t *testing.T) {
	for _, tc := range []struct {
		example string
		equal   bool // [2 1] and [1 2] are the same channel content
	}{
		{"lecture.json", false},
		{"nonfifo/lecture.json", true},
	} {
		t.Run(tc.example, func(t *testing.T) {
			sys := loadExample(t, tc.example)
			c := modeltest.Channel(t, sys, "1->2")
			a, b := sys.Initial(), sys.Initial()
			a.Chans[c] = []model.Message{{Amount: 2}, {Control: true, Amount: 7}, {Amount: 1}}
			b.Chans[c] = []model.Message{{Amount: 1}, {Amount: 2}}
			va, vb := bankValue(sys, a), bankValue(sys, b)
			if got := bankDiff(sys, va, vb, "want") == ""; got != tc.equal {
				t.Errorf("bankDiff(%v, %v) equal = %v, want %v", va.Channels, vb.Channels, got, tc.equal)
			}
			if got := newBankTarget(sys, vb).holds(a); got != tc.equal {
				t.Errorf("holds = %v, want %v", got, tc.equal)
			}
			if got := newBankTarget(sys, vb).sameBank(a, b); got != tc.equal {
				t.Errorf("sameBank = %v, want %v", got, tc.equal)
			}
			// The marker is never part of the bank.
			if got := newBankTarget(sys, va).holds(a); !got {
				t.Errorf("a state does not hold its own bank")
			}
			b.Balance[0]++
			if newBankTarget(sys, va).sameBank(a, b) || newBankTarget(sys, vb).holds(b) {
				t.Errorf("a different balance is the same bank")
			}
		})
	}
}

// TestCorrectIsRecorded: for a correct algorithm the value a correct
// snapshot would hold (Execution.Correct, shown beside the recorded value
// in counterexamples) is what was recorded: balances as they were just
// before the recording event, channel contents in receive order.
func TestCorrectIsRecorded(t *testing.T) {
	// Two nodes; b sends a $1 then $2 that a records on channel b->a.
	cfg := &model.Config{
		Name:      "two-on-one-channel",
		Nodes:     []model.NodeSpec{{ID: "a", Balance: 10}, {ID: "b", Balance: 10}},
		Channels:  model.Channels{Complete: true},
		FIFO:      true,
		Workload:  model.Workload{Script: map[string][]model.Step{"b": {{To: "a", Amount: 1}, {To: "a", Amount: 2}}}},
		Snapshots: []model.SnapshotSpec{{ID: "s1", Initiators: []string{"a"}}},
		Algorithm: "chandy-lamport",
	}
	two, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name   string
		sys    *model.System
		run    []string
		node   string // a node and the balance it recorded
		amount int
		ch     string // a channel and what it recorded
		chans  string
	}{
		{"chandy-lamport/receive-order", two, []string{
			"initiate s1 at a", "send b->a $1", "send b->a $2", "recv b->a $1", "recv b->a $2",
		}, "b", 7, "b->a", "[1 2]"},
		// Lai–Yang records on a red transfer, before crediting it.
		{"lai-yang/record-on-transfer", loadExample(t, "nonfifo/lecture.json"), []string{
			"initiate s1 at 1", "send 1->3 $4", "recv 1->3 $4",
		}, "3", 10, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			x := maximal(t, tc.sys, tc.run, nil)
			if x.CompleteAt[0] < 0 {
				t.Fatal("s1 does not complete")
			}
			rec, cor := x.Recorded(0), x.Correct(0)
			if rec.Key() != cor.Key() {
				t.Errorf("recorded %s, correct %s; want equal", rec.Key(), cor.Key())
			}
			if cor.Nodes[tc.node] != tc.amount {
				t.Errorf("correct balance of %s = %d, want %d", tc.node, cor.Nodes[tc.node], tc.amount)
			}
			if tc.ch != "" && fmt.Sprint(cor.Channels[tc.ch]) != tc.chans {
				t.Errorf("correct channel %s = %v, want %s", tc.ch, cor.Channels[tc.ch], tc.chans)
			}
		})
	}
}

// TestSimulateMarkerWeightZero: a marker weight of 0 (markers only when
// nothing else is enabled) is valid, and the report says it was used.
func TestSimulateMarkerWeightZero(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	rep, err := Simulate(context.Background(), sys, SimulateOptions{Runs: 3, BiasMarkers: true, MarkerWeight: 0})
	if err != nil {
		t.Fatal(err)
	}
	if rep.MarkerWeight == nil || *rep.MarkerWeight != 0 || rep.Verdict != OK {
		t.Errorf("marker weight %v, verdict %s; want 0 reported, ok", rep.MarkerWeight, rep.Verdict)
	}
	if _, err := Simulate(context.Background(), sys, SimulateOptions{Runs: 1, BiasMarkers: true, MarkerWeight: -0.5}); err == nil {
		t.Errorf("a negative marker weight is accepted")
	}
}

// TestMarkerWeights: marker receives and the algorithm's internal actions
// (late-markers' marker sends) get the marker weight, every other event 1,
// in the order of the enabled events.
func TestMarkerWeights(t *testing.T) {
	lm := withAlgorithm(t, "lecture.json", "late-markers")
	x := byText(t, lm, []string{"initiate s1 at 1", "send marker(s1) 1->2", "recv 1->2 $5"})
	st := x.Final()
	evs := lm.Events(st)
	ws := markerWeights(lm, 0.25)(st.Encode(nil), nil)
	if len(ws) != len(evs) {
		t.Fatalf("%d weights for %d events", len(ws), len(evs))
	}
	var internal, marker, other int
	for i, e := range evs {
		want := 1.0
		switch {
		case e.Kind == model.Internal:
			want = 0.25
			internal++
		case e.Kind == model.Receive && e.Control:
			want = 0.25
			marker++
		default:
			other++
		}
		if ws[i] != want {
			t.Errorf("event %s: weight %v, want %v", lm.Describe(e), ws[i], want)
		}
	}
	if internal == 0 || marker == 0 || other == 0 {
		t.Fatalf("want internal actions, marker receives and other events enabled: %d, %d, %d", internal, marker, other)
	}
}

// TestExplainNamesTheLastSnapshot: a counterexample of properties 2–4
// ends at the event that completes the violated snapshot (SPEC §5.8), and
// explain names that snapshot, not another one that completed earlier in
// the trace with the same property violated.
func TestExplainNamesTheLastSnapshot(t *testing.T) {
	cases := 0
	s1ThenS2(t, func(x *Execution, evs []model.Event) {
		if x.CompleteAt[0] >= x.CompleteAt[1] {
			return
		}
		for _, p := range x.Check(1) {
			if !slices.ContainsFunc(x.Check(0), func(q Problem) bool { return q.Property == p.Property }) {
				continue
			}
			cases++
			got := explain(x, p.Property, evs)
			if got.Snapshot != "s2" || got.Message != p.Message {
				t.Errorf("explain(%s) names %s: %q; want s2: %q", p.Property, got.Snapshot, got.Message, p.Message)
			}
		}
	})
	if cases == 0 {
		t.Fatal("no trace with s1 and then s2 violating the same property")
	}
}

// s1ThenS2 calls f with the executions of two-snapshots.json under
// no-channel-state that follow a counterexample of s1 on until s2
// completes, at their last event.
func s1ThenS2(t *testing.T, f func(x *Execution, evs []model.Event)) {
	t.Helper()
	sys := withAlgorithm(t, "two-snapshots.json", "no-channel-state")
	rep, err := Check(context.Background(), sys, Options{AllViolations: true})
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range rep.Violations {
		if v.Snapshot != "s1" {
			continue
		}
		evs, st := slices.Clone(v.Events), sys.Initial()
		for _, e := range evs {
			sys.Apply(st, e)
		}
		for c := sys.Events(st); len(c) > 0 && st.Snap[1]&model.SnapComplete == 0; c = sys.Events(st) {
			evs = append(evs, c[0])
			sys.Apply(st, c[0])
		}
		x, err := Replay(sys, evs)
		if err != nil {
			t.Fatal(err)
		}
		if x.CompleteAt[0] >= 0 && x.CompleteAt[1] == len(evs)-1 {
			f(x, evs)
		}
	}
}

// TestSimulateViolationOrder: a simulation lists its violations in the
// order of the properties (termination, conservation, consistent cut,
// channel states, feasible), whatever order the runs found them in.
func TestSimulateViolationOrder(t *testing.T) {
	sys := withAlgorithm(t, "lecture.json", "no-channel-state")
	rep, err := Simulate(context.Background(), sys, SimulateOptions{Runs: 20, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	var props []string
	for _, v := range rep.Violations {
		props = append(props, v.Property)
	}
	if len(props) < 2 {
		t.Fatalf("violations %v; want at least two properties", props)
	}
	for i := 1; i < len(props); i++ {
		if propertyRank(props[i-1]) > propertyRank(props[i]) {
			t.Errorf("violations in the order %v, want the order of Names() %v", props, Names())
			break
		}
	}
}

// TestWitnessCountsMatchWitnesses: the witness counts of each distinct
// snapshot (SPEC §2.6) count as actual exactly the kept executions whose
// witness is actual, and as only feasible the others.
func TestWitnessCountsMatchWitnesses(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	rep, err := Check(context.Background(), sys, Options{Witnesses: 2})
	if err != nil {
		t.Fatal(err)
	}
	var total WitnessCounts
	for _, sn := range rep.Snapshots {
		s := sys.Topo.SnapshotIndex(sn.ID)
		var want WitnessCounts
		for _, evs := range sn.Executions {
			x, err := Replay(sys, evs)
			if err != nil {
				t.Fatal(err)
			}
			w := x.Witness(s)
			want.Examined++
			switch {
			case !w.Feasible:
				want.Infeasible++
			case w.Actual:
				want.Actual++
			default:
				want.FeasibleOnly++
			}
		}
		if sn.Witnesses == nil || *sn.Witnesses != want {
			t.Errorf("%s: counts %+v, want %+v", sn.Format(&sys.Topo), sn.Witnesses, want)
		}
		total.Actual += want.Actual
		total.FeasibleOnly += want.FeasibleOnly
	}
	if total.Actual == 0 || total.FeasibleOnly == 0 {
		t.Errorf("lecture: %+v; want some actual and some only feasible", total)
	}
}

// TestExplainKeepsOneSnapshot: when two snapshots complete at the
// trace's last event and both violate the property, explain describes one
// of them throughout: the snapshot it names, its message, and its recorded
// and correct values. (The model completes one snapshot per event, so the
// test moves s1's completion to the last event.)
func TestExplainKeepsOneSnapshot(t *testing.T) {
	cases := 0
	s1ThenS2(t, func(x *Execution, evs []model.Event) {
		x.CompleteAt[0] = x.CompleteAt[1]
		rec0, rec1 := x.Recorded(0), x.Recorded(1)
		if reflect.DeepEqual(rec0, rec1) {
			return
		}
		for _, p := range x.Check(0) {
			if !slices.ContainsFunc(x.Check(1), func(q Problem) bool { return q.Property == p.Property }) {
				continue
			}
			cases++
			got := explain(x, p.Property, evs)
			if got.Snapshot != "s1" || got.Recorded == nil || !reflect.DeepEqual(*got.Recorded, rec0) ||
				got.Correct == nil || !reflect.DeepEqual(*got.Correct, x.Correct(0)) {
				t.Errorf("explain(%s) names %s but gives the recorded value %v; want s1's %v", p.Property, got.Snapshot, got.Recorded, rec0)
			}
		}
	})
	if cases == 0 {
		t.Fatal("no trace where s1 and s2 violate the same property with different recorded values")
	}
}

// doneAfterFirstLook is a context that is done from its second Err on:
// interrupted after the search, while its findings are rebuilt.
type doneAfterFirstLook struct {
	context.Context
	looks int
}

func (c *doneAfterFirstLook) Err() error {
	if c.looks++; c.looks > 1 {
		return context.Canceled
	}
	return nil
}

// TestRebuildHalted: rebuilding the distinct snapshots' executions after
// the search stops when ctx is done: the report lists none of them, counts
// them as unlisted and is incomplete, never ok.
func TestRebuildHalted(t *testing.T) {
	sys := loadExample(t, "lecture.json")
	full, err := Check(context.Background(), sys, Options{})
	if err != nil || full.Verdict != OK {
		t.Fatalf("check: %v, %+v", err, full)
	}
	ctx := &doneAfterFirstLook{Context: context.Background()}
	post, err := PostSearch(context.Background(), sys, Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := post(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Incomplete || len(rep.Snapshots) != 0 || rep.Unlisted != len(full.Snapshots) ||
		!strings.Contains(rep.Stopped, "interrupted while the executions of the distinct snapshots were rebuilt") {
		t.Errorf("verdict %s, %d snapshots listed, %d unlisted (want 0 and %d), stopped %q",
			rep.Verdict, len(rep.Snapshots), rep.Unlisted, len(full.Snapshots), rep.Stopped)
	}
}

// TestHalterMemory: the halter looks at the memory at its first call (and
// at most every millisecond after), and once it has said to stop it says
// so at every call.
func TestHalterMemory(t *testing.T) {
	h := halter{ctx: context.Background(), limit: 1 << 20, start: time.Now()}
	for i := 1; i < 4; i++ {
		if why := h.why(); why != "memory limit (--max-memory 1 MB) reached while the executions of the distinct snapshots were rebuilt" {
			t.Fatalf("call %d: %q, want the memory limit", i, why)
		}
	}
	if why := (&halter{ctx: context.Background(), limit: 1 << 40, start: time.Now()}).why(); why != "" {
		t.Errorf("a limit of 1 TB: %q", why)
	}
	if why := (&halter{ctx: context.Background()}).why(); why != "" {
		t.Errorf("no limit: %q", why)
	}
}

// TestInterruptedSearchListsSnapshots: a search interrupted (ctx done)
// still lists the snapshots it found, as a search stopped by a limit does.
func TestInterruptedSearchListsSnapshots(t *testing.T) {
	sys := loadExample(t, "bench/any3n_ms1.json")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	opts := Options{Explore: explore.Options{Strategy: explore.BFS, ProgressEvery: time.Nanosecond,
		Progress: func(st explore.Stats) {
			if st.Depth >= 12 {
				cancel()
			}
		}}}
	rep, err := Check(ctx, sys, opts)
	if err != nil {
		t.Fatal(err)
	}
	if rep.Verdict != Incomplete || rep.Stopped != "interrupted" || rep.Unlisted != 0 || len(rep.Snapshots) == 0 {
		t.Errorf("verdict %s, stopped %q, %d listed, %d unlisted; want incomplete, interrupted, some listed, none unlisted",
			rep.Verdict, rep.Stopped, len(rep.Snapshots), rep.Unlisted)
	}
}
