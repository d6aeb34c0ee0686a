package model

import (
	"encoding/binary"
	"errors"
	"hash/fnv"
	"slices"
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
	st.copyValues(o)
	st.RecChan = resize(st.RecChan, len(o.RecChan))
	for i, r := range o.RecChan {
		st.RecChan[i] = append(st.RecChan[i][:0], r...)
	}
	st.Chans = resize(st.Chans, len(o.Chans))
	for i, c := range o.Chans {
		st.Chans[i] = append(st.Chans[i][:0], c...)
	}
}

// copyValues copies o's values but the recorded channel states and the
// channels, reusing st's memory.
func (st *State) copyValues(o *State) {
	st.Balance = append(st.Balance[:0], o.Balance...)
	st.PC = append(st.PC[:0], o.PC...)
	st.Regs = append(st.Regs[:0], o.Regs...)
	st.Rec = append(st.Rec[:0], o.Rec...)
	st.Recording = append(st.Recording[:0], o.Recording...)
	st.Snap = append(st.Snap[:0], o.Snap...)
}

// copyValuesInLines is copyValues, but memory that it allocates is whole
// cache lines (see lines.go): for an expander's scratch states.
func (st *State) copyValuesInLines(o *State) {
	st.Balance, st.PC, st.Regs = grow(st.Balance, len(o.Balance)), grow(st.PC, len(o.PC)), grow(st.Regs, len(o.Regs))
	st.Rec, st.Recording, st.Snap = grow(st.Rec, len(o.Rec)), grow(st.Recording, len(o.Recording)), grow(st.Snap, len(o.Snap))
	copy(st.Balance, o.Balance)
	copy(st.PC, o.PC)
	copy(st.Regs, o.Regs)
	copy(st.Rec, o.Rec)
	copy(st.Recording, o.Recording)
	copy(st.Snap, o.Snap)
}

// resize returns s with length n, in new memory of whole cache lines (see
// lineCap) when s has no room.
func resize[T any](s [][]T, n int) [][]T {
	if cap(s) >= n {
		return s[:n]
	}
	c := make([][]T, n, lineCap[[]T](n))
	copy(c, s[:cap(s)])
	return c
}

// push appends a message to channel ch, keeping non-FIFO channels sorted.
func (s *System) push(st *State, ch int, m Message) {
	q := st.Chans[ch]
	if len(q) == cap(q) {
		q = moreRoom(q)
	}
	// Field by field into the slice: m, copied whole from the stack where
	// it was written in parts, would wait for those writes to leave the
	// store buffer (no store-to-load forwarding), and so for every write
	// before them, such as a worker's writes to lines that another
	// processor holds (lines.go).
	q = q[:len(q)+1]
	p := &q[len(q)-1]
	p.Control, p.Snap, p.Amount, p.Tag, p.Pre = m.Control, m.Snap, m.Amount, m.Tag, m.Pre
	if !s.Topo.FIFO {
		for i := len(q) - 1; i > 0 && q[i].less(q[i-1]); i-- {
			q[i], q[i-1] = q[i-1], q[i]
		}
	}
	st.Chans[ch] = q
}

// appendStable appends the stable encoding of st that trace files' state
// hashes are computed from; it changes only with the trace format version.
func (st *State) appendStable(dst []byte) []byte {
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
	if len(r.b) > 0 && r.b[0] < 0x80 {
		v := r.b[0]
		r.b = r.b[1:]
		return uint64(v)
	}
	return r.longUvarint()
}

func (r *reader) longUvarint() uint64 {
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
	if len(r.b) > 0 && r.b[0] < 0x80 {
		// One byte: binary.Varint's zig-zag of a small value.
		u := r.b[0]
		r.b = r.b[1:]
		return int64(u>>1) ^ -int64(u&1)
	}
	return r.longVarint()
}

