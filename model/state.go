package model

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
)

// Message is a message in flight: a transfer of Amount, or a control
// message (a marker) of snapshot Snap carrying Amount as its payload.
type Message struct {
	Control bool
	Snap    uint8  // control messages: the snapshot
	Amount  int32  // transfer amount, or control payload
	Tag     uint32 // transfers: the tag the sender's algorithm attached
	// Pre is ghost information for the properties, not seen by algorithms:
	// bit s is set when the transfer was sent in PRE(sender) of snapshot s
	// (or was in flight in the initial state).
	Pre uint32
}

func (m Message) less(o Message) bool {
	if m.Control != o.Control {
		return !m.Control
	}
	if m.Snap != o.Snap {
		return m.Snap < o.Snap
	}
	if m.Amount != o.Amount {
		return m.Amount < o.Amount
	}
	if m.Tag != o.Tag {
		return m.Tag < o.Tag
	}
	return m.Pre < o.Pre
}

// Record is one node's recording of one snapshot.
type Record struct {
	Recorded bool
	Done     bool
	Balance  int32 // the node's balance when it recorded
}

// SnapStatus is what the model tracks of a snapshot for the properties.
type SnapStatus uint8

// Bits of SnapStatus.
const (
	// SnapComplete: every node has finished the snapshot; its recorded
	// values are frozen.
	SnapComplete SnapStatus = 1 << iota
	// SnapCutBroken: a transfer sent outside PRE(sender) was received in
	// PRE(receiver) before completion.
	SnapCutBroken
	// SnapChannelWrong: a transfer that some channel state must hold (sent
	// in PRE(sender), received outside PRE(receiver)) was not recorded, or a
	// transfer that no channel state may hold was recorded. Set at the
	// receive (before completion) or, for such transfers still in flight, at
	// completion.
	SnapChannelWrong
)

// SnapLeftInFlight is SnapChannelWrong (one bit, so that the state does not
// depend on whether a wrongly missed transfer was received before or after
// completion).
const SnapLeftInFlight = SnapChannelWrong

// State is a global state of the bank (SPEC §1.1) with the ghost
// information that makes every property a property of the state.
type State struct {
	Balance   []int32     // per node
	PC        []int32     // per node: script position, or sends made ("any")
	Regs      []int64     // algorithm registers, node-major
	Rec       []Record    // per snapshot and node: Rec[s*nodes+i]
	Recording []bool      // per snapshot and channel: Recording[s*chans+c]
	RecChan   [][]int32   // per snapshot and channel: recorded amounts, in receive order
	Chans     [][]Message // per channel: messages in flight (FIFO: head first; else sorted)
	Snap      []SnapStatus
}

// Clone returns a deep copy.
func (st *State) Clone() *State {
	c := &State{}
	c.CopyFrom(st)
	return c
}

// CopyFrom makes st a deep copy of o, reusing st's memory.
func (st *State) CopyFrom(o *State) {
	st.Balance = append(st.Balance[:0], o.Balance...)
	st.PC = append(st.PC[:0], o.PC...)
	st.Regs = append(st.Regs[:0], o.Regs...)
	st.Rec = append(st.Rec[:0], o.Rec...)
	st.Recording = append(st.Recording[:0], o.Recording...)
	st.Snap = append(st.Snap[:0], o.Snap...)
	st.RecChan = resize(st.RecChan, len(o.RecChan))
	for i, r := range o.RecChan {
		st.RecChan[i] = append(st.RecChan[i][:0], r...)
	}
	st.Chans = resize(st.Chans, len(o.Chans))
	for i, c := range o.Chans {
		st.Chans[i] = append(st.Chans[i][:0], c...)
	}
}

func resize[T any](s [][]T, n int) [][]T {
	if cap(s) >= n {
		return s[:n]
	}
	return append(s[:cap(s)], make([][]T, n-cap(s))...)
}

// push appends a message to channel ch, keeping non-FIFO channels sorted.
func (s *System) push(st *State, ch int, m Message) {
	q := append(st.Chans[ch], m)
	if !s.Topo.FIFO {
		for i := len(q) - 1; i > 0 && q[i].less(q[i-1]); i-- {
			q[i], q[i-1] = q[i-1], q[i]
		}
	}
	st.Chans[ch] = q
}

