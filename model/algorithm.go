package model

import "fmt"

// Algorithm is a snapshot algorithm: the behaviour a node adds to the bank.
// The model calls it inside the events of SPEC §1.2; everything it does
// through its *Node happens inside that event, atomically.
//
// The contract:
//   - Determinism: a method's effects depend only on its arguments and on
//     what the *Node shows (balance, registers, recording state). No clocks,
//     randomness, goroutines or state kept outside the node's registers: the
//     explorer merges equal states and replays traces, so hidden state would
//     make it unsound.
//   - Per-node state lives in Registers(t) int64 registers (zero at the
//     start; Registers is called once, by Build, and every node gets that
//     many) and in the recording state the model keeps for every snapshot
//     (Record, StartRecording, RecordMessage, Finish). Registers are part of
//     the global state: two states that differ only in a register the
//     algorithm will never read again are still two states, so clear what
//     is spent (a counter, a pending bit) to let the explorer merge them.
//   - Messages: a transfer carries the tag OnSend returned for it (part of
//     the state, so every distinct tag splits states); a control message,
//     sent with SendControl from any method, carries a snapshot index and an
//     int32 payload. An algorithm reads Message.Tag of transfers and
//     Message.Snap and Message.Amount of control messages, never
//     Message.Pre, which is the checker's ghost information. On non-FIFO
//     channels any message in flight, control or transfer, may be received
//     next; on FIFO channels the oldest.
//   - Transfers in flight in the initial state (a configuration's
//     in_flight) were sent before anything was recorded: when it builds the
//     initial state, the model calls OnSend for each of them, in the
//     configuration's order, on its sender, so that their tags and any
//     counts the algorithm keeps cover them too.
//   - Recording: a node's recorded value is its balance at Record. A
//     channel's recorded value is built only with RecordMessage, during
//     OnTransfer, from the transfer being received (whether the channel is
//     marked with StartRecording does not matter to RecordMessage; the
//     marks are what renderings show as "recording"). Finish says the node
//     has done its part of a snapshot: from then on the node's recorded
//     values for it are frozen (RecordMessage and StartRecording do nothing)
//     and the marks of its incoming channels are cleared. A snapshot
//     completes when every node has finished it. (Freezing at Finish keeps
//     everything a node records a function of its own history, which is
//     what makes partial-order reduction sound.)
//   - OnInitiate must record the snapshot. OnSend must not record. OnTransfer
//     runs before the transfer's amount is added to the balance, so a node
//     that records there records its balance without that transfer.
//   - Progress: every internal action must change the state in a way that
//     cannot be undone (for example clear a pending bit), so that every
//     execution is finite.
//
// A method that breaks the contract is a bug of the algorithm: the model
// panics with a *ContractError, which the checker reports as an error.
type Algorithm interface {
	// Name is the algorithm's name, as a configuration's "algorithm" field.
	Name() string
	// Registers is how many int64 registers each node needs.
	Registers(t *Topology) int
	// OnInitiate is node n spontaneously (or by its script) starting snapshot s.
	OnInitiate(n *Node, s int)
	// OnSend is node n sending a transfer on channel ch (or, while the
	// initial state is built, having sent one of the transfers in flight in
	// it); it returns the tag carried by the transfer (for example its
	// colour).
	OnSend(n *Node, ch int) uint32
	// OnTransfer is node n receiving transfer m on channel ch, before its
	// amount is credited.
	OnTransfer(n *Node, ch int, m Message)
	// OnControl is node n receiving control message m (a marker) on channel ch.
	OnControl(n *Node, ch int, m Message)
	// Internal calls yield for each internal action enabled at node n, in a
	// fixed order. Each is an event of its own.
	Internal(n *Node, yield func(action int))
	// OnInternal performs internal action a of node n.
	OnInternal(n *Node, a int)
}

// Base gives an Algorithm no-op OnSend, OnControl, Internal and OnInternal;
// embed it and override what the algorithm needs.
type Base struct{}

// OnSend tags nothing.
func (Base) OnSend(*Node, int) uint32 { return 0 }

// OnControl ignores control messages.
func (Base) OnControl(*Node, int, Message) {}

// Internal has no internal actions.
func (Base) Internal(*Node, func(int)) {}

// OnInternal does nothing.
func (Base) OnInternal(*Node, int) {}

// InternalActions is an optional interface of an Algorithm: HasInternal
// reports whether, on topology t, Internal may ever yield an action. When
// it reports false the model never calls Internal (which it otherwise
// asks of every node in every state). A wrong "false" hides events.
type InternalActions interface {
	HasInternal(t *Topology) bool
}

// ContractError is an algorithm breaking the contract of Algorithm.
type ContractError struct {
	Algorithm string
	Reason    string
}

// Error names the algorithm and the rule of the contract it broke.
func (e *ContractError) Error() string {
	return fmt.Sprintf("algorithm %s breaks the model's contract: %s", e.Algorithm, e.Reason)
}

// Node is an algorithm's view of one node during one event. It is valid
// only during the call that receives it.
type Node struct {
	sys     *System
	st      *State
	i       int
	cur     Message // transfer being received, during OnTransfer (receiving)
	curChan int
	// receiving: OnTransfer is running (cur is held by value, so that an
	// event allocates nothing)
	receiving bool
	recMsg    uint32 // snapshots the current transfer was recorded for
	changed   bool   // some snapshot's Finish happened in this event
	// What the event touched beyond its node's values, for Expander.undo.
	sentControl bool // SendControl: any outgoing channel
	marked      bool // StartRecording, StopRecording, Finish: the incoming channels' marks
}