func (r *reader) longVarint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err = errDecode
		r.b = nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *reader) bits(n int) []byte {
	k := (n + 7) / 8
	if len(r.b) < k {
		r.err = errDecode
		r.b = nil
		return make([]byte, k)
	}
	v := r.b[:k]
	r.b = r.b[k:]
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

// grow returns s with length n, in new memory of whole cache lines (see
// lineCap) when s has no room.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n, lineCap[T](n))
}

// Hash is a stable 64-bit hash (FNV-1a) of the state's canonical encoding,
// as trace files carry it.
func (st *State) Hash() uint64 {
	h := fnv.New64a()
	h.Write(st.appendStable(nil))
	return h.Sum64()
}

// Encode appends the compact, canonical binary encoding of st to dst (the
// explorer's store keys). Two states are equal exactly when their
// encodings are. It holds what appendStable does, which stays separate
// because trace hashes must not change when this encoding does. It has
// three sections, so that the expander can copy the sections and channels
// an event did not touch from the state it expands:
//   - the head (appendHead): the snapshots' status, the nodes' balances and
//     script positions (a byte per node when all are below 16, which a bit
//     of the first status says), registers and recordings;
//   - the recorded channel states (appendRecChans);
//   - the channels: two bits per channel, its length when below 3 (else 3,
//     and the length less 3 comes first in its bytes), then each non-empty
//     channel's messages (appendQueue), most of them a byte each.
func (st *State) Encode(dst []byte) []byte {
	dst = st.appendHead(dst)
	dst = st.appendRecChans(dst)
	codes := len(dst)
	dst = append(dst, make([]byte, codeBytes(len(st.Chans)))...)
	all := uint32(1)<<len(st.Snap) - 1
	for i, q := range st.Chans {
		if len(q) == 0 {
			continue
		}
		setCode(dst[codes:], i, len(q))
		dst = appendQueue(dst, q, all)
	}
	return dst
}

// codeBytes is the room of n two-bit length codes.
func codeBytes(n int) int { return (2*n + 7) / 8 }

// setCode writes the length code of entry i (min(n, 3)) into codes, where
// it was 0.
func setCode(codes []byte, i, n int) { codes[i/4] |= byte(min(n, 3)) << (2 * (i % 4)) }

// code reads the length code of entry i.
func code(codes []byte, i int) int { return int(codes[i/4] >> (2 * (i % 4)) & 3) }

// packedBit, in the first snapshot's status byte, says that balances and
// script positions take a byte per node.
const packedBit = 0x80

// packed reports whether every balance and script position is below 16.
func (st *State) packed() bool {
	if len(st.Snap) == 0 {
		return false
	}
	for i, v := range st.Balance {
		if uint32(v)|uint32(st.PC[i]) >= 16 {
			return false
		}
	}
	return true
}

// appendHead appends the first section of the encoding: the values
// (appendValues) and the rest (appendTail).
func (st *State) appendHead(dst []byte) []byte {
	return st.appendTail(st.appendValues(dst))
}

// appendValues appends the snapshots' status and the nodes' balances and
// script positions. It makes room for the longest such part once and then
// writes by index.
func (st *State) appendValues(dst []byte) []byte {
	size := maxVarint*(len(st.Balance)+len(st.PC)) + len(st.Snap)
	start := len(dst)
	dst = slices.Grow(dst, size)[:start+size]
	b := dst[start:]
	p := 0
	for _, s := range st.Snap {
		b[p] = byte(s)
		p++
	}
	if st.packed() {
		b[0] |= packedBit
		for i, v := range st.Balance {
			b[p] = byte(v)<<4 | byte(st.PC[i])
			p++
		}
	} else {
		for _, v := range st.Balance {
			p = putUvarint(b, p, uint64(uint32(v)))
		}
		for _, v := range st.PC {
			p = putUvarint(b, p, uint64(uint32(v)))
		}
	}
	return dst[:start+p]
}

