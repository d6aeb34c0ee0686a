package model

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/bits"
	"slices"
)

// EventKind is the kind of an event of SPEC §1.2.
type EventKind uint8

// The event kinds.
const (
	Send     EventKind = iota // a node sends a transfer
	Receive                   // a node takes a message from a channel
	Initiate                  // a node starts a snapshot
	Internal                  // an algorithm's own step (late-markers' marker sends)
)

var kindNames = [...]string{"send", "recv", "initiate", "internal"}

// String is the kind's name in traces.
func (k EventKind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return fmt.Sprintf("kind(%d)", k)
}

// ParseEventKind is the inverse of EventKind.String.
func ParseEventKind(s string) (EventKind, bool) {
	for i, n := range kindNames {
		if n == s {
			return EventKind(i), true
		}
	}
	return 0, false
}

// Event is one atomic transition.
type Event struct {
	Kind    EventKind
	Node    int   // the node taking the step
	Chan    int   // Send, Receive: the channel; else -1
	Index   int   // Receive: position of the message in the channel
	Amount  int32 // Send: amount; Receive: the message's amount or payload
	Control bool  // Receive: the message is a control message (marker)
	Snap    int   // Initiate: the snapshot; Receive of a control message: its snapshot; else -1
	Action  int   // Internal: the algorithm's action
}

// Describe is a one-line description of the event, with node and channel
// names (its fields as numbers when they name no node, channel or
// snapshot of the bank).
func (s *System) Describe(e Event) string {
	t := &s.Topo
	inRange := func(i, n int) bool { return i >= 0 && i < n }
	if !inRange(e.Node, len(t.Nodes)) ||
		(e.Kind == Send || e.Kind == Receive) && !inRange(e.Chan, len(t.Chans)) ||
		(e.Kind == Initiate || e.Kind == Receive && e.Control) && !inRange(e.Snap, len(t.Snapshots)) {
		return fmt.Sprintf("event %+v", e)
	}
	switch e.Kind {
	case Send:
		return fmt.Sprintf("send %s $%d", t.ChannelName(e.Chan), e.Amount)
	case Receive:
		if e.Control {
			return fmt.Sprintf("recv %s marker(%s)", t.ChannelName(e.Chan), t.Snapshots[e.Snap])
		}
		return fmt.Sprintf("recv %s $%d", t.ChannelName(e.Chan), e.Amount)
	case Initiate:
		return fmt.Sprintf("initiate %s at %s", t.Snapshots[e.Snap], t.Nodes[e.Node])
	case Internal:
		if d, ok := s.alg.(interface {
			DescribeAction(*Topology, int, int) string
		}); ok {
			return d.DescribeAction(t, e.Node, e.Action)
		}
		return fmt.Sprintf("internal %d at %s", e.Action, t.Nodes[e.Node])
	}
	return "?"
}

// Enabled calls yield for every event enabled in st, in a fixed order:
// node by node; for each node its workload step(s), its spontaneous
// initiations, its internal actions, then its receives channel by channel.
func (s *System) Enabled(st *State, yield func(Event)) {
	var en enumerator
	for _, e := range en.all(s, st) {
		yield(e)
	}
}

// enumerator lists enabled events without allocating once warm.
type enumerator struct {
	events []Event
	nd     Node
	node   int
	yield  func(int)
}

func (en *enumerator) all(s *System, st *State) []Event {
	en.events = en.events[:0]
	c := cap(en.events)
	for i := range s.Topo.Nodes {
		en.node1(s, st, i, true)
	}
	if cap(en.events) != c { // append grew it
		en.events = moreRoom(en.events)
	}
	return en.events
}