func (n *Node) fail(format string, args ...any) {
	panic(&ContractError{Algorithm: n.sys.alg.Name(), Reason: fmt.Sprintf("node %s: ", n.ID()) + fmt.Sprintf(format, args...)})
}

// Index is the node's index in the topology.
func (n *Node) Index() int { return n.i }

// ID is the node's id in the configuration.
func (n *Node) ID() string { return n.sys.Topo.Nodes[n.i] }

// Topology is the bank's topology.
func (n *Node) Topology() *Topology { return &n.sys.Topo }

// Balance is the node's current balance.
func (n *Node) Balance() int { return int(n.st.Balance[n.i]) }

// In lists the node's incoming channels; do not modify it.
func (n *Node) In() []int { return n.sys.Topo.In[n.i] }

// Out lists the node's outgoing channels; do not modify it.
func (n *Node) Out() []int { return n.sys.Topo.Out[n.i] }

// Snapshots is the number of snapshots of the configuration.
func (n *Node) Snapshots() int { return len(n.sys.Topo.Snapshots) }

// Initiator reports whether the node is an initiator of snapshot s.
func (n *Node) Initiator(s int) bool { return n.sys.Topo.Initiators[s]&(1<<n.i) != 0 }

// Reg returns register k.
func (n *Node) Reg(k int) int64 {
	if uint(k) >= uint(n.sys.regs) {
		n.fail("reads register %d of %d", k, n.sys.regs)
	}
	return n.st.Regs[n.i*n.sys.regs+k]
}

// SetReg sets register k.
func (n *Node) SetReg(k int, v int64) {
	if uint(k) >= uint(n.sys.regs) {
		n.fail("writes register %d of %d", k, n.sys.regs)
	}
	n.st.Regs[n.i*n.sys.regs+k] = v
}

func (n *Node) rec(s int) *Record {
	n.checkSnap(s)
	return &n.st.Rec[s*len(n.sys.Topo.Nodes)+n.i]
}

func (n *Node) checkSnap(s int) {
	if uint(s) >= uint(len(n.sys.Topo.Snapshots)) {
		n.fail("snapshot %d does not exist (there are %d)", s, len(n.sys.Topo.Snapshots))
	}
}

// Recorded reports whether the node has recorded snapshot s.
func (n *Node) Recorded(s int) bool { return n.rec(s).Recorded }

// Record records the node's state (its balance) for snapshot s.
func (n *Node) Record(s int) {
	r := n.rec(s)
	if r.Recorded {
		n.fail("records snapshot %s twice", n.sys.Topo.Snapshots[s])
	}
	r.Recorded = true
	r.Balance = n.st.Balance[n.i]
}

// Done reports whether the node has finished its part of snapshot s.
func (n *Node) Done(s int) bool { return n.rec(s).Done }

// Finish says the node has finished its part of snapshot s.
func (n *Node) Finish(s int) {
	r := n.rec(s)
	if !r.Recorded {
		n.fail("finishes snapshot %s before recording it", n.sys.Topo.Snapshots[s])
	}
	if !r.Done {
		r.Done = true
		n.changed, n.marked = true, true
		c := len(n.sys.Topo.Chans)
		for _, ch := range n.sys.Topo.In[n.i] {
			n.st.Recording[s*c+ch] = false
		}
	}
}

func (n *Node) checkIn(ch int) {
	if ch < 0 || ch >= len(n.sys.Topo.Chans) || n.sys.Topo.Chans[ch].To != n.i {
		n.fail("channel %d is not one of its incoming channels", ch)
	}
}

// Recording reports whether incoming channel ch is being recorded for s.
func (n *Node) Recording(s, ch int) bool {
	n.checkSnap(s)
	n.checkIn(ch)
	return n.st.Recording[s*len(n.sys.Topo.Chans)+ch]
}

// StartRecording starts recording incoming channel ch for snapshot s. It
// does nothing once the node has finished s.
func (n *Node) StartRecording(s, ch int) {
	n.checkIn(ch)
	if !n.rec(s).Done {
		n.st.Recording[s*len(n.sys.Topo.Chans)+ch] = true
		n.marked = true
	}
}

// StopRecording stops recording incoming channel ch for snapshot s.
func (n *Node) StopRecording(s, ch int) {
	n.checkSnap(s)
	n.checkIn(ch)
	n.st.Recording[s*len(n.sys.Topo.Chans)+ch] = false
	n.marked = true
}

// RecordMessage appends the transfer being received (only during
// OnTransfer) to the recorded state of its channel for snapshot s. It does
// nothing once the node has finished s.
func (n *Node) RecordMessage(s int) {
	if !n.receiving {
		n.fail("RecordMessage outside OnTransfer")
	}
	n.checkSnap(s)
	if n.recMsg&(1<<s) != 0 {
		n.fail("records the same transfer twice for snapshot %s", n.sys.Topo.Snapshots[s])
	}
	if n.rec(s).Done {
		return // frozen since the node finished s
	}
	n.recMsg |= 1 << s
	k := s*len(n.sys.Topo.Chans) + n.curChan
	if r := n.st.RecChan[k]; len(r) == cap(r) {
		n.st.RecChan[k] = moreRoom(r)
	}
	n.st.RecChan[k] = append(n.st.RecChan[k], n.cur.Amount)
}

// SendControl sends a control message (a marker) for snapshot s with a
// payload on outgoing channel ch.
func (n *Node) SendControl(ch, s int, payload int32) {
	if ch < 0 || ch >= len(n.sys.Topo.Chans) || n.sys.Topo.Chans[ch].From != n.i {
		n.fail("channel %d is not one of its outgoing channels", ch)
	}
	n.checkSnap(s)
	n.sentControl = true
	n.sys.push(n.st, ch, Message{Control: true, Snap: uint8(s), Amount: payload})
}
