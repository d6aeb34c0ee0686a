package properties

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/snapcheck/snapcheck/model"
)

// Witness is the reordering witness of SPEC §2.5 for one snapshot of a
// concrete execution, and whether the recorded state actually occurred
// (§2.6).
//
// The witness is built constructively: the PRE events (SPEC §5.2) in a
// topological order of the happens-before graph, then the POST events in
// one; each half keeps the real order wherever happens-before allows. The
// PRE events are replayed through the model from the initial state and the
// bank (balances and transfer amounts in flight) is compared with the
// recorded global state; then the POST events are replayed and the bank is
// compared with the execution's real final state. Every event is replayed,
// marker receives and algorithm steps included: a receive names its
// message by identity and is re-resolved to that message's position in the
// channel at that point of the witness.
type Witness struct {
	Snapshot string
	// Judged is false when the snapshot did not complete in the execution;
	// only completed snapshots are judged (SPEC §5.4) and the other fields
	// then say nothing.
	Judged bool
	// Value is the recorded global state.
	Value SnapshotValue
	// Pre and Post are event indices (original positions, from 0), in
	// witness order.
	Pre, Post []int
	// Feasible reports that PRE is closed under happens-before, that
	// replaying PRE reaches exactly the recorded state and that replaying
	// POST from there reaches the real final state.
	Feasible bool
	// Reason, when not feasible, names the offending message, the first
	// event that could not be replayed, or the first differing part of the
	// state.
	Reason string
	// Closed reports that PRE is closed under happens-before: no transfer
	// received in PRE was sent in POST. Only then does the witness order
	// respect happens-before.
	Closed bool
	// FailedEvent is the event the reason names (a receive in PRE of a
	// message sent in POST, or the event that could not be replayed), or -1.
	FailedEvent int
	// ModelReplay reports that the witness was replayed through the model,
	// every event included. It is false when a control message (a marker,
	// typically of another snapshot) was sent in POST and received in PRE:
	// no order that puts PRE first can then be replayed through the model,
	// and since markers do not constrain the verdict (SPEC §5.6) the
	// witness is replayed on the bank alone (sends and transfer receives).
	ModelReplay bool
	// CrossingMarker is, when ModelReplay is false, the first such control
	// message's send and receive events; else -1, -1.
	CrossingMarker [2]int
	// SameFinal reports that the witness order, replayed through the
	// model, ends in exactly the real final model state, algorithm state
	// and ghost information included (the verdict compares only the bank).
	SameFinal bool
	// Actual reports that the real execution passed through the recorded
	// state (compared on the bank after every prefix of the real order);
	// ActualAt is then the length of the first such prefix.
	Actual   bool
	ActualAt int
	// ActualReason names, when not actual, the pair of events whose real
	// order kept the recorded state from occurring; Blocking holds them
	// (a POST event, then a PRE event that came after it), or -1, -1.
	ActualReason string
	Blocking     [2]int
}

// Order is the witness order: the PRE events, then the POST events.
func (w *Witness) Order() []int { return append(append([]int(nil), w.Pre...), w.Post...) }

// Sequence is the witness in short, with events numbered from 1 as in
// the real order: "pre… | snapshot | post…".
func (w *Witness) Sequence() string {
	num := func(ks []int) string {
		parts := make([]string, len(ks))
		for i, k := range ks {
			parts[i] = fmt.Sprint(k + 1)
		}
		return strings.Join(parts, " ")
	}
	return strings.TrimSpace(num(w.Pre) + " | " + w.Snapshot + " | " + num(w.Post))
}

