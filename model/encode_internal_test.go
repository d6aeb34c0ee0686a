package model

import (
	"bytes"
	"testing"
)

// TestEncodeMessageFastPath: the one-byte cases that Encode writes inline
// are byte for byte what appendMessage writes, for every kind of message.
func TestEncodeMessageFastPath(t *testing.T) {
	for _, snaps := range []int{0, 1, 2} {
		all := uint32(1)<<snaps - 1
		for _, control := range []bool{false, true} {
			for _, amount := range []int32{-1, 0, 1, 7, 15, 16, 300} {
				for _, tag := range []uint32{0, 1, 6} {
					for _, pre := range []uint32{0, 1, 2, 3} {
						m := Message{Control: control, Snap: uint8(min(snaps, 1)), Amount: amount, Tag: tag, Pre: pre}
						if control {
							m.Tag, m.Pre = 0, 0
						}
						st := &State{Chans: [][]Message{{m}}, Snap: make([]SnapStatus, snaps)}
						got := st.Encode(nil)
						want := (&State{Snap: make([]SnapStatus, snaps)}).Encode(nil)
						want = append(want, 1, 1) // channel 0 not empty; one message
						want = appendMessage(want, m, all)
						if !bytes.Equal(got, want) {
							t.Errorf("%+v with %d snapshots: Encode writes %x, appendMessage %x", m, snaps, got, want)
						}
					}
				}
			}
		}
	}
}
