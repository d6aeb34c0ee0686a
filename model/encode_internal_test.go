package model

import (
	"bytes"
	"fmt"
	"testing"

	"pgregory.net/rapid"
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
						want = append(want, 1) // channel 0 holds one message (its length code)
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

// TestRapidEncodeAnyState: Decode inverts Encode on arbitrary states, not
// only reachable ones: large and negative values, long channels and
// recorded channel states, every kind of message, with and without the
// byte-per-node form of balances and script positions.
func TestRapidEncodeAnyState(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(2, 5).Draw(t, "nodes")
		k := rapid.IntRange(0, 3).Draw(t, "snapshots")
		cfg := &Config{Name: "any", Channels: Channels{Complete: true}, FIFO: true}
		for i := range n {
			cfg.Nodes = append(cfg.Nodes, NodeSpec{ID: fmt.Sprint(i + 1), Balance: 1})
		}
		for s := range k {
			cfg.Snapshots = append(cfg.Snapshots, SnapshotSpec{ID: fmt.Sprintf("s%d", s+1), Initiators: []string{"1"}})
		}
		sys, err := Build(cfg, nil)
		if err != nil {
			t.Skip("no such bank:", err)
		}
		c := len(sys.Topo.Chans)
		small := rapid.Bool().Draw(t, "small")
		value := func(label string) int32 {
			if small {
				return int32(rapid.IntRange(0, 15).Draw(t, label))
			}
			return int32(rapid.IntRange(0, 1000).Draw(t, label))
		}
		all := uint32(1)<<k - 1
		st := &State{
			Balance: make([]int32, n), PC: make([]int32, n), Regs: make([]int64, n*sys.regs),
			Rec: make([]Record, k*n), Recording: make([]bool, k*c), RecChan: make([][]int32, k*c),
			Chans: make([][]Message, c), Snap: make([]SnapStatus, k),
		}
		for i := range n {
			st.Balance[i], st.PC[i] = value("balance"), value("pc")
		}
		for i := range st.Regs {
			st.Regs[i] = rapid.Int64().Draw(t, "reg")
		}
		for i := range st.Rec {
			switch rapid.IntRange(0, 2).Draw(t, "record") {
			case 1:
				st.Rec[i] = Record{Recorded: true, Balance: value("recorded")}
			case 2:
				st.Rec[i] = Record{Recorded: true, Done: true, Balance: value("recorded")}
			}
		}
		for i := range st.Recording {
			st.Recording[i] = rapid.Bool().Draw(t, "recording")
		}
		for i := range st.Snap {
			st.Snap[i] = SnapStatus(rapid.IntRange(0, 7).Draw(t, "status"))
		}
		for i := range st.RecChan {
			for range rapid.IntRange(0, 5).Draw(t, "recorded length") {
				st.RecChan[i] = append(st.RecChan[i], value("recorded amount"))
			}
		}
		for i := range st.Chans {
			for range rapid.IntRange(0, 5).Draw(t, "length") {
				var m Message
				if k > 0 && rapid.Bool().Draw(t, "control") {
					m = Message{Control: true, Snap: uint8(rapid.IntRange(0, k-1).Draw(t, "snap")), Amount: int32(rapid.IntRange(-2, 300).Draw(t, "payload"))}
				} else {
					m = Message{Amount: value("amount") + 1, Tag: uint32(rapid.IntRange(0, 3).Draw(t, "tag")), Pre: uint32(rapid.IntRange(0, int(all)).Draw(t, "pre"))}
				}
				st.Chans[i] = append(st.Chans[i], m)
			}
		}
		enc := st.Encode(nil)
		var dec State
		if err := sys.Decode(enc, &dec); err != nil {
			t.Fatalf("decode: %v", err)
		}
		if fmt.Sprint(dec) != fmt.Sprint(*st) {
			t.Fatalf("decoded state differs:\nstate   %v\ndecoded %v", *st, dec)
		}
		if !bytes.Equal(dec.Encode(nil), enc) {
			t.Fatal("the decoded state encodes differently")
		}
	})
}
