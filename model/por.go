package model

// Partial-order reduction by stubborn sets of nodes.
//
// Every event is taken by one node and touches only that node's own state
// (balance, workload position, registers, recording), removes a message
// from one of its incoming channels and appends messages to its outgoing
// channels. Channels have one sender and one receiver, so two events of
// different nodes commute whenever both are enabled: an append at the tail
// and the removal of a message already in the channel give the same state
// in either order, and neither disables the other. (The ghost information
// keeps that true: a message's PRE bits are its sender's, the cut and
// channel flags depend only on the receiver's history, because a node's
// recording freezes when it finishes, and the flag for a transfer missed
// by a channel state is one bit whether the transfer arrives before or
// after completion.)
//
// What other nodes can do to a node i is enable new events of i: a message
// sent on an empty FIFO channel to i, or any message on a non-FIFO channel
// to i, is a new receive of i. So a set N of nodes is stubborn in a state
// when, for every node j in N and every incoming channel c of j whose
// sender k is outside N, c is FIFO and non-empty (a new message queues
// behind the head and creates no new event), or k can never send on c
// again, or k can send only transfers on c and j will take every one of
// them passively (PassiveTransfers: the receive commutes with every event
// of j and enables none) while no amount of money would enable a send of
// j that its balance forbids now. The stubborn set T is then every event
// of N's nodes but those passive receives (the receives of transfers sent
// on such a channel after this state; a non-FIFO channel left out this
// way holds no transfer now, for an enabled passive receive is followed
// alone before any stubborn set is sought): nothing outside T can enable
// an event of T or disable one, and every event outside T commutes with
// every enabled event of T. Expanding only T's enabled events (Valmari's
// conditions D0–D2 hold: every enabled event of T is a key event)
// preserves every reachable state with no successor; the state graph is
// acyclic, so no cycle proviso is needed.
// Snapshots are recorded and judged in states that persist to the end of
// every execution (a completed snapshot's values and flags are frozen: a
// node's recording freezes when it finishes, which the built-in
// algorithms do only once every recording of the snapshot has stopped), so
// verdicts and distinct snapshots are preserved too; the figures (states,
// transitions, executions) are those of the reduced graph.

// ControlPlanner is an optional interface of an Algorithm that sharpens
// partial-order reduction: MaySendControl reports whether node n may still
// send a control message on its outgoing channel ch in some future event.
// Without it the explorer assumes it may. A wrong "false" makes the
// reduction unsound.
type ControlPlanner interface {
	MaySendControl(n *Node, ch int) bool
}

// PassiveTransfers is an optional interface of an Algorithm that sharpens
// partial-order reduction further. PassiveTransfer(n, ch) returning true
// promises, for the transfer at the head of n's incoming channel ch and
// for every transfer that arrives on ch later, whatever happens first:
// receiving it now, or after any events n may take before it, has the same
// effect (OnTransfer does the same for it, and records it or not alike);
// receiving it enables and disables none of n's events (but the next
// message on ch, and sends that n's balance could not pay for before); and
// no method of n reads n's balance or acts differently for the transfers
// that arrived on ch before or after its other events. Such a receive
// commutes with every other event: the reduction follows it alone, and
// leaves out of a stubborn set the nodes that can only send n such
// transfers. A wrong "true" makes the reduction unsound.
type PassiveTransfers interface {
	PassiveTransfer(n *Node, ch int) bool
}

type por struct {
	count  []int
	member []bool
	best   []bool
	stack  []int
	nd     Node
}

// maySend reports whether node k may send on its outgoing channel c in
// some future event a message that would give its receiver an event that
// does not commute with the receiver's others: a control message, or a
// transfer unless the receiver takes every transfer on c passively from
// now on (PassiveTransfers).
func (s *System) maySend(st *State, k, c int, nd *Node) bool {
	if s.planner == nil {
		return true
	}
	var transfers bool // k's workload may still send on c
	if s.isAny {
		transfers = st.PC[k] < s.maxSends
	} else {
		transfers = s.scriptSends[k][st.PC[k]]&(1<<s.Topo.OutPos[c]) != 0
	}
	j := s.Topo.Chans[c].To
	if transfers && (s.passive == nil || s.moneyEnables(st, j)) {
		return true
	}
	*nd = Node{sys: s, st: st, i: k, curChan: -1}
	if s.planner.MaySendControl(nd, c) {
		return true
	}
	if !transfers {
		return false
	}
	*nd = Node{sys: s, st: st, i: j, curChan: -1}
	return !s.passive.PassiveTransfer(nd, c)
}

// moneyEnables reports whether receiving money could enable a send of node
// j that its balance now forbids.
func (s *System) moneyEnables(st *State, j int) bool {
	if s.isAny {
		return st.PC[j] < s.maxSends && len(s.anyAmounts) > 0 && st.Balance[j] < s.anyAmounts[len(s.anyAmounts)-1]
	}
	pc := int(st.PC[j])
	return pc < len(s.script[j]) && s.script[j][pc].kind == stepSend && s.script[j][pc].amount > st.Balance[j]
}

// reduce filters events (in Enabled's order) to those of the smallest
// stubborn set of nodes that has an enabled event; ties go to the lowest
// node index.
func (p *por) reduce(s *System, st *State, events []Event) []Event {
	n := len(s.Topo.Nodes)
	if s.passive != nil {
		for k, e := range events {
			if e.Kind == Receive && !e.Control {
				p.nd = Node{sys: s, st: st, i: e.Node, curChan: -1}
				if s.passive.PassiveTransfer(&p.nd, e.Chan) {
					return events[k : k+1]
				}
			}
		}
	}
	p.count, p.member, p.best = grow(p.count, n), grow(p.member, n), grow(p.best, n)
	clear(p.count)
	for _, e := range events {
		p.count[e.Node]++
	}
	bestSize := len(events)
	found := false
	for i := 0; i < n; i++ {
		if p.count[i] == 0 {
			continue
		}
		size, ok := p.closure(s, st, i, bestSize)
		if ok && size < bestSize {
			bestSize, found = size, true
			copy(p.best, p.member)
		}
	}
	if !found {
		return events
	}
	out := events[:0]
	for _, e := range events {
		if p.best[e.Node] {
			out = append(out, e)
		}
	}
	return out
}

// closure computes the stubborn set of nodes that contains i into
// p.member and returns its number of enabled events; it gives up (false)
// once that reaches limit.
func (p *por) closure(s *System, st *State, i, limit int) (int, bool) {
	t := &s.Topo
	clear(p.member)
	p.member[i] = true
	if cap(p.stack) == 0 {
		p.stack = moreRoom(p.stack)
	}
	p.stack = append(p.stack[:0], i)
	size := p.count[i]
	for len(p.stack) > 0 {
		if size >= limit {
			return size, false
		}
		j := p.stack[len(p.stack)-1]
		p.stack = p.stack[:len(p.stack)-1]
		for _, c := range t.In[j] {
			k := t.Chans[c].From
			if p.member[k] {
				continue
			}
			if t.FIFO && len(st.Chans[c]) > 0 {
				continue
			}
			if !s.maySend(st, k, c, &p.nd) {
				continue
			}
			p.member[k] = true
			size += p.count[k]
			if len(p.stack) == cap(p.stack) {
				p.stack = moreRoom(p.stack)
			}
			p.stack = append(p.stack, k)
		}
	}
	return size, size < limit
}