// Witness computes the witness of snapshot s and judges properties 5 and
// 6 of SPEC §2 on the execution.
func (x *Execution) Witness(s int) *Witness {
	t := &x.Sys.Topo
	w := &Witness{Snapshot: t.Snapshots[s], FailedEvent: -1, ActualAt: -1, Blocking: [2]int{-1, -1}, CrossingMarker: [2]int{-1, -1}}
	if x.CompleteAt[s] < 0 {
		w.Reason = fmt.Sprintf("snapshot %s did not complete in this execution, so it is not judged", w.Snapshot)
		return w
	}
	w.Judged = true
	w.Value = x.Recorded(s)
	// Every happens-before edge goes forward in the real order, so the
	// real order of the PRE (POST) events is the topological order that
	// HBGraph.Order gives them; the graph itself is not needed.
	for k := range x.Events {
		if x.Pre(s, k) {
			w.Pre = append(w.Pre, k)
		} else {
			w.Post = append(w.Post, k)
		}
	}
	want := newBankTarget(x.Sys, w.Value)
	x.judgeActual(s, w, want)
	if reason, ev := x.closed(s); reason != "" {
		w.Reason, w.FailedEvent = reason, ev
		return w
	}
	w.Closed = true
	w.ModelReplay = true
	for _, m := range x.Msgs {
		if m.Control && m.Sent >= 0 && m.Recv >= 0 && x.Pre(s, m.Recv) && !x.Pre(s, m.Sent) && (w.ModelReplay || m.Recv < w.CrossingMarker[1]) {
			w.ModelReplay = false
			w.CrossingMarker = [2]int{m.Sent, m.Recv}
		}
	}
	var r replayer = &modelReplay{x: x, st: x.Sys.Initial(), sp: newStepper(x.Sys)}
	if !w.ModelReplay {
		r = newBankReplay(x)
	}
	if reason, ev := x.replay(r, w.Pre); reason != "" {
		w.Reason, w.FailedEvent = reason, ev
		return w
	}
	if d := diffRecorded(x.Sys, r, want, w.Value); d != "" {
		w.Reason = "after the PRE events " + d
		return w
	}
	if reason, ev := x.replay(r, w.Post); reason != "" {
		w.Reason, w.FailedEvent = reason, ev
		return w
	}
	fin := x.Final()
	if d := diffFinal(x.Sys, r, want, fin); d != "" {
		w.Reason = "after the POST events " + d
		return w
	}
	if m, ok := r.(*modelReplay); ok {
		w.SameFinal = slices.Equal(m.st.Encode(nil), fin.Encode(nil))
	}
	w.Feasible = true
	return w
}

// closed checks that PRE of snapshot s is closed under happens-before: no
// transfer received in PRE was sent in POST. It names the first offending
// message (by receive). Process order cannot leave PRE, which is a prefix
// of each node, so only the transfers (HBGraph's transfer edges) are
// looked at.
func (x *Execution) closed(s int) (string, int) {
	bad := -1
	for i, m := range x.Msgs {
		if !m.Control && m.Sent >= 0 && m.Recv >= 0 && x.Pre(s, m.Recv) && !x.Pre(s, m.Sent) &&
			(bad < 0 || m.Recv < x.Msgs[bad].Recv || m.Recv == x.Msgs[bad].Recv && m.Sent < x.Msgs[bad].Sent) {
			bad = i
		}
	}
	if bad < 0 {
		return "", -1
	}
	m := x.Msgs[bad]
	return fmt.Sprintf("PRE is not closed under happens-before: transfer %s $%d received at event %d (PRE) was sent at event %d (POST)",
		x.Sys.Topo.ChannelName(m.Chan), m.Amount, m.Recv+1, m.Sent+1), m.Recv
}

// replayer performs events of an execution, in any order, on some state.
type replayer interface {
	// apply performs event k, or says why it cannot.
	apply(k int) error
	// bank is the bank part of the current state.
	bank() SnapshotValue
}

// replay performs events ks with r, in that order. It returns the reason
// and the event when one cannot be performed.
func (x *Execution) replay(r replayer, ks []int) (string, int) {
	for _, k := range ks {
		if err := r.apply(k); err != nil {
			return fmt.Sprintf("event %d (%s) cannot be replayed in the witness order: %v", k+1, x.Sys.Describe(x.Events[k]), err), k
		}
	}
	return "", -1
}