// node1 appends node i's enabled events: its workload step(s), its
// spontaneous initiations, its internal actions and, if receives, its
// receives.
func (en *enumerator) node1(s *System, st *State, i int, receives bool) {
	t := &s.Topo
	bal := st.Balance[i]
	pc := st.PC[i]
	if s.isAny {
		if pc < s.maxSends {
			for _, ch := range t.Out[i] {
				for _, a := range s.anyAmounts {
					if a > bal {
						break
					}
					en.events = append(en.events, Event{Kind: Send, Node: i, Chan: ch, Amount: a, Snap: -1})
				}
			}
		}
	} else if int(pc) < len(s.script[i]) {
		step := s.script[i][pc]
		switch step.kind {
		case stepSend:
			if step.amount <= bal {
				en.events = append(en.events, Event{Kind: Send, Node: i, Chan: step.ch, Amount: step.amount, Snap: -1})
			}
		case stepInitiate:
			en.events = append(en.events, Event{Kind: Initiate, Node: i, Chan: -1, Snap: step.snap})
		}
	}
	if sp := s.spontaneous[i]; sp != 0 {
		for sn := range t.Snapshots {
			if sp&(1<<sn) != 0 && !st.Rec[sn*len(t.Nodes)+i].Recorded {
				en.events = append(en.events, Event{Kind: Initiate, Node: i, Chan: -1, Snap: sn})
			}
		}
	}
	if s.internal {
		if en.yield == nil {
			en.yield = func(a int) {
				en.events = append(en.events, Event{Kind: Internal, Node: en.node, Chan: -1, Snap: -1, Action: a})
			}
		}
		en.nd = Node{sys: s, st: st, i: i, curChan: -1}
		en.node = i
		s.alg.Internal(&en.nd, en.yield)
	}
	if !receives {
		return
	}
	for _, ch := range t.In[i] {
		q := st.Chans[ch]
		if len(q) == 0 {
			continue
		}
		last := 1
		if !t.FIFO {
			last = len(q)
		}
		for k := 0; k < last; k++ {
			en.events = append(en.events, receiveEvent(i, ch, k, q[k]))
		}
	}
}

// receiveEvent is the event of node i receiving message m, at index k of
// channel ch.
func receiveEvent(i, ch, k int, m Message) Event {
	e := Event{Kind: Receive, Node: i, Chan: ch, Index: k, Amount: m.Amount, Control: m.Control, Snap: -1}
	if m.Control {
		e.Snap = int(m.Snap)
	}
	return e
}

// enabled reports whether e is enabled in st: whether Enabled lists it.
// A receive is looked up in its channel, and any other event among its
// node's other events, so that a channel holding many messages (a
// non-FIFO channel makes each its own receive) is not listed at each step.
func (s *System) enabled(st *State, e Event, en *enumerator) bool {
	t := &s.Topo
	if e.Node < 0 || e.Node >= len(t.Nodes) {
		return false
	}
	if e.Kind == Receive {
		if e.Chan < 0 || e.Chan >= len(t.Chans) || t.Chans[e.Chan].To != e.Node {
			return false
		}
		q := st.Chans[e.Chan]
		last := min(len(q), 1)
		if !t.FIFO {
			last = len(q)
		}
		return e.Index >= 0 && e.Index < last && receiveEvent(e.Node, e.Chan, e.Index, q[e.Index]) == e
	}
	en.events = en.events[:0]
	en.node1(s, st, e.Node, false)
	return slices.Contains(en.events, e)
}

// Apply performs event e on st, which it changes in place. It returns the
// snapshots that this event completed, as a bit mask. The event must be
// enabled (Enabled lists it); Step checks that.
func (s *System) Apply(st *State, e Event) (completed uint32) {
	var nd Node
	return s.apply(st, e, &nd)
}

// apply is Apply with the node handle in caller-owned memory.
func (s *System) apply(st *State, e Event, nd *Node) (completed uint32) {
	t := &s.Topo
	*nd = Node{sys: s, st: st, i: e.Node, curChan: -1}
	switch e.Kind {
	case Send:
		st.Balance[e.Node] -= e.Amount
		st.PC[e.Node]++
		tag := s.alg.OnSend(nd, e.Chan)
		s.push(st, e.Chan, Message{Amount: e.Amount, Tag: tag, Pre: s.notRecorded(st, e.Node)})
	case Initiate:
		if !s.isAny && int(st.PC[e.Node]) < len(s.script[e.Node]) {
			if step := s.script[e.Node][st.PC[e.Node]]; step.kind == stepInitiate && step.snap == e.Snap {
				st.PC[e.Node]++
			}
		}
		s.alg.OnInitiate(nd, e.Snap)
		if !nd.Recorded(e.Snap) {
			nd.fail("OnInitiate did not record snapshot %s", t.Snapshots[e.Snap])
		}
	case Internal:
		s.alg.OnInternal(nd, e.Action)
	case Receive:
		q := st.Chans[e.Chan]
		m := q[e.Index]
		copy(q[e.Index:], q[e.Index+1:])
		st.Chans[e.Chan] = q[:len(q)-1]
		if m.Control {
			s.alg.OnControl(nd, e.Chan, m)
			break
		}
		nd.cur, nd.curChan, nd.receiving = m, e.Chan, true
		s.alg.OnTransfer(nd, e.Chan, m)
		nd.receiving = false
		st.Balance[e.Node] += m.Amount
		n := len(t.Nodes)
		for sn := range t.Snapshots {
			if st.Snap[sn]&SnapComplete != 0 {
				continue
			}
			bit := uint32(1) << sn
			post := st.Rec[sn*n+e.Node].Recorded
			pre := m.Pre&bit != 0
			if !post && !pre {
				st.Snap[sn] |= SnapCutBroken
			}
			if (pre && post) != (nd.recMsg&bit != 0) {
				st.Snap[sn] |= SnapChannelWrong
			}
		}
	}
	s.skipScripted(st, e.Node)
	if nd.changed {
		completed = s.complete(st)
	}
	return completed
}