// Encode appends the canonical binary encoding of st to dst. Two states
// are equal exactly when their encodings are.
func (st *State) Encode(dst []byte) []byte {
	for _, b := range st.Balance {
		dst = binary.AppendUvarint(dst, uint64(uint32(b)))
	}
	for _, p := range st.PC {
		dst = binary.AppendUvarint(dst, uint64(uint32(p)))
	}
	for _, r := range st.Regs {
		dst = binary.AppendVarint(dst, r)
	}
	for _, r := range st.Rec {
		switch {
		case !r.Recorded:
			dst = append(dst, 0)
		case r.Done:
			dst = append(dst, 2)
			dst = binary.AppendUvarint(dst, uint64(uint32(r.Balance)))
		default:
			dst = append(dst, 1)
			dst = binary.AppendUvarint(dst, uint64(uint32(r.Balance)))
		}
	}
	var bits byte
	for i, r := range st.Recording {
		if r {
			bits |= 1 << (i % 8)
		}
		if i%8 == 7 || i == len(st.Recording)-1 {
			dst = append(dst, bits)
			bits = 0
		}
	}
	for _, s := range st.Snap {
		dst = append(dst, byte(s))
	}
	for _, rc := range st.RecChan {
		dst = binary.AppendUvarint(dst, uint64(len(rc)))
		for _, a := range rc {
			dst = binary.AppendUvarint(dst, uint64(uint32(a)))
		}
	}
	for _, q := range st.Chans {
		dst = binary.AppendUvarint(dst, uint64(len(q)))
		for _, m := range q {
			if m.Control {
				dst = append(dst, 1+2*m.Snap)
				dst = binary.AppendVarint(dst, int64(m.Amount))
				continue
			}
			dst = append(dst, 0)
			dst = binary.AppendUvarint(dst, uint64(uint32(m.Amount)))
			dst = binary.AppendUvarint(dst, uint64(m.Tag))
			dst = binary.AppendUvarint(dst, uint64(m.Pre))
		}
	}
	return dst
}

var errDecode = errors.New("malformed state encoding")

type reader struct {
	b   []byte
	err error
}

func (r *reader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err = errDecode
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errDecode
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) byte() byte {
	if len(r.b) == 0 {
		r.err = errDecode
		return 0
	}
	v := r.b[0]
	r.b = r.b[1:]
	return v
}

// Decode sets st to the state encoded in b (by Encode for this system),
// reusing st's memory.
func (s *System) Decode(b []byte, st *State) error {
	t := &s.Topo
	n, c, k := len(t.Nodes), len(t.Chans), len(t.Snapshots)
	r := reader{b: b}
	st.Balance = grow(st.Balance, n)
	for i := range st.Balance {
		st.Balance[i] = int32(r.uvarint())
	}
	st.PC = grow(st.PC, n)
	for i := range st.PC {
		st.PC[i] = int32(r.uvarint())
	}
	st.Regs = grow(st.Regs, n*s.regs)
	for i := range st.Regs {
		st.Regs[i] = r.varint()
	}
	st.Rec = grow(st.Rec, k*n)
	for i := range st.Rec {
		switch r.byte() {
		case 0:
			st.Rec[i] = Record{}
		case 1:
			st.Rec[i] = Record{Recorded: true, Balance: int32(r.uvarint())}
		case 2:
			st.Rec[i] = Record{Recorded: true, Done: true, Balance: int32(r.uvarint())}
		default:
			return errDecode
		}
	}
	st.Recording = grow(st.Recording, k*c)
	var bits byte
	for i := range st.Recording {
		if i%8 == 0 {
			bits = r.byte()
		}
		st.Recording[i] = bits&(1<<(i%8)) != 0
	}
	st.Snap = grow(st.Snap, k)
	for i := range st.Snap {
		st.Snap[i] = SnapStatus(r.byte())
	}
	st.RecChan = resize(st.RecChan, k*c)
	for i := range st.RecChan {
		l := r.uvarint()
		if l > uint64(len(r.b)) {
			return errDecode
		}
		st.RecChan[i] = st.RecChan[i][:0]
		for j := uint64(0); j < l; j++ {
			st.RecChan[i] = append(st.RecChan[i], int32(r.uvarint()))
		}
	}
	st.Chans = resize(st.Chans, c)
	for i := range st.Chans {
		l := r.uvarint()
		if l > uint64(len(r.b)) {
			return errDecode
		}
		st.Chans[i] = st.Chans[i][:0]
		for j := uint64(0); j < l; j++ {
			h := r.byte()
			var m Message
			if h&1 == 1 {
				m = Message{Control: true, Snap: (h - 1) / 2, Amount: int32(r.varint())}
			} else {
				m = Message{Amount: int32(r.uvarint()), Tag: uint32(r.uvarint()), Pre: uint32(r.uvarint())}
			}
			st.Chans[i] = append(st.Chans[i], m)
		}
	}
	if r.err != nil {
		return r.err
	}
	if len(r.b) != 0 {
		return errDecode
	}
	return nil
}

func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// Hash is a stable 64-bit hash (FNV-1a) of the state's canonical encoding,
// as trace files carry it.
func (st *State) Hash() uint64 {
	h := fnv.New64a()
	h.Write(st.Encode(nil))
	return h.Sum64()
}
