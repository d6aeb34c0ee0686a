package model

import (
	"fmt"
	"unsafe"
)

// PassiveReceive reports whether the algorithm of s promises (through
// PassiveTransfers) that e, an enabled receive of a transfer in st, is
// passive.
func PassiveReceive(s *System, st *State, e Event) bool {
	if e.Kind != Receive || e.Control {
		return false
	}
	return PassiveChannel(s, st, e.Node, e.Chan)
}

// PassiveChannel reports whether the algorithm of s promises that node i
// takes the transfers on its incoming channel ch passively.
func PassiveChannel(s *System, st *State, i, ch int) bool {
	if s.passive == nil {
		return false
	}
	nd := Node{sys: s, st: st, i: i, curChan: -1}
	return s.passive.PassiveTransfer(&nd, ch)
}

// ScratchRange is one of an expander's scratch slices: its name and the
// bytes of its memory (up to its capacity).
type ScratchRange struct {
	Name       string
	Start, End uintptr
}

// Scratch lists x's scratch slices that hold memory.
func Scratch(x *Expander) []ScratchRange {
	var out []ScratchRange
	add := func(name string, p unsafe.Pointer, n uintptr) {
		if n > 0 {
			out = append(out, ScratchRange{name, uintptr(p), uintptr(p) + n})
		}
	}
	addState := func(name string, st *State) {
		add(name+".Balance", unsafe.Pointer(unsafe.SliceData(st.Balance)), uintptr(cap(st.Balance))*unsafe.Sizeof(int32(0)))
		add(name+".PC", unsafe.Pointer(unsafe.SliceData(st.PC)), uintptr(cap(st.PC))*unsafe.Sizeof(int32(0)))
		add(name+".Regs", unsafe.Pointer(unsafe.SliceData(st.Regs)), uintptr(cap(st.Regs))*unsafe.Sizeof(int64(0)))
		add(name+".Rec", unsafe.Pointer(unsafe.SliceData(st.Rec)), uintptr(cap(st.Rec))*unsafe.Sizeof(Record{}))
		add(name+".Recording", unsafe.Pointer(unsafe.SliceData(st.Recording)), uintptr(cap(st.Recording)))
		add(name+".Snap", unsafe.Pointer(unsafe.SliceData(st.Snap)), uintptr(cap(st.Snap))*unsafe.Sizeof(SnapStatus(0)))
		add(name+".RecChan", unsafe.Pointer(unsafe.SliceData(st.RecChan)), uintptr(cap(st.RecChan))*unsafe.Sizeof([]int32(nil)))
		add(name+".Chans", unsafe.Pointer(unsafe.SliceData(st.Chans)), uintptr(cap(st.Chans))*unsafe.Sizeof([]Message(nil)))
		for i, r := range st.RecChan {
			add(fmt.Sprintf("%s.RecChan[%d]", name, i), unsafe.Pointer(unsafe.SliceData(r)), uintptr(cap(r))*unsafe.Sizeof(int32(0)))
		}
		for i, q := range st.Chans {
			add(fmt.Sprintf("%s.Chans[%d]", name, i), unsafe.Pointer(unsafe.SliceData(q)), uintptr(cap(q))*unsafe.Sizeof(Message{}))
		}
	}
	addState("cur", &x.cur)
	addState("next", &x.next)
	addState("ren", &x.ren)
	for _, b := range []struct {
		name string
		b    []byte
	}{{"buf", x.buf}, {"alt", x.alt}, {"cbuf", x.cbuf}, {"calt", x.calt}} {
		add(b.name, unsafe.Pointer(unsafe.SliceData(b.b)), uintptr(cap(b.b)))
	}
	add("sig", unsafe.Pointer(unsafe.SliceData(x.sig)), uintptr(cap(x.sig))*8)
	add("events", unsafe.Pointer(unsafe.SliceData(x.en.events)), uintptr(cap(x.en.events))*unsafe.Sizeof(Event{}))
	add("lay.vals", unsafe.Pointer(unsafe.SliceData(x.lay.vals)), uintptr(cap(x.lay.vals))*unsafe.Sizeof(0))
	add("lay.chanEnd", unsafe.Pointer(unsafe.SliceData(x.lay.chanEnd)), uintptr(cap(x.lay.chanEnd))*unsafe.Sizeof(0))
	add("por.count", unsafe.Pointer(unsafe.SliceData(x.por.count)), uintptr(cap(x.por.count))*unsafe.Sizeof(0))
	add("por.member", unsafe.Pointer(unsafe.SliceData(x.por.member)), uintptr(cap(x.por.member)))
	add("por.best", unsafe.Pointer(unsafe.SliceData(x.por.best)), uintptr(cap(x.por.best)))
	add("por.stack", unsafe.Pointer(unsafe.SliceData(x.por.stack)), uintptr(cap(x.por.stack))*unsafe.Sizeof(0))
	return out
}