// modelReplay replays events through the model, re-resolving each
// receive to its message's position in the channel at that point: the
// model's receive names a position, which on a non-FIFO channel depends on
// what else is in flight. Equal messages are interchangeable in the
// model's state, so the first equal one is taken.
type modelReplay struct {
	x  *Execution
	st *model.State
	sp *stepper
}

func (r *modelReplay) apply(k int) error {
	e := r.x.Events[k]
	if e.Kind == model.Receive {
		m := r.x.State(k).Chans[e.Chan][e.Index]
		j := slices.Index(r.st.Chans[e.Chan], m)
		if j < 0 {
			return fmt.Errorf("its message is not in the channel at that point")
		}
		e.Index = j
	}
	_, err := r.sp.step(r.st, e)
	return err
}

func (r *modelReplay) bank() SnapshotValue { return bankValue(r.x.Sys, r.st) }

// bankReplay replays events on the bank alone: balances and the transfers
// in flight, by identity. Sends debit their node, transfer receives take
// their transfer from its channel (on a FIFO channel it must be the first
// transfer in flight) and credit their node; every other event leaves the
// bank as it is.
type bankReplay struct {
	x   *Execution
	bal []int64
	ch  [][]int // per channel: transfers in flight by id, oldest first
}

func newBankReplay(x *Execution) *bankReplay {
	r := &bankReplay{x: x, ch: make([][]int, len(x.Sys.Topo.Chans))}
	for _, b := range x.State(0).Balance {
		r.bal = append(r.bal, int64(b))
	}
	for _, m := range x.Msgs {
		if m.Sent < 0 && !m.Control {
			r.ch[m.Chan] = append(r.ch[m.Chan], m.ID)
		}
	}
	return r
}

func (r *bankReplay) apply(k int) error {
	x := r.x
	node := x.Events[k].Node
	if id := x.Received[k]; id >= 0 && !x.Msgs[id].Control {
		m := x.Msgs[id]
		j := slices.Index(r.ch[m.Chan], id)
		switch {
		case j < 0:
			return fmt.Errorf("its transfer is not in the channel at that point")
		case j > 0 && x.Sys.Topo.FIFO:
			return fmt.Errorf("its transfer is not at the head of the FIFO channel")
		}
		r.ch[m.Chan] = slices.Delete(r.ch[m.Chan], j, j+1)
		r.bal[node] += int64(m.Amount)
	}
	for _, id := range x.Sent[k] {
		if m := x.Msgs[id]; !m.Control {
			if r.bal[node] < int64(m.Amount) {
				return fmt.Errorf("node %s holds only $%d", x.Sys.Topo.Nodes[node], r.bal[node])
			}
			r.bal[node] -= int64(m.Amount)
			r.ch[m.Chan] = append(r.ch[m.Chan], id)
		}
	}
	return nil
}

func (r *bankReplay) bank() SnapshotValue {
	t := &r.x.Sys.Topo
	v := SnapshotValue{Nodes: map[string]int{}, Channels: map[string][]int32{}}
	for i, id := range t.Nodes {
		v.Nodes[id] = int(r.bal[i])
	}
	for c, ids := range r.ch {
		if len(ids) > 0 {
			v.Channels[t.ChannelName(c)] = r.x.amountsOf(ids)
		}
	}
	return v
}

// bankValue is the bank part of a state in the shape of a snapshot value:
// balances and the transfer amounts in flight per channel (head first).
func bankValue(sys *model.System, st *model.State) SnapshotValue {
	t := &sys.Topo
	v := SnapshotValue{Nodes: map[string]int{}, Channels: map[string][]int32{}}
	for i, id := range t.Nodes {
		v.Nodes[id] = int(st.Balance[i])
	}
	for c := range t.Chans {
		var a []int32
		for _, m := range st.Chans[c] {
			if !m.Control {
				a = append(a, m.Amount)
			}
		}
		if len(a) > 0 {
			v.Channels[t.ChannelName(c)] = a
		}
	}
	return v
}

