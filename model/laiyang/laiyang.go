package laiyang

import (
	"fmt"

	"github.com/snapcheck/snapcheck/model"
)

// Names of the algorithms, as a configuration's "algorithm" field.
const (
	Name          = "lai-yang"
	NameNoTurnRed = "lai-yang-no-turn-red"
)

// LaiYang is the Lai–Yang algorithm (see the package documentation), or,
// with NoTurnRed, a broken variant of it.
type LaiYang struct {
	model.Base
	// NoTurnRed is the broken variant: a white node that receives a red
	// transfer forgets to record before taking it; it records only when a
	// control message reaches it. The transfer is then received in the
	// receiver's PRE although it was sent in its sender's POST, so the
	// snapshot is not a consistent cut (and may count the money twice).
	NoTurnRed bool
}

// New returns the correct Lai–Yang algorithm.
func New() LaiYang { return LaiYang{} }

// NewNoTurnRed returns the broken variant that forgets to turn red.
func NewNoTurnRed() LaiYang { return LaiYang{NoTurnRed: true} }

// Name is "lai-yang" or "lai-yang-no-turn-red".
func (a LaiYang) Name() string {
	if a.NoTurnRed {
		return NameNoTurnRed
	}
	return Name
}

// HasInternal reports that Lai–Yang has no internal actions
// (model.InternalActions): the model then never asks for them.
func (LaiYang) HasInternal(*model.Topology) bool { return false }

// layout is the register layout of one topology.
type layout struct {
	out, in int // largest out- and in-degree
	snaps   int
}

func layoutOf(t *model.Topology) layout {
	l := layout{snaps: len(t.Snapshots)}
	for i := range t.Nodes {
		l.out = max(l.out, len(t.Out[i]))
		l.in = max(l.in, len(t.In[i]))
	}
	return l
}

func (l layout) block() int        { return l.out + 2*l.in }
func (l layout) sent(s, p int) int { return s*l.block() + p }
func (l layout) got(s, q int) int  { return s*l.block() + l.out + q }
func (l layout) want(s, q int) int { return s*l.block() + l.out + l.in + q }
func (l layout) registers() int    { return l.snaps * l.block() }

// red reports whether a transfer's tag is red for snapshot s.
func red(tag uint32, s int) bool { return tag&(1<<s) != 0 }

// colour is the tag of a transfer the node sends now: a bit per snapshot
// it has recorded.
func colour(n *model.Node) (tag uint32) {
	for s := 0; s < n.Snapshots(); s++ {
		if n.Recorded(s) {
			tag |= 1 << s
		}
	}
	return tag
}

// Registers is, per snapshot, one register per outgoing channel and two per
// incoming channel of the node with the most.
func (a LaiYang) Registers(t *model.Topology) int { return layoutOf(t).registers() }

// OnInitiate records the snapshot.
func (a LaiYang) OnInitiate(n *model.Node, s int) { a.record(n, s) }

// OnSend colours the transfer with the snapshots the node has recorded and
// counts it on its channel for every snapshot it has not.
func (a LaiYang) OnSend(n *model.Node, ch int) uint32 {
	l := layoutOf(n.Topology())
	p := n.Topology().OutPos[ch]
	for s := 0; s < n.Snapshots(); s++ {
		if !n.Recorded(s) {
			k := l.sent(s, p)
			n.SetReg(k, n.Reg(k)+1)
		}
	}
	return colour(n)
}

