package properties

import (
	"fmt"
	"unsafe"

	"github.com/snapcheck/snapcheck/model"
)

// Msg is one message of a concrete execution, with its identity.
type Msg struct {
	ID      int
	Chan    int
	Amount  int32
	Control bool
	Snap    int // control messages: the snapshot; else -1
	Sent    int // index of the event that sent it; -1: in flight initially
	Recv    int // index of the event that received it; -1: still in flight
}

// Execution is a concrete execution replayed through the model, with every
// message's identity and every node's recording point.
type Execution struct {
	Sys    *model.System
	Events []model.Event
	// The states (State): states[j] is the state before event j*every;
	// every is 1 (all of them) unless they would take more than
	// stateBudget bytes. final is the state after the last event. cur,
	// when not nil, is the state before event curAt, performed from a kept
	// one.
	states []*model.State
	every  int
	bytes  int64
	final  *model.State
	cur    *model.State
	curAt  int
	Msgs   []Msg
	// Sent and Received list, per event, the messages it sent and received.
	Sent     [][]int
	Received []int // -1: the event received nothing
	// RecordAt[s][i] is the index of the event in which node i recorded
	// snapshot s, or -1.
	RecordAt [][]int
	// CompleteAt[s] is the index of the event that completed snapshot s, or -1.
	CompleteAt []int
	// Terminal reports whether the final state has no enabled event.
	Terminal bool
}

type entry struct {
	m  model.Message
	id int
}

// Replay runs events from the initial state, checking that each is
// enabled, and returns the analysed execution.
func Replay(sys *model.System, events []model.Event) (*Execution, error) {
	return replay(sys, events, stateBudget)
}

// replay is Replay with the execution's states held to budget bytes.
func replay(sys *model.System, events []model.Event, budget int64) (*Execution, error) {
	st := sys.Initial()
	sp := newStepper(sys)
	rec := newRecorder(sys, st, len(events), nil)
	rec.budget = budget
	for k, e := range events {
		completed, err := sp.step(st, e)
		if err != nil {
			return nil, fmt.Errorf("event %d: %w", k+1, err)
		}
		rec.performed(k, e, completed, st)
	}
	return rec.finish(events, st, sp), nil
}

// recorder analyses an execution as its events are performed: what
// Replay returns, for a caller that performs enabled events itself.
type recorder struct {
	x      *Execution
	mirror [][]entry // per channel: the messages in flight, with their ids
	free   *[]*model.State
	budget int64 // stateBudget
}

// newRecorder starts recording an execution of n events from initial
// state st. The execution's states reuse those in *free, if free is not
// nil.
func newRecorder(sys *model.System, st *model.State, n int, free *[]*model.State) *recorder {
	t := &sys.Topo
	x := &Execution{Sys: sys, states: make([]*model.State, 0, min(n+1, 1<<16)), every: 1}
	if n > 0 {
		x.Sent, x.Received = make([][]int, 0, n), make([]int, 0, n)
	}
	r := &recorder{x: x, free: free, budget: stateBudget}
	r.keep(st)
	mirror := make([][]entry, len(t.Chans))
	for c, q := range st.Chans {
		for _, m := range q {
			id := len(x.Msgs)
			x.Msgs = append(x.Msgs, Msg{ID: id, Chan: c, Amount: m.Amount, Snap: -1, Sent: -1, Recv: -1})
			mirror[c] = append(mirror[c], entry{m, id})
		}
	}
	x.RecordAt = make([][]int, len(t.Snapshots))
	for s := range x.RecordAt {
		x.RecordAt[s] = make([]int, len(t.Nodes))
		for i := range x.RecordAt[s] {
			x.RecordAt[s][i] = -1
		}
	}
	x.CompleteAt = make([]int, len(t.Snapshots))
	for s := range x.CompleteAt {
		x.CompleteAt[s] = -1
	}
	r.mirror = mirror
	return r
}

// clone returns a copy of st, in a free state if there is one.
func (r *recorder) clone(st *model.State) *model.State {
	if r.free == nil || len(*r.free) == 0 {
		return st.Clone()
	}
	free := *r.free
	c := free[len(free)-1]
	*r.free = free[:len(free)-1]
	c.CopyFrom(st)
	return c
}

// performed records event k, e, which was enabled and has just been
// performed on st, completing the snapshots in completed.
func (r *recorder) performed(k int, e model.Event, completed uint32, st *model.State) {
	x, mirror := r.x, r.mirror
	t := &x.Sys.Topo
	n := len(t.Nodes)
	recv := -1
	if e.Kind == model.Receive {
		recv = mirror[e.Chan][e.Index].id
		x.Msgs[recv].Recv = k
		mirror[e.Chan] = append(mirror[e.Chan][:e.Index:e.Index], mirror[e.Chan][e.Index+1:]...)
	}
	x.Received = append(x.Received, recv)
	var sent []int
	for c, q := range st.Chans {
		old := mirror[c]
		if sameMessages(old, q) {
			continue // what the loop below would copy
		}
		var nq []entry
		j := 0
		for _, m := range q {
			if j < len(old) && old[j].m == m {
				nq = append(nq, old[j])
				j++
				continue
			}
			id := len(x.Msgs)
			snap := -1
			if m.Control {
				snap = int(m.Snap)
			}
			x.Msgs = append(x.Msgs, Msg{ID: id, Chan: c, Amount: m.Amount, Control: m.Control, Snap: snap, Sent: k, Recv: -1})
			sent = append(sent, id)
			nq = append(nq, entry{m, id})
		}
		mirror[c] = nq
	}
	x.Sent = append(x.Sent, sent)
	for s := range t.Snapshots {
		if x.RecordAt[s][e.Node] < 0 && st.Rec[s*n+e.Node].Recorded {
			x.RecordAt[s][e.Node] = k
		}
		if completed&(1<<s) != 0 {
			x.CompleteAt[s] = k
		}
	}
	if (k+1)%x.every == 0 {
		r.keep(st)
	}
}