// notRecorded is the mask of snapshots node i has not recorded.
func (s *System) notRecorded(st *State, i int) uint32 {
	var m uint32
	n := len(s.Topo.Nodes)
	for sn := range s.Topo.Snapshots {
		if !st.Rec[sn*n+i].Recorded {
			m |= 1 << sn
		}
	}
	return m
}

// skipScripted moves node i's script past initiations of snapshots it has
// already recorded (SPEC §5.10: they add no event).
func (s *System) skipScripted(st *State, i int) {
	if s.isAny {
		return
	}
	sc := s.script[i]
	n := len(s.Topo.Nodes)
	for int(st.PC[i]) < len(sc) {
		step := sc[st.PC[i]]
		if step.kind != stepInitiate || !st.Rec[step.snap*n+i].Recorded {
			return
		}
		st.PC[i]++
	}
}

// complete marks the snapshots that every node has now finished.
func (s *System) complete(st *State) (completed uint32) {
	n := len(s.Topo.Nodes)
	for sn := range s.Topo.Snapshots {
		if st.Snap[sn]&SnapComplete != 0 {
			continue
		}
		done := true
		for i := 0; i < n && done; i++ {
			done = st.Rec[sn*n+i].Done
		}
		if !done {
			continue
		}
		st.Snap[sn] |= SnapComplete
		completed |= 1 << sn
		bit := uint32(1) << sn
		for ch := range st.Chans {
			for _, m := range st.Chans[ch] {
				if !m.Control && m.Pre&bit != 0 {
					st.Snap[sn] |= SnapChannelWrong
				}
			}
		}
	}
	return completed
}

// Step performs e on st if it is enabled, else it returns an error and
// leaves st unchanged.
func (s *System) Step(st *State, e Event) (completed uint32, err error) {
	var en enumerator
	return s.step(st, e, &en)
}

// Stepper performs events one at a time as Step does, with scratch memory
// of its own: it allocates nothing once warm.
type Stepper struct {
	sys *System
	en  enumerator
}

// NewStepper returns a Stepper for s.
func (s *System) NewStepper() *Stepper { return &Stepper{sys: s} }

// Step is System.Step.
func (p *Stepper) Step(st *State, e Event) (completed uint32, err error) {
	return p.sys.step(st, e, &p.en)
}

// step is Step with scratch memory of the caller's.
func (s *System) step(st *State, e Event, en *enumerator) (completed uint32, err error) {
	if s.enabled(st, e, en) {
		return s.Apply(st, e), nil
	}
	return 0, fmt.Errorf("event %q is not enabled", s.Describe(e))
}

// Terminal reports whether no event is enabled in st.
func (s *System) Terminal(st *State) bool {
	var en enumerator
	return len(en.all(s, st)) == 0
}

// Events returns the events enabled in st, in Enabled's order.
func (s *System) Events(st *State) []Event {
	var en enumerator
	return en.all(s, st)
}

// Expander generates successors of encoded states for a search. It keeps
// scratch memory, so each worker needs its own.
type Expander struct {
	sys       *System
	reduce    bool
	sym       bool
	cur, next State
	lastEvent Event // the event applied to next
	ren       State
	lay       layout   // where the sections of the expanded state's encoding are
	sig       []uint64 // node signatures (symmetry reduction)
	buf, alt  []byte   // Successors' encodings
	cbuf      []byte   // Canonical's
	calt      []byte
	en        enumerator
	nd        Node
	por       por
	_         [128]byte // keeps another worker's expander off these cache lines
}