// OnTransfer turns the node red for every snapshot the transfer is red for
// (unless NoTurnRed), then counts the transfer on its channel for every
// snapshot it is white for, and records it in that channel's state if the
// node has recorded that snapshot.
func (a LaiYang) OnTransfer(n *model.Node, ch int, m model.Message) {
	l := layoutOf(n.Topology())
	q := n.Topology().InPos[ch]
	for s := 0; s < n.Snapshots(); s++ {
		if red(m.Tag, s) {
			if !n.Recorded(s) && !a.NoTurnRed {
				a.record(n, s)
			}
			continue
		}
		if n.Done(s) {
			// Cannot happen: the node finished s only after taking every
			// white transfer of s on every incoming channel.
			panic(&model.ContractError{Algorithm: a.Name(), Reason: fmt.Sprintf("node %s: white transfer of %s after finishing it", n.ID(), n.Topology().Snapshots[s])})
		}
		k := l.got(s, q)
		n.SetReg(k, n.Reg(k)+1)
		if n.Recorded(s) {
			n.RecordMessage(s)
		}
		a.progress(n, l, s, ch)
	}
}

// OnControl records the snapshot if the node has not, then notes the
// channel's count of white transfers.
func (a LaiYang) OnControl(n *model.Node, ch int, m model.Message) {
	s := int(m.Snap)
	if !n.Recorded(s) {
		a.record(n, s)
	}
	l := layoutOf(n.Topology())
	n.SetReg(l.want(s, n.Topology().InPos[ch]), int64(m.Amount)+1)
	a.progress(n, l, s, ch)
}

// record records s, sends every outgoing channel's count of white transfers
// in a control message, and starts recording every incoming channel.
func (a LaiYang) record(n *model.Node, s int) {
	l := layoutOf(n.Topology())
	n.Record(s)
	for p, ch := range n.Out() {
		n.SendControl(ch, s, int32(n.Reg(l.sent(s, p))))
		n.SetReg(l.sent(s, p), 0)
	}
	for _, ch := range n.In() {
		n.StartRecording(s, ch)
	}
	// No count has arrived yet (a control message makes its receiver
	// record first), so only a node without incoming channels is done.
	a.finishIfDone(n, l, s)
}

// complete reports whether incoming channel position q has delivered all
// its white transfers of s.
func complete(n *model.Node, l layout, s, q int) bool {
	w := n.Reg(l.want(s, q))
	return w != 0 && n.Reg(l.got(s, q)) == w-1
}

// progress stops recording channel ch once it is complete, and finishes s
// when every channel is.
func (a LaiYang) progress(n *model.Node, l layout, s, ch int) {
	if !n.Recorded(s) {
		return
	}
	q := n.Topology().InPos[ch]
	if complete(n, l, s, q) && n.Recording(s, ch) {
		n.StopRecording(s, ch)
	}
	a.finishIfDone(n, l, s)
}

func (a LaiYang) finishIfDone(n *model.Node, l layout, s int) {
	if !n.Recorded(s) || n.Done(s) {
		return
	}
	for q := range n.In() {
		if !complete(n, l, s, q) {
			return
		}
	}
	n.Finish(s)
	for q := range n.In() {
		n.SetReg(l.got(s, q), 0)
		n.SetReg(l.want(s, q), 0)
	}
}

// MaySendControl reports whether node n may still send a control message
// on its outgoing channel ch: only while it has some snapshot left to
// record, since recording is the only time it sends them. It makes the
// explorer's partial-order reduction (model.ControlPlanner) effective.
func (a LaiYang) MaySendControl(n *model.Node, ch int) bool {
	for s := 0; s < n.Snapshots(); s++ {
		if !n.Recorded(s) {
			return true
		}
	}
	return false
}

var _ model.ControlPlanner = LaiYang{}

// PermuteRegisters makes Lai–Yang model.Symmetric: every register is a
// count by Out or In position, and colours and counts name no node.
func (a LaiYang) PermuteRegisters(t *model.Topology, in, out []int, src, dst []int64) {
	l := layoutOf(t)
	clear(dst)
	for s := 0; s < l.snaps; s++ {
		for p, q := range out {
			dst[l.sent(s, q)] = src[l.sent(s, p)]
		}
		for p, q := range in {
			dst[l.got(s, q)] = src[l.got(s, p)]
			dst[l.want(s, q)] = src[l.want(s, p)]
		}
	}
}