// appendTail appends the rest of the head: registers, recordings and the
// channels' marks (appendMarks).
func (st *State) appendTail(dst []byte) []byte {
	size := maxVarint*(len(st.Regs)+len(st.Rec)) + len(st.Rec)/4 + 1
	start := len(dst)
	dst = slices.Grow(dst, size)[:start+size]
	b := dst[start:]
	p := 0
	for _, r := range st.Regs {
		p = putUvarint(b, p, uint64(r)<<1^uint64(r>>63)) // as binary.AppendVarint
	}
	// Two bits per record: 0 not recorded, 1 recorded, 2 done.
	var acc byte
	for i, r := range st.Rec {
		var v byte
		if r.Recorded {
			v = 1
			if r.Done {
				v = 2
			}
		}
		acc |= v << (2 * (i % 4))
		if i%4 == 3 || i == len(st.Rec)-1 {
			b[p] = acc
			p++
			acc = 0
		}
	}
	for _, r := range st.Rec {
		if r.Recorded {
			p = putUvarint(b, p, uint64(uint32(r.Balance)))
		}
	}
	return st.appendMarks(dst[:start+p])
}

// appendMarks appends a bit per snapshot and channel: whether the channel
// is being recorded (the head's last (len(st.Recording)+7)/8 bytes).
func (st *State) appendMarks(dst []byte) []byte {
	var acc8 byte
	for i, r := range st.Recording {
		if r {
			acc8 |= 1 << (i & 7)
		}
		if i&7 == 7 || i == len(st.Recording)-1 {
			dst = append(dst, acc8)
			acc8 = 0
		}
	}
	return dst
}

// appendRecChans appends the recorded channel states: a two-bit length
// code per state, as for channels, then each non-empty one's length (when
// 3 or more, less 3) and amounts.
func (st *State) appendRecChans(dst []byte) []byte {
	codes := len(dst)
	dst = append(dst, make([]byte, codeBytes(len(st.RecChan)))...)
	for i, rc := range st.RecChan {
		if len(rc) == 0 {
			continue
		}
		setCode(dst[codes:], i, len(rc))
		if len(rc) >= 3 {
			dst = binary.AppendUvarint(dst, uint64(len(rc)-3))
		}
		for _, a := range rc {
			dst = binary.AppendUvarint(dst, uint64(uint32(a)))
		}
	}
	return dst
}

// appendQueue appends a non-empty channel's bytes: its length when 3 or
// more (less 3), and its messages; all is the mask of every snapshot.
func appendQueue(dst []byte, q []Message, all uint32) []byte {
	size := maxVarint + maxMessage*len(q)
	start := len(dst)
	dst = slices.Grow(dst, size)[:start+size]
	b := dst[start:]
	p := 0
	if len(q) >= 3 {
		p = putUvarint(b, 0, uint64(len(q)-3))
	}
	for _, m := range q {
		// The common cases in one byte, as appendMessage writes them.
		switch {
		case m.Control && m.Amount == 0:
			b[p] = 1 | m.Snap<<1 | 1<<5
			p++
		case !m.Control && m.Tag == 0 && uint32(m.Amount-1) < 15 && (m.Pre == 0 || m.Pre == all):
			h := byte(m.Amount)<<1 | 1<<5
			if m.Pre != 0 {
				h |= 1 << 6
			}
			b[p] = h
			p++
		default:
			p += len(appendMessage(b[p:p], m, all))
		}
	}
	return dst[:start+p]
}

// layout is where Decode found the sections of an encoding: the recorded
// channel states begin at recChans, the channels at chans, and channel i's
// bytes end at chanEnd[i] (they begin where channel i-1's end, or after
// the channels' bits).
type layout struct {
	recChans, chans int
	chanEnd         []int
	packed          bool // balances and script positions take a byte per node
	// Not packed: node i's balance is at [vals[i], vals[i+1]) and its
	// script position at [vals[n+i], vals[n+i+1]).
	vals []int
	tail int // where appendTail's part of the head begins
	// byteRegs: every register takes a byte (so register j of the
	// registers is at tail+j, and the records' bits follow them).
	byteRegs bool
}

const (
	maxVarint  = binary.MaxVarintLen64
	maxMessage = 1 + 3*binary.MaxVarintLen64 // appendMessage's longest
)