// bankDiff compares a bank with want (balances, and channel contents by
// amounts: sequences on FIFO channels, multisets otherwise) and names the
// first difference, or returns "". what names want in the message.
func bankDiff(sys *model.System, have, want SnapshotValue, what string) string {
	t := &sys.Topo
	for _, id := range t.Nodes {
		if have.Nodes[id] != want.Nodes[id] {
			return fmt.Sprintf("node %s holds $%d but %s $%d", id, have.Nodes[id], what, want.Nodes[id])
		}
	}
	for c := range t.Chans {
		name := t.ChannelName(c)
		a, b := have.Channels[name], want.Channels[name]
		if !t.FIFO {
			a, b = slices.Clone(a), slices.Clone(b)
			slices.Sort(a)
			slices.Sort(b)
		}
		if !slices.Equal(a, b) {
			return fmt.Sprintf("channel %s holds %s but %s %s", name, amounts(a), what, amounts(b))
		}
	}
	return ""
}

// bankTarget is a bank to compare states with, as bankDiff compares
// bankValue's: balances per node, and transfer amounts per channel (sorted
// when channels are not FIFO, so compared as multisets).
type bankTarget struct {
	bal  []int
	ch   [][]int32
	scr  []int32
	fifo bool
}

func newBankTarget(sys *model.System, v SnapshotValue) *bankTarget {
	t := &sys.Topo
	b := &bankTarget{bal: make([]int, len(t.Nodes)), ch: make([][]int32, len(t.Chans)), fifo: t.FIFO}
	for i, id := range t.Nodes {
		b.bal[i] = v.Nodes[id]
	}
	for c := range t.Chans {
		b.ch[c] = v.Channels[t.ChannelName(c)]
		if !b.fifo {
			b.ch[c] = slices.Clone(b.ch[c])
			slices.Sort(b.ch[c])
		}
	}
	return b
}

// holds reports whether bankDiff finds no difference between st's bank
// and the target.
func (b *bankTarget) holds(st *model.State) bool {
	for i, want := range b.bal {
		if int(st.Balance[i]) != want {
			return false
		}
	}
	for c, want := range b.ch {
		b.scr = b.scr[:0]
		for _, m := range st.Chans[c] {
			if !m.Control {
				b.scr = append(b.scr, m.Amount)
			}
		}
		if !b.fifo {
			slices.Sort(b.scr)
		}
		if !slices.Equal(b.scr, want) {
			return false
		}
	}
	return true
}

// diffRecorded is bankDiff between r's bank and the recorded value v,
// whose target is want: on the model's state, a bank that holds is told
// without building it.
func diffRecorded(sys *model.System, r replayer, want *bankTarget, v SnapshotValue) string {
	if m, ok := r.(*modelReplay); ok && want.holds(m.st) {
		return ""
	}
	return bankDiff(sys, r.bank(), v, "the snapshot recorded")
}

// diffFinal is bankDiff between r's bank and the real final state fin's;
// want lends its scratch memory.
func diffFinal(sys *model.System, r replayer, want *bankTarget, fin *model.State) string {
	if m, ok := r.(*modelReplay); ok && want.sameBank(m.st, fin) {
		return ""
	}
	return bankDiff(sys, r.bank(), bankValue(sys, fin), "the real execution ends with")
}

// sameBank reports whether bankDiff finds no difference between the banks
// of states a and b.
func (b *bankTarget) sameBank(a, c *model.State) bool {
	if !slices.Equal(a.Balance, c.Balance) {
		return false
	}
	for ch := range a.Chans {
		b.scr = b.scr[:0]
		for _, m := range a.Chans[ch] {
			if !m.Control {
				b.scr = append(b.scr, m.Amount)
			}
		}
		mid := len(b.scr)
		for _, m := range c.Chans[ch] {
			if !m.Control {
				b.scr = append(b.scr, m.Amount)
			}
		}
		x, y := b.scr[:mid], b.scr[mid:]
		if !b.fifo {
			slices.Sort(x)
			slices.Sort(y)
		}
		if !slices.Equal(x, y) {
			return false
		}
	}
	return true
}