// NewExpander returns an expander for s that generates every successor.
func (s *System) NewExpander() *Expander { return &Expander{sys: s} }

// NewReducedExpander returns an expander for s that generates, in each
// state, only the events of a stubborn set of nodes (partial-order
// reduction; see por.go). Every state with no successor, and so every
// verdict and every recorded snapshot value, is preserved.
func (s *System) NewReducedExpander() *Expander { return &Expander{sys: s, reduce: true} }

// ExpanderOptions choose an expander's reductions.
type ExpanderOptions struct {
	// Reduce: partial-order reduction (see NewReducedExpander).
	Reduce bool
	// Symmetry: symmetry reduction (see symmetry.go): every state the
	// expander emits is the canonical state of its orbit under
	// s.Symmetries() (see canonical). Verdicts are preserved, and
	// recorded snapshot values up to renaming. Without symmetries it
	// changes nothing.
	Symmetry bool
}

// NewExpanderWith returns an expander for s with the given reductions.
func (s *System) NewExpanderWith(o ExpanderOptions) *Expander {
	return &Expander{sys: s, reduce: o.Reduce, sym: o.Symmetry && len(s.Symmetries()) > 0}
}

// Symmetric reports whether the expander emits canonical states (symmetry
// reduction with at least one renaming).
func (x *Expander) Symmetric() bool { return x.sym }

// Initial appends the encoded initial state to dst (canonical: renamings
// map the initial state to itself).
func (x *Expander) Initial(dst []byte) []byte { return x.sys.Initial().Encode(dst) }

// Successors decodes state and calls emit for each enabled event, in
// Enabled's order, with the encoded successor and the snapshots that the
// event completed. A reduced expander emits the events of a stubborn set.
func (x *Expander) Successors(state []byte, emit func(next []byte, note uint64)) {
	// An event changes only its node's values, the channels in and out of
	// it, and the snapshots' status (the Node handle reaches nothing else),
	// so x.next is decoded once with x.cur and put back after each event by
	// undo.
	if err := x.sys.decode(state, &x.cur, &x.next, &x.lay); err != nil {
		panic(fmt.Sprintf("snapcheck: internal error: %v", err))
	}
	for k, e := range x.Events(&x.cur) {
		if k > 0 {
			x.undo()
		}
		x.lastEvent = e
		done := x.sys.apply(&x.next, e, &x.nd)
		b := x.encodeNext(x.buf[:0], state)
		if cap(b) != cap(x.buf) { // append grew it
			b = moreRoom(b)
		}
		x.buf = b
		if x.sym {
			emit(x.canonical(&x.next, &x.buf, &x.alt), uint64(done))
			continue
		}
		emit(x.buf, uint64(done))
	}
}

// Emitted returns the state whose encoding b is, when b is the successor
// that Successors is emitting (during the call to emit) and the expander
// has not renamed it (symmetry reduction): the state is the expander's,
// to read until emit returns. Else it returns false.
func (x *Expander) Emitted(b []byte) (*State, bool) {
	if x.sym || !bytes.Equal(b, x.buf) {
		return nil, false
	}
	return &x.next, true
}

// undo makes x.next equal to x.cur again after event x.lastEvent, whose
// Node handle x.nd says what it touched: its node's values always, the
// snapshots' status, its own channel (a send's or a receive's), every
// outgoing channel if it sent control messages, the recorded state of its
// channel if it recorded the transfer, and the marks of the incoming
// channels if it set or cleared any.
func (x *Expander) undo() {
	s, cur, next, e := x.sys, &x.cur, &x.next, x.lastEvent
	i := e.Node
	t := &s.Topo
	n, c := len(t.Nodes), len(t.Chans)
	next.Balance[i], next.PC[i] = cur.Balance[i], cur.PC[i]
	copy(next.Regs[i*s.regs:(i+1)*s.regs], cur.Regs[i*s.regs:(i+1)*s.regs])
	for sn := range t.Snapshots {
		next.Rec[sn*n+i] = cur.Rec[sn*n+i]
		if x.nd.marked {
			for _, ch := range t.In[i] {
				next.Recording[sn*c+ch] = cur.Recording[sn*c+ch]
			}
		}
		if x.nd.recMsg&(1<<sn) != 0 {
			k := sn*c + e.Chan
			next.RecChan[k] = append(next.RecChan[k][:0], cur.RecChan[k]...)
		}
	}
	if e.Kind == Send || e.Kind == Receive {
		next.Chans[e.Chan] = append(next.Chans[e.Chan][:0], cur.Chans[e.Chan]...)
	}
	if x.nd.sentControl {
		for _, ch := range t.Out[i] {
			next.Chans[ch] = append(next.Chans[ch][:0], cur.Chans[ch]...)
		}
	}
	copy(next.Snap, cur.Snap)
}