// putUvarint writes v at b[p:] as binary.AppendUvarint would and returns
// the position after it; b has room.
func putUvarint(b []byte, p int, v uint64) int {
	if v < 0x80 {
		b[p] = byte(v)
		return p + 1
	}
	return p + binary.PutUvarint(b[p:], v)
}

// appendMessage writes a message's header byte and what it cannot hold.
// Control: bit 0 set, bits 1–4 the snapshot, bit 5 payload zero.
// Transfer: bit 0 clear, bits 1–4 the amount when 1..15 (else 0 and a
// varint), bit 5 tag zero, bits 6–7 PRE bits none (0), all (1), else (2)
// and a varint.
func appendMessage(dst []byte, m Message, all uint32) []byte {
	if m.Control {
		h := byte(1) | m.Snap<<1
		if m.Amount == 0 {
			return append(dst, h|1<<5)
		}
		return binary.AppendVarint(append(dst, h), int64(m.Amount))
	}
	var h byte
	if m.Amount >= 1 && m.Amount <= 15 {
		h |= byte(m.Amount) << 1
	}
	if m.Tag == 0 {
		h |= 1 << 5
	}
	switch m.Pre {
	case 0:
	case all:
		h |= 1 << 6
	default:
		h |= 2 << 6
	}
	dst = append(dst, h)
	if h>>1&15 == 0 {
		dst = binary.AppendUvarint(dst, uint64(uint32(m.Amount)))
	}
	if m.Tag != 0 {
		dst = binary.AppendUvarint(dst, uint64(m.Tag))
	}
	if h>>6 == 2 {
		dst = binary.AppendUvarint(dst, uint64(m.Pre))
	}
	return dst
}

// Decode sets st to the state encoded in b (by Encode, for this system),
// reusing st's memory.
func (s *System) Decode(b []byte, st *State) error {
	return s.decode(b, st, nil, nil)
}

