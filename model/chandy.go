package model

import "fmt"

// Variant selects Chandy–Lamport itself or one of its broken variants
// (SPEC §1.5, §5.7).
type Variant int

// The variants.
const (
	Correct         Variant = iota // Chandy–Lamport as SPEC §1.4 gives it
	NoChannelState                 // records node states only
	LateMarkers                    // each marker send after recording is an event of its own
	StopAllOnMarker                // the first marker after recording stops every channel
	NoForward                      // a node that records on a marker sends no markers
)

var variantNames = [...]string{"chandy-lamport", "no-channel-state", "late-markers", "stop-all-on-marker", "no-forward"}

// ChandyLamport is the reference algorithm for FIFO channels, or one of its
// broken variants. Registers, per snapshot s: s is the mask of incoming
// channels (by In position) on which marker(s) arrived; S+s, for
// late-markers, the outgoing channels (by Out position) whose marker is
// still to be sent, and for stop-all-on-marker, 1 once a marker has stopped
// all recording.
type ChandyLamport struct {
	Base
	Variant Variant
}

// Name is the variant's name.
func (c ChandyLamport) Name() string { return variantNames[c.Variant] }

// Registers is one per snapshot, two for late-markers and stop-all-on-marker.
func (c ChandyLamport) Registers(t *Topology) int {
	if c.Variant == LateMarkers || c.Variant == StopAllOnMarker {
		return 2 * len(t.Snapshots)
	}
	return len(t.Snapshots)
}

func (c ChandyLamport) record(n *Node, s, except int, forward bool) {
	n.Record(s)
	for _, ch := range n.In() {
		if ch != except {
			n.StartRecording(s, ch)
		}
	}
	if !forward {
		return
	}
	if c.Variant == LateMarkers {
		n.SetReg(n.Snapshots()+s, int64(1)<<len(n.Out())-1)
		return
	}
	for _, ch := range n.Out() {
		n.SendControl(ch, s, 0)
	}
}

func (c ChandyLamport) finishIfDone(n *Node, s int) {
	if n.Recorded(s) && n.Reg(s) == int64(1)<<len(n.In())-1 {
		n.Finish(s)
	}
}

// OnInitiate records, sends markers and starts recording every incoming channel.
func (c ChandyLamport) OnInitiate(n *Node, s int) {
	c.record(n, s, -1, true)
	c.finishIfDone(n, s)
}

// OnControl handles marker(s) arriving on ch.
func (c ChandyLamport) OnControl(n *Node, ch int, m Message) {
	s := int(m.Snap)
	n.SetReg(s, n.Reg(s)|int64(1)<<n.Topology().InPos[ch])
	switch {
	case !n.Recorded(s):
		c.record(n, s, ch, c.Variant != NoForward)
	case c.Variant == StopAllOnMarker:
		k := n.Snapshots() + s
		if n.Reg(k) == 0 {
			n.SetReg(k, 1)
			for _, in := range n.In() {
				n.StopRecording(s, in)
			}
		}
	default:
		n.StopRecording(s, ch)
	}
	c.finishIfDone(n, s)
}

// OnTransfer appends the transfer to every snapshot recording its channel.
func (c ChandyLamport) OnTransfer(n *Node, ch int, m Message) {
	if c.Variant == NoChannelState {
		return
	}
	for s := 0; s < n.Snapshots(); s++ {
		if n.Recording(s, ch) {
			n.RecordMessage(s)
		}
	}
}

// HasInternal reports whether the variant has internal actions: only
// late-markers does, its marker sends.
func (c ChandyLamport) HasInternal(*Topology) bool { return c.Variant == LateMarkers }

// Internal lists late-markers' pending marker sends, as s*MaxNodes+position.
func (c ChandyLamport) Internal(n *Node, yield func(int)) {
	if c.Variant != LateMarkers {
		return
	}
	for s := 0; s < n.Snapshots(); s++ {
		pending := n.Reg(n.Snapshots() + s)
		for p := 0; pending != 0; p++ {
			if pending&(1<<p) != 0 {
				yield(s*MaxNodes + p)
				pending &^= 1 << p
			}
		}
	}
}

// OnInternal sends one pending marker.
func (c ChandyLamport) OnInternal(n *Node, a int) {
	s, p := a/MaxNodes, a%MaxNodes
	k := n.Snapshots() + s
	n.SetReg(k, n.Reg(k)&^(1<<p))
	n.SendControl(n.Out()[p], s, 0)
}

// DescribeAction names late-markers' internal actions.
func (c ChandyLamport) DescribeAction(t *Topology, node, a int) string {
	s, p := a/MaxNodes, a%MaxNodes
	if a >= 0 && s < len(t.Snapshots) && p < len(t.Out[node]) {
		return fmt.Sprintf("send marker(%s) %s", t.Snapshots[s], t.ChannelName(t.Out[node][p]))
	}
	return fmt.Sprintf("internal %d at %s", a, t.Nodes[node])
}

// MaySendControl reports whether n may still send a marker on ch: while
// it has not recorded some snapshot (recording sends markers, except a
// no-forward node recording on a marker), or while late-markers still has
// that marker pending.
func (c ChandyLamport) MaySendControl(n *Node, ch int) bool {
	for s := 0; s < n.Snapshots(); s++ {
		if !n.Recorded(s) && (c.Variant != NoForward || n.Initiator(s)) {
			return true
		}
		if c.Variant == LateMarkers && n.Reg(n.Snapshots()+s)&(1<<n.Topology().OutPos[ch]) != 0 {
			return true
		}
	}
	return false
}

// PassiveTransfer: once n has recorded every snapshot, Chandy–Lamport
// reads the balance no more (it reads it only when it records), no channel
// starts being recorded again, and a transfer is recorded exactly when its
// channel is being recorded as it arrives. That holds until the transfer
// arrives when no snapshot records ch, or when ch is FIFO: only the marker
// on ch stops its recording, and that marker is behind the transfer (not
// under stop-all-on-marker, where a marker on any channel stops every
// recording). It holds for every later transfer on ch too: once n has
// recorded every snapshot, its recordings only ever stop.
func (c ChandyLamport) PassiveTransfer(n *Node, ch int) bool {
	// On a FIFO channel only a marker behind the transfer can stop the
	// channel's recording, so the transfer is recorded whenever it is
	// received, except under stop-all-on-marker, where a marker on any
	// channel stops every recording.
	inOrder := n.Topology().FIFO && c.Variant != StopAllOnMarker
	for s := 0; s < n.Snapshots(); s++ {
		if !n.Recorded(s) || (n.Recording(s, ch) && !inOrder) {
			return false
		}
	}
	return true
}

// PermuteRegisters makes Chandy–Lamport Symmetric: the marker masks are by
// In position, late-markers' pending masks by Out position, and
// stop-all-on-marker's flags name no channel.
func (c ChandyLamport) PermuteRegisters(t *Topology, in, out []int, src, dst []int64) {
	k := len(t.Snapshots)
	for s := 0; s < k; s++ {
		dst[s] = permuteMask(src[s], in)
	}
	for s := k; s < len(src); s++ {
		switch c.Variant {
		case LateMarkers:
			dst[s] = permuteMask(src[s], out)
		default:
			dst[s] = src[s]
		}
	}
}