// encodeNext appends x.next's encoding (after event x.lastEvent) to dst:
// Encode's, but with the recorded channel states and the channels that the
// event did not touch (see undo) copied from src, x.cur's encoding, whose
// sections x.lay holds.
func (x *Expander) encodeNext(dst, src []byte) []byte {
	t, next, e := &x.sys.Topo, &x.next, &x.lastEvent // not a copy (see push)
	c := len(t.Chans)
	if c > 64 {
		return next.Encode(dst)
	}
	var touched uint64 // the channels the event changed
	if e.Kind == Send || e.Kind == Receive {
		touched |= 1 << e.Chan
	}
	if x.nd.sentControl {
		for _, ch := range t.Out[e.Node] {
			touched |= 1 << ch
		}
	}
	lay := &x.lay
	ncodes := codeBytes(c)
	if i := e.Node; lay.packed && uint32(next.Balance[i])|uint32(next.PC[i]) < 16 && x.nd.recMsg == 0 && x.patchable() {
		// Most events: everything up to the channels' bits is src's but
		// node i's byte, registers, records and the channels' marks, and
		// the snapshots' status, which take as many bytes as before.
		start := len(dst)
		dst = append(dst, src[:lay.chans+ncodes]...)
		x.patchPacked(dst[start:])
		x.patchTail(dst[start:])
	} else {
		dst = x.appendHead(dst, src)
		if x.nd.recMsg == 0 {
			dst = append(dst, src[lay.recChans:lay.chans]...)
		} else {
			dst = next.appendRecChans(dst)
		}
		dst = append(dst, src[lay.chans:lay.chans+ncodes]...)
	}
	codes := len(dst) - ncodes
	all := uint32(1)<<len(next.Snap) - 1
	from := lay.chans + ncodes // the start of the untouched channels not yet copied
	for ; touched != 0; touched &= touched - 1 {
		ch := bits.TrailingZeros64(touched)
		start := from
		if ch > 0 {
			start = lay.chanEnd[ch-1]
		}
		dst = append(dst, src[from:start]...)
		from = lay.chanEnd[ch]
		dst[codes+ch/4] &^= 3 << (2 * (ch % 4))
		if q := next.Chans[ch]; len(q) > 0 {
			setCode(dst[codes:], ch, len(q))
			dst = appendQueue(dst, q, all)
		}
	}
	return append(dst, src[from:]...)
}

// appendHead appends x.next's head (State.appendHead's), taking from src,
// x.cur's encoding, what the event did not change: the node values but
// its node's balance and script position when the head stays packed or
// stays not packed, and the rest of the head when the event changed
// neither its node's registers nor its recordings (and the channels'
// marks when it did not set or clear any).
func (x *Expander) appendHead(dst, src []byte) []byte {
	s, cur, next, i := x.sys, &x.cur, &x.next, x.lastEvent.Node
	lay := &x.lay
	start := len(dst)
	small := uint32(next.Balance[i])|uint32(next.PC[i]) < 16
	switch {
	case lay.packed && small:
		dst = append(dst, src[:lay.tail]...)
		x.patchPacked(dst[start:])
	case !lay.packed && (!small || uint32(cur.Balance[i])|uint32(cur.PC[i]) < 16):
		n, v := len(s.Topo.Nodes), lay.vals
		dst = append(dst, src[:v[i]]...)
		dst = binary.AppendUvarint(dst, uint64(uint32(next.Balance[i])))
		dst = append(dst, src[v[i+1]:v[n+i]]...)
		dst = binary.AppendUvarint(dst, uint64(uint32(next.PC[i])))
		dst = append(dst, src[v[n+i+1]:lay.tail]...)
	default:
		// Node i's values become small while the others' may all be: the
		// state may become packed.
		return next.appendHead(dst)
	}
	if !lay.packed {
		for sn, v := range next.Snap {
			dst[start+sn] = byte(v)
		}
	}
	if !x.sameTail() {
		return next.appendTail(dst)
	}
	if x.nd.marked {
		return next.appendMarks(append(dst, src[lay.tail:lay.recChans-(len(next.Recording)+7)/8]...))
	}
	return append(dst, src[lay.tail:lay.recChans]...)
}