// judgeActual decides property 6: whether some prefix of the real order
// ends in the recorded state; if none does, it names the first POST event
// that came before a PRE event, and the first such PRE event.
func (x *Execution) judgeActual(s int, w *Witness, want *bankTarget) {
	for k := 0; k <= len(x.Events); k++ {
		if want.holds(x.State(k)) {
			w.Actual, w.ActualAt = true, k
			return
		}
	}
	firstPost := -1
	for k := range x.Events {
		if !x.Pre(s, k) {
			if firstPost < 0 {
				firstPost = k
			}
			continue
		}
		if firstPost >= 0 {
			w.Blocking = [2]int{firstPost, k}
			w.ActualReason = fmt.Sprintf("event %d (%s, POST) came before event %d (%s, PRE)",
				firstPost+1, x.Sys.Describe(x.Events[firstPost]), k+1, x.Sys.Describe(x.Events[k]))
			return
		}
	}
	w.ActualReason = "every PRE event came before every POST event, yet the real execution never held the recorded state"
}

// WriteWitness renders the witness of snapshot s as text: the real order
// with PRE/POST labels, the reordered sequence (pre… | snapshot | post…)
// and the actual-or-feasible verdict.
func WriteWitness(w io.Writer, x *Execution, s int) error {
	wt := x.Witness(s)
	t := &x.Sys.Topo
	var b strings.Builder
	if !wt.Judged {
		fmt.Fprintf(&b, "Witness for %s: %s.\n", wt.Snapshot, wt.Reason)
		_, err := io.WriteString(w, b.String())
		return err
	}
	val := wt.Value.Format(t)
	fmt.Fprintf(&b, "Snapshot %s recorded %s\n", wt.Snapshot, val)
	fmt.Fprintf(&b, "Real order (PRE: before its node recorded %s; POST: from the recording event on):\n", wt.Snapshot)
	line := func(k int) {
		part := "POST"
		if x.Pre(s, k) {
			part = "PRE"
		}
		e := x.Events[k]
		fmt.Fprintf(&b, "  %3d  %-4s  %-4s  %s\n", k+1, part, t.Nodes[e.Node], x.Sys.Describe(e))
	}
	fmt.Fprintf(&b, "    #  part  node  event\n")
	for k := range x.Events {
		line(k)
	}
	if wt.Closed {
		fmt.Fprintf(&b, "Witness (respects happens-before; every PRE event first):\n")
	} else {
		fmt.Fprintf(&b, "Every PRE event first (this order cannot respect happens-before):\n")
	}
	fmt.Fprintf(&b, "    #  part  node  event\n")
	for _, k := range wt.Pre {
		line(k)
	}
	fmt.Fprintf(&b, "  ---------------- snapshot %s: %s\n", wt.Snapshot, val)
	for _, k := range wt.Post {
		line(k)
	}
	fmt.Fprintf(&b, "In short: %s\n", wt.Sequence())
	if !wt.ModelReplay && wt.CrossingMarker[0] >= 0 {
		m := wt.CrossingMarker
		fmt.Fprintf(&b, "The marker sent at event %d (POST) is received at event %d (PRE): no PRE-first order runs through the model,\n", m[0]+1, m[1]+1)
		fmt.Fprintf(&b, "so the witness is replayed on the bank alone (markers do not constrain feasibility, SPEC §5.6).\n")
	}
	switch {
	case !wt.Feasible:
		fmt.Fprintf(&b, "Verdict: not feasible — %s.\n", wt.Reason)
	case wt.Actual:
		fmt.Fprintf(&b, "Replaying the PRE events reaches exactly the recorded state; replaying the POST events from there reaches the real final state.\n")
		when := fmt.Sprintf("after event %d", wt.ActualAt)
		if wt.ActualAt == 0 {
			when = "in its initial state"
		}
		fmt.Fprintf(&b, "Verdict: actual — the execution passed through the recorded state %s.\n", when)
	default:
		fmt.Fprintf(&b, "Replaying the PRE events reaches exactly the recorded state; replaying the POST events from there reaches the real final state.\n")
		fmt.Fprintf(&b, "Verdict: feasible, not actual — the execution never passed through the recorded state: %s.\n", wt.ActualReason)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WitnessCounts is, for one distinct snapshot, how many executions that
// record it were examined constructively, and how many of them actually
// passed through the recorded state or only could have (SPEC §2.6).
type WitnessCounts struct {
	Examined     int `json:"examined"`
	Actual       int `json:"actual"`
	FeasibleOnly int `json:"feasible_only"`
	// Infeasible counts executions whose snapshot the state-based checks
	// also reject (a violation of properties 2–4).
	Infeasible int `json:"infeasible,omitempty"`
}

// crossCheck builds the witness of every execution kept for each distinct
// snapshot (Options.Witnesses of them) and counts actual and only feasible
// ones (countWitnesses).
func crossCheck(sys *model.System, rep *Report, workers int) error {
	return parallelFor(len(rep.Snapshots), workers, func(_, i int) error {
		return countWitnesses(sys, &rep.Snapshots[i], nil)
	})
}

// countWitnesses builds the witness of every execution of snapshot sn and
// sets its counts. xs[j], if there is one and it is not nil, is execution j
// already replayed. The constructive check must agree with the state-based
// ones: a snapshot that passes them but has no witness is an internal
// inconsistency, reported as an error.
func countWitnesses(sys *model.System, sn *Snapshot, xs []*Execution) error {
	t := &sys.Topo
	s := t.SnapshotIndex(sn.ID)
	c := &WitnessCounts{}
	for j, evs := range sn.Executions {
		var x *Execution
		if j < len(xs) {
			x = xs[j]
		}
		if x == nil {
			var err error
			if x, err = Replay(sys, evs); err != nil {
				return fmt.Errorf("internal error: snapshot %s, execution %d: %w", sn.ID, j+1, err)
			}
		}
		w := x.Witness(s)
		c.Examined++
		switch {
		case !w.Judged:
			return fmt.Errorf("internal error: snapshot %s (%s), execution %d: the snapshot did not complete", sn.ID, sn.Format(t), j+1)
		case !w.Feasible:
			if x.CompleteAt[s] >= 0 && len(StateViolations(sys, x.State(x.CompleteAt[s]+1), s)) == 0 {
				return fmt.Errorf("internal inconsistency: snapshot %s (%s) passes the state-based checks in execution %d of %d events, but its constructive feasibility check fails: %s",
					sn.ID, sn.Format(t), j+1, len(evs), w.Reason)
			}
			c.Infeasible++
		case w.Actual:
			c.Actual++
		default:
			c.FeasibleOnly++
		}
	}
	sn.Witnesses = c
	return nil
}

// explainFeasibility runs the constructive check on the counterexample of
// every violation of properties 2–4 and records why its snapshot has no
// witness. A counterexample whose snapshot does have one (possible only
// when equal amounts hide the wrong transfers, SPEC §5.5 against §5.6)
// says so.
func explainFeasibility(sys *model.System, rep *Report) {
	for i := range rep.Violations {
		v := &rep.Violations[i]
		s := sys.Topo.SnapshotIndex(v.Snapshot)
		if s < 0 || v.Property == Termination || len(v.Events) == 0 {
			continue
		}
		x, err := Replay(sys, v.Events)
		if err != nil {
			continue // explain already replayed it; nothing to add
		}
		switch w := x.Witness(s); {
		case !w.Judged:
		case !w.Feasible:
			v.Feasibility = "not feasible: " + w.Reason
		default:
			v.Feasibility = "feasible when channel contents are compared by amounts (SPEC §5.6), though not the right transfers"
		}
	}
}