// stateBudget is what an execution's states may take before it keeps
// only some of them (State): an execution of 10,000 events whose channels
// hold 10,000 messages would take 1.6 GB with every state.
const stateBudget = 64 << 20

// keep adds a copy of st to the states kept; when they take more than
// r.budget, every other one is dropped, and only every other one kept
// from then on.
func (r *recorder) keep(st *model.State) {
	x := r.x
	x.states = append(x.states, r.clone(st))
	x.bytes += stateBytes(st)
	if x.bytes <= r.budget || len(x.states) < 3 {
		return
	}
	kept, b := x.states[:0], int64(0)
	for j, c := range x.states {
		if j%2 == 0 {
			kept = append(kept, c)
			b += stateBytes(c)
		} else if r.free != nil {
			*r.free = append(*r.free, c)
		}
	}
	clear(x.states[len(kept):])
	x.states, x.bytes, x.every = kept, b, 2*x.every
}

// stateBytes is about the memory st takes.
func stateBytes(st *model.State) int64 {
	b := int64(64 + 24*(len(st.Chans)+len(st.RecChan)) + 4*(len(st.Balance)+len(st.PC)) + 8*len(st.Regs) + 16*len(st.Rec))
	for _, q := range st.Chans {
		b += int64(len(q)) * int64(unsafe.Sizeof(model.Message{}))
	}
	for _, r := range st.RecChan {
		b += 4 * int64(len(r))
	}
	return b
}

// sameMessages reports whether the mirror of a channel holds exactly the
// messages q, in order.
func sameMessages(mirror []entry, q []model.Message) bool {
	if len(mirror) != len(q) {
		return false
	}
	for i, m := range q {
		if mirror[i].m != m {
			return false
		}
	}
	return true
}

// finish returns the execution of events, which ended in st; sp lists
// the events enabled there.
func (r *recorder) finish(events []model.Event, st *model.State, sp *stepper) *Execution {
	r.x.Events = events
	if r.x.final = r.x.states[len(r.x.states)-1]; len(events)%r.x.every != 0 {
		r.x.final = r.clone(st)
	}
	r.x.Terminal = len(sp.events(st)) == 0
	return r.x
}

// Final is the state after the last event.
func (x *Execution) Final() *model.State { return x.final }

// State is the state before event k, or after the last one when k is
// len(Events). When the execution's states would take much memory
// (stateBudget), only some are kept and the others are performed again
// from the one before, into a state of x's own: then what State returns
// is valid only until the next call, and reading in the order of the
// events is fastest.
func (x *Execution) State(k int) *model.State {
	switch {
	case k == len(x.Events):
		return x.final
	case x.every == 1:
		return x.states[k]
	}
	base := k / x.every * x.every
	if x.cur == nil || x.curAt > k || x.curAt < base {
		if x.cur == nil {
			x.cur = &model.State{}
		}
		x.cur.CopyFrom(x.states[k/x.every])
		x.curAt = base
	}
	for ; x.curAt < k; x.curAt++ {
		x.Sys.Apply(x.cur, x.Events[x.curAt])
	}
	return x.cur
}

// kept is the states x holds, for reuse once x is no longer needed.
func (x *Execution) kept() []*model.State {
	ks := x.states
	if x.final != x.states[len(x.states)-1] {
		ks = append(ks, x.final)
	}
	if x.cur != nil {
		ks = append(ks, x.cur)
	}
	return ks
}

// Pre reports whether event k is in PRE of snapshot s at its node: before
// the event in which the node recorded s (SPEC §5.2). A node that never
// recorded has every event in PRE.
func (x *Execution) Pre(s, k int) bool {
	r := x.RecordAt[s][x.Events[k].Node]
	return r < 0 || k < r
}

// sentPre reports whether message m was sent in PRE of snapshot s.
func (x *Execution) sentPre(s int, m Msg) bool { return m.Sent < 0 || x.Pre(s, m.Sent) }

// recvPost reports whether message m is received outside PRE of snapshot
// s: by an event in POST, or not yet received by a node that has recorded.
func (x *Execution) recvPost(s int, m Msg) bool {
	if m.Recv >= 0 {
		return !x.Pre(s, m.Recv)
	}
	return x.RecordAt[s][x.Sys.Topo.Chans[m.Chan].To] >= 0
}

// stepper performs events as model.System.Step does, listing the enabled
// events in scratch memory.
type stepper struct {
	sys *model.System
	x   *model.Expander // generates every successor: its Events are Step's
	p   *model.Stepper
}

func newStepper(sys *model.System) *stepper {
	return &stepper{sys: sys, x: sys.NewExpander(), p: sys.NewStepper()}
}

// events is sys.Events(st), valid until the next call.
func (s *stepper) events(st *model.State) []model.Event { return s.x.Events(st) }

// step is sys.Step(st, e): it performs e if it is enabled, else it
// returns Step's error and leaves st unchanged.
func (s *stepper) step(st *model.State, e model.Event) (uint32, error) {
	return s.p.Step(st, e)
}