// patchPacked writes into head, a copy of x.cur's packed head, what the
// event changed of its values: its node's byte and the snapshots' status.
func (x *Expander) patchPacked(head []byte) {
	next, i := &x.next, x.lastEvent.Node
	for sn, v := range next.Snap {
		head[sn] = byte(v)
	}
	head[0] |= packedBit
	head[len(next.Snap)+i] = byte(next.Balance[i])<<4 | byte(next.PC[i])
}

// patchable reports whether the event left the head's tail as long as it
// was, so that patchTail can write what it changed: every register takes
// a byte, before and after, and the node's records have not changed but
// perhaps their Done.
func (x *Expander) patchable() bool {
	s, cur, next, i := x.sys, &x.cur, &x.next, x.lastEvent.Node
	if !x.lay.byteRegs {
		return false
	}
	n := len(s.Topo.Nodes)
	for sn := range next.Snap {
		a, b := next.Rec[sn*n+i], cur.Rec[sn*n+i]
		if a.Recorded != b.Recorded || a.Balance != b.Balance {
			return false
		}
	}
	r := s.regs
	for _, v := range next.Regs[i*r : (i+1)*r] {
		if uint64(v+64) >= 128 { // a zig-zag varint of more than a byte
			return false
		}
	}
	return true
}

// patchTail writes into head, a copy of x.cur's head, node i's registers
// and records and the channels' marks (patchable says they fit).
func (x *Expander) patchTail(head []byte) {
	s, next, i, lay := x.sys, &x.next, x.lastEvent.Node, &x.lay
	n, r := len(s.Topo.Nodes), s.regs
	for j, v := range next.Regs[i*r : (i+1)*r] {
		head[lay.tail+i*r+j] = byte(uint64(v)<<1 ^ uint64(v>>63))
	}
	recs := head[lay.tail+len(next.Regs):]
	for sn := range next.Snap {
		k := sn*n + i
		var v byte = 1
		if next.Rec[k].Done {
			v = 2
		} else if !next.Rec[k].Recorded {
			v = 0
		}
		recs[k/4] = recs[k/4]&^(3<<(2*(k%4))) | v<<(2*(k%4))
	}
	if x.nd.marked {
		// Only the marks of the node's incoming channels change.
		marks := head[lay.recChans-(len(next.Recording)+7)/8 : lay.recChans]
		c := len(s.Topo.Chans)
		for sn := range next.Snap {
			for _, ch := range s.Topo.In[i] {
				k := sn*c + ch
				bit := byte(1) << (k % 8)
				if next.Recording[k] {
					marks[k/8] |= bit
				} else {
					marks[k/8] &^= bit
				}
			}
		}
	}
}

// sameTail reports whether the event left the head's tail (appendTail's
// part) as it was, but perhaps the channels' marks: it changed neither
// its node's recordings nor its registers.
func (x *Expander) sameTail() bool {
	s, cur, next, i := x.sys, &x.cur, &x.next, x.lastEvent.Node
	n := len(s.Topo.Nodes)
	for sn := range next.Snap {
		if next.Rec[sn*n+i] != cur.Rec[sn*n+i] {
			return false
		}
	}
	r := s.regs
	return r == 0 || slices.Equal(next.Regs[i*r:(i+1)*r], cur.Regs[i*r:(i+1)*r])
}

// Events returns the events that Successors would follow from st, in the
// same order (for a reduced expander, those of the stubborn set). The
// slice is the expander's scratch memory.
func (x *Expander) Events(st *State) []Event {
	events := x.en.all(x.sys, st)
	if x.reduce {
		events = x.por.reduce(x.sys, st, events)
	}
	return events
}
