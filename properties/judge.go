package properties

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/snapcheck/snapcheck/model"
)

// The properties of SPEC §2, by the names reports and traces use.
const (
	Termination   = "termination"
	Conservation  = "conservation"
	ConsistentCut = "consistent-cut"
	ChannelStates = "channel-states"
	Feasibility   = "feasible"
)

// Names returns the property names in report order (a new slice each
// call).
func Names() []string { return slices.Clone(propertyOrder[:]) }

var propertyOrder = [...]string{Termination, Conservation, ConsistentCut, ChannelStates, Feasibility}

// Problem is a property that a concrete execution violates, explained.
type Problem struct {
	Property string
	Snapshot string
	Message  string
}

// SnapshotValue is a recorded global state: the balances by node id and
// the recorded channel contents by "from->to", in receive order. Channels
// that recorded nothing are left out.
type SnapshotValue struct {
	ID       string             `json:"id"`
	Nodes    map[string]int     `json:"nodes"`
	Channels map[string][]int32 `json:"channels"`
}

// Key is a canonical string for the value.
func (v SnapshotValue) Key() string {
	var b strings.Builder
	b.WriteString(v.ID)
	for _, k := range sortedKeys(v.Nodes) {
		fmt.Fprintf(&b, " %s=%d", k, v.Nodes[k])
	}
	for _, k := range sortedKeys(v.Channels) {
		fmt.Fprintf(&b, " %s=%v", k, v.Channels[k])
	}
	return b.String()
}

// CompareValues orders snapshot values: by snapshot, then by balances in
// node order, then by channel contents in channel order.
func CompareValues(t *model.Topology, a, b SnapshotValue) int {
	if c := cmp.Compare(t.SnapshotIndex(a.ID), t.SnapshotIndex(b.ID)); c != 0 {
		return c
	}
	for _, n := range t.Nodes {
		if c := cmp.Compare(a.Nodes[n], b.Nodes[n]); c != 0 {
			return c
		}
	}
	for ch := range t.Chans {
		name := t.ChannelName(ch)
		if c := slices.Compare(a.Channels[name], b.Channels[name]); c != 0 {
			return c
		}
	}
	return 0
}

// Total is the money the value holds.
func (v SnapshotValue) Total() int64 {
	var t int64
	for _, b := range v.Nodes {
		t += int64(b)
	}
	for _, c := range v.Channels {
		for _, a := range c {
			t += int64(a)
		}
	}
	return t
}

// Format renders the value in topology order, as "1:$5 2:$5 3:$2 | 2->1:[10] 3->2:[8]".
func (v SnapshotValue) Format(t *model.Topology) string {
	var parts []string
	for _, n := range t.Nodes {
		parts = append(parts, fmt.Sprintf("%s:$%d", n, v.Nodes[n]))
	}
	s := strings.Join(parts, " ")
	var chans []string
	for c := range t.Chans {
		name := t.ChannelName(c)
		if a, ok := v.Channels[name]; ok {
			chans = append(chans, fmt.Sprintf("%s:%s", name, amounts(a)))
		}
	}
	if len(chans) > 0 {
		s += " | " + strings.Join(chans, " ")
	}
	return s
}