// decode is Decode, and notes the sections' offsets in lay when it is not
// nil. When twin is not nil it sets it to the same state (a copy of st
// costs a second pass over the channels).
func (s *System) decode(b []byte, st, twin *State, lay *layout) error {
	t := &s.Topo
	n, c, k := len(t.Nodes), len(t.Chans), len(t.Snapshots)
	r := reader{b: b}
	st.Snap = grow(st.Snap, k)
	for i := range st.Snap {
		st.Snap[i] = SnapStatus(r.byte())
	}
	st.Balance = grow(st.Balance, n)
	st.PC = grow(st.PC, n)
	packed := k > 0 && st.Snap[0]&packedBit != 0
	if lay != nil {
		lay.packed = packed
	}
	if packed {
		st.Snap[0] &^= packedBit
		for i := range st.Balance {
			v := r.byte()
			st.Balance[i], st.PC[i] = int32(v>>4), int32(v&15)
		}
	} else {
		if lay != nil {
			lay.vals = grow(lay.vals, 2*n+1)
		}
		for i := range st.Balance {
			if lay != nil {
				lay.vals[i] = len(b) - len(r.b)
			}
			st.Balance[i] = int32(r.uvarint())
		}
		for i := range st.PC {
			if lay != nil {
				lay.vals[n+i] = len(b) - len(r.b)
			}
			st.PC[i] = int32(r.uvarint())
		}
		if lay != nil {
			lay.vals[2*n] = len(b) - len(r.b)
		}
	}
	if lay != nil {
		lay.tail = len(b) - len(r.b)
	}
	st.Regs = grow(st.Regs, n*s.regs)
	for i := range st.Regs {
		st.Regs[i] = r.varint()
	}
	if lay != nil {
		lay.byteRegs = len(b)-len(r.b)-lay.tail == len(st.Regs)
	}
	st.Rec = grow(st.Rec, k*n)
	var acc byte
	for i := range st.Rec {
		if i%4 == 0 {
			acc = r.byte()
		}
		switch acc >> (2 * (i % 4)) & 3 {
		case 0:
			st.Rec[i] = Record{}
		case 1:
			st.Rec[i] = Record{Recorded: true}
		case 2:
			st.Rec[i] = Record{Recorded: true, Done: true}
		default:
			return errDecode
		}
	}
	for i := range st.Rec {
		if st.Rec[i].Recorded {
			st.Rec[i].Balance = int32(r.uvarint())
		}
	}
	st.Recording = grow(st.Recording, k*c)
	bits := r.bits(k * c)
	for i := range st.Recording {
		st.Recording[i] = bits[i/8]&(1<<(i%8)) != 0
	}
	st.RecChan = resize(st.RecChan, k*c)
	if twin != nil {
		twin.copyValuesInLines(st)
		twin.RecChan = resize(twin.RecChan, k*c)
		twin.Chans = resize(twin.Chans, c)
	}
	if lay != nil {
		lay.recChans = len(b) - len(r.b)
	}
	codes := r.bits(2 * k * c)
	for i := range st.RecChan {
		st.RecChan[i] = st.RecChan[i][:0]
		if twin != nil {
			twin.RecChan[i] = twin.RecChan[i][:0]
		}
		l := uint64(code(codes, i))
		if l == 0 {
			continue
		}
		if l == 3 {
			l += r.uvarint()
		}
		if l > uint64(len(r.b)) {
			return errDecode
		}
		st.RecChan[i] = withRoom(st.RecChan[i], int(l))
		if twin != nil {
			twin.RecChan[i] = withRoom(twin.RecChan[i], int(l))
		}
		for j := uint64(0); j < l; j++ {
			a := int32(r.uvarint())
			st.RecChan[i] = append(st.RecChan[i], a)
			if twin != nil {
				twin.RecChan[i] = append(twin.RecChan[i], a)
			}
		}
	}
	all := uint32(1)<<k - 1
	st.Chans = resize(st.Chans, c)
	if lay != nil {
		lay.chans = len(b) - len(r.b)
		lay.chanEnd = grow(lay.chanEnd, c)
	}
	codes = r.bits(2 * c)
	for i := range st.Chans {
		st.Chans[i] = st.Chans[i][:0]
		if twin != nil {
			twin.Chans[i] = twin.Chans[i][:0]
		}
		l := uint64(code(codes, i))
		if l == 0 {
			if lay != nil {
				lay.chanEnd[i] = len(b) - len(r.b)
			}
			continue
		}
		if l == 3 {
			l += r.uvarint()
		}
		if l > uint64(len(r.b)) {
			return errDecode
		}
		st.Chans[i] = withRoom(st.Chans[i], int(l))
		if twin != nil {
			twin.Chans[i] = withRoom(twin.Chans[i], int(l))
		}
		for j := uint64(0); j < l; j++ {
			h := r.byte()
			// In place, field by field (see push).
			st.Chans[i] = st.Chans[i][:len(st.Chans[i])+1]
			m := &st.Chans[i][len(st.Chans[i])-1]
			if h&1 == 1 {
				m.Control, m.Snap, m.Amount, m.Tag, m.Pre = true, h>>1&15, 0, 0, 0
				if h&(1<<5) == 0 {
					m.Amount = int32(r.varint())
				}
			} else {
				m.Control, m.Snap, m.Amount, m.Tag, m.Pre = false, 0, int32(h>>1&15), 0, 0
				if m.Amount == 0 {
					m.Amount = int32(r.uvarint())
				}
				if h&(1<<5) == 0 {
					m.Tag = uint32(r.uvarint())
				}
				switch h >> 6 {
				case 1:
					m.Pre = all
				case 2:
					m.Pre = uint32(r.uvarint())
				}
			}
			if twin != nil {
				twin.Chans[i] = twin.Chans[i][:len(twin.Chans[i])+1]
				t := &twin.Chans[i][len(twin.Chans[i])-1]
				t.Control, t.Snap, t.Amount, t.Tag, t.Pre = m.Control, m.Snap, m.Amount, m.Tag, m.Pre
			}
		}
		if lay != nil {
			lay.chanEnd[i] = len(b) - len(r.b)
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