func amounts(a []int32) string {
	parts := make([]string, len(a))
	for i, x := range a {
		parts[i] = fmt.Sprint(x)
	}
	return "[" + strings.Join(parts, ",") + "]"
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// RecordedValue is the value of snapshot s as recorded in state st.
func RecordedValue(sys *model.System, st *model.State, s int) SnapshotValue {
	t := &sys.Topo
	v := SnapshotValue{ID: t.Snapshots[s], Nodes: map[string]int{}, Channels: map[string][]int32{}}
	n, c := len(t.Nodes), len(t.Chans)
	for i, id := range t.Nodes {
		v.Nodes[id] = int(st.Rec[s*n+i].Balance)
	}
	for ch := range t.Chans {
		if r := st.RecChan[s*c+ch]; len(r) > 0 {
			v.Channels[t.ChannelName(ch)] = append([]int32(nil), r...)
		}
	}
	return v
}

// Recorded is the value of snapshot s when it completed (or at the end).
func (x *Execution) Recorded(s int) SnapshotValue {
	st := x.Final()
	if k := x.CompleteAt[s]; k >= 0 {
		st = x.State(k + 1)
	}
	return RecordedValue(x.Sys, st, s)
}

// Correct is what a correct snapshot with the same recording points would
// hold: each node's balance just before it recorded, and on each channel
// the transfers sent in PRE(sender) and received outside PRE(receiver), in
// receive order.
func (x *Execution) Correct(s int) SnapshotValue {
	t := &x.Sys.Topo
	v := SnapshotValue{ID: t.Snapshots[s], Nodes: map[string]int{}, Channels: map[string][]int32{}}
	for i, id := range t.Nodes {
		if r := x.RecordAt[s][i]; r >= 0 {
			v.Nodes[id] = int(x.State(r).Balance[i])
		}
	}
	for c := range t.Chans {
		var a []int32
		for _, id := range x.expected(s, c) {
			a = append(a, x.Msgs[id].Amount)
		}
		if len(a) > 0 {
			v.Channels[t.ChannelName(c)] = a
		}
	}
	return v
}

// expected lists the transfers that channel c's state must hold for s, in
// receive order (those still in flight last, in channel order).
func (x *Execution) expected(s, c int) []int {
	var got, flying []int
	for _, m := range x.Msgs {
		if m.Control || m.Chan != c || !x.sentPre(s, m) || !x.recvPost(s, m) {
			continue
		}
		if m.Recv >= 0 {
			got = append(got, m.ID)
		} else {
			flying = append(flying, m.ID)
		}
	}
	sort.SliceStable(got, func(i, j int) bool { return x.Msgs[got[i]].Recv < x.Msgs[got[j]].Recv })
	return append(got, flying...)
}

// recordedMsgs lists, per channel, the transfers recorded in its state
// for s, found by watching the recorded contents grow at each receive (in
// one pass over the states: they may have to be performed again, see
// State).
func (x *Execution) recordedMsgs(s int) [][]int {
	chans := len(x.Sys.Topo.Chans)
	ids := make([][]int, chans)
	limit := len(x.Events)
	if x.CompleteAt[s] >= 0 {
		limit = x.CompleteAt[s] + 1
	}
	lens := make([]int, chans)
	for c, r := range x.State(0).RecChan[s*chans : (s+1)*chans] {
		lens[c] = len(r)
	}
	for e := 0; e < limit; e++ {
		for c, r := range x.State(e + 1).RecChan[s*chans : (s+1)*chans] {
			if len(r) > lens[c] && x.Received[e] >= 0 {
				ids[c] = append(ids[c], x.Received[e])
			}
			lens[c] = len(r)
		}
	}
	return ids
}

func (x *Execution) describeMsg(id int) string {
	m := x.Msgs[id]
	t := &x.Sys.Topo
	where := "in flight initially"
	if m.Sent >= 0 {
		where = fmt.Sprintf("sent at event %d", m.Sent+1)
	}
	recv := "not yet received"
	if m.Recv >= 0 {
		recv = fmt.Sprintf("received at event %d", m.Recv+1)
	}
	return fmt.Sprintf("transfer %s $%d (%s, %s)", t.ChannelName(m.Chan), m.Amount, where, recv)
}

// Check judges snapshot s by properties 2–4 of SPEC §2 on the concrete
// execution. Only a completed snapshot is judged (SPEC §5.4).
func (x *Execution) Check(s int) []Problem {
	if x.CompleteAt[s] < 0 {
		return nil
	}
	t := &x.Sys.Topo
	sid := t.Snapshots[s]
	var ps []Problem
	rec := x.Recorded(s)
	if tot := rec.Total(); tot != x.Sys.Total() {
		ps = append(ps, Problem{Conservation, sid, fmt.Sprintf("snapshot %s records $%d in all (%s), but the bank holds $%d", sid, tot, rec.Format(t), x.Sys.Total())})
	}
	for _, m := range x.Msgs {
		if m.Control || m.Recv < 0 || m.Recv > x.CompleteAt[s] {
			continue
		}
		if x.Pre(s, m.Recv) && !x.sentPre(s, m) {
			from, to := t.Chans[m.Chan].From, t.Chans[m.Chan].To
			ps = append(ps, Problem{ConsistentCut, sid, fmt.Sprintf("%s was sent after node %s recorded %s (event %d) but received before node %s recorded it (event %d)",
				x.describeMsg(m.ID), t.Nodes[from], sid, x.RecordAt[s][from]+1, t.Nodes[to], x.RecordAt[s][to]+1)})
			break
		}
	}
	recorded := x.recordedMsgs(s)
	for c := range t.Chans {
		want, got := x.expected(s, c), recorded[c]
		if sameIDs(want, got) {
			continue
		}
		wa, ga := x.amountsOf(want), x.amountsOf(got)
		msg := fmt.Sprintf("channel %s recorded %s for %s, but a correct snapshot holds %s", t.ChannelName(c), amounts(ga), sid, amounts(wa))
		if amounts(wa) == amounts(ga) {
			msg = fmt.Sprintf("channel %s recorded %s for %s: the right amounts, but not the right transfers", t.ChannelName(c), amounts(ga), sid)
		}
		ps = append(ps, Problem{ChannelStates, sid, msg})
		break
	}
	return ps
}

func (x *Execution) amountsOf(ids []int) []int32 {
	a := make([]int32, len(ids))
	for i, id := range ids {
		a[i] = x.Msgs[id].Amount
	}
	return a
}

func sameIDs(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	as, bs := append([]int(nil), a...), append([]int(nil), b...)
	sort.Ints(as)
	sort.Ints(bs)
	for i := range as {
		if as[i] != bs[i] {
			return false
		}
	}
	return true
}

// CheckTermination judges property 1 on a maximal execution: every
// snapshot that was started must have completed.
func (x *Execution) CheckTermination() []Problem {
	if !x.Terminal {
		return nil
	}
	t := &x.Sys.Topo
	var ps []Problem
	fin := x.Final()
	n := len(t.Nodes)
	for s, sid := range t.Snapshots {
		if x.CompleteAt[s] >= 0 || !started(x.Sys, fin, s) {
			continue
		}
		var missing, waiting []string
		for i, id := range t.Nodes {
			r := fin.Rec[s*n+i]
			if !r.Recorded {
				missing = append(missing, id)
			} else if !r.Done {
				waiting = append(waiting, id)
			}
		}
		msg := fmt.Sprintf("snapshot %s never completes", sid)
		if len(missing) > 0 {
			msg += fmt.Sprintf(": node(s) %s never recorded it", strings.Join(missing, ", "))
		}
		if len(waiting) > 0 {
			msg += fmt.Sprintf("; node(s) %s recorded it but never finished", strings.Join(waiting, ", "))
		}
		ps = append(ps, Problem{Termination, sid, msg})
	}
	return ps
}

func started(sys *model.System, st *model.State, s int) bool {
	n := len(sys.Topo.Nodes)
	for i := 0; i < n; i++ {
		if st.Rec[s*n+i].Recorded {
			return true
		}
	}
	return false
}
