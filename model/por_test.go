package model_test

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// TestRapidPassiveTransfersCommute checks the promise of PassiveTransfers
// for every built-in algorithm, on random banks and random reachable
// states: a receive it calls passive, taken first or after any events that
// do not receive its message, stays enabled, leaves them enabled, and gives
// the same state.
func TestRapidPassiveTransfersCommute(t *testing.T) {
	passive := 0
	rapid.Check(t, func(t *rapid.T) {
		alg := rapid.SampledFrom(model.BuiltinNames()).Draw(t, "algorithm")
		cfg := modeltest.Config(modeltest.Options{MaxNodes: 3, MaxSnapshots: 2, MaxSends: 2, Algorithm: alg}).Draw(t, "config")
		modeltest.Log(t, cfg)
		sys, err := model.Build(cfg, nil)
		if err != nil {
			t.Fatalf("build: %v", err)
		}
		run := modeltest.Schedule(sys, 0).Draw(t, "execution")
		st := sys.Initial()
		for k := 0; k <= len(run); k++ {
			if k > 0 {
				sys.Apply(st, run[k-1])
			}
			passive += checkPassive(t, sys, st)
		}
	})
	t.Logf("%d passive receives checked", passive)
	if passive == 0 {
		t.Error("no passive receive was drawn: the property tested nothing")
	}
}

// checkPassive checks every passive receive enabled in st, against one
// drawn continuation each, and returns how many it checked.
func checkPassive(t *rapid.T, sys *model.System, st *model.State) (passive int) {
	for _, r := range sys.Events(st) {
		if !model.PassiveReceive(sys, st, r) {
			continue
		}
		passive++
		m := st.Chans[r.Chan][r.Index]
		// w: events that do not receive r's message, drawn from st.
		after := st.Clone()
		var w []model.Event
		var msgs []model.Message // the message each receive of w takes
		for k := rapid.IntRange(0, 8).Draw(t, "continuation"); k > 0; k-- {
			var cands []model.Event
			for _, e := range sys.Events(after) {
				if e.Kind != model.Receive || e.Chan != r.Chan || after.Chans[e.Chan][e.Index] != m {
					cands = append(cands, e)
				}
			}
			if len(cands) == 0 {
				break
			}
			e := cands[rapid.IntRange(0, len(cands)-1).Draw(t, fmt.Sprintf("event %d", len(w)+1))]
			var taken model.Message
			if e.Kind == model.Receive {
				taken = after.Chans[e.Chan][e.Index]
			}
			sys.Apply(after, e)
			w, msgs = append(w, e), append(msgs, taken)
		}
		// r last: the same message is still in the channel.
		i := indexOf(after.Chans[r.Chan], m)
		if i < 0 {
			t.Fatalf("passive receive %s: its message left the channel", sys.Describe(r))
		}
		late := r
		late.Index = i
		if !model.PassiveChannel(sys, after, r.Node, r.Chan) {
			t.Fatalf("passive receive %s is no longer passive after %d events", sys.Describe(r), len(w))
		}
		if _, err := sys.Step(after, late); err != nil {
			t.Fatalf("passive receive %s is disabled after %d events: %v", sys.Describe(r), len(w), err)
		}
		// r first: it enables and disables none of its node's events on
		// other channels, and disables no send.
		first := st.Clone()
		sys.Apply(first, r)
		other, sends := nodeEvents(sys, st, r)
		otherAfter, sendsAfter := nodeEvents(sys, first, r)
		if !slices.Equal(other, otherAfter) {
			t.Fatalf("passive receive %s changes its node's other events: %v, then %v", sys.Describe(r), other, otherAfter)
		}
		for _, e := range sends {
			if !slices.Contains(sendsAfter, e) {
				t.Fatalf("passive receive %s disables %s", sys.Describe(r), e)
			}
		}
		for k, e := range w {
			// On a non-FIFO channel r's message may have been before it.
			if e.Kind == model.Receive {
				e.Index = indexOf(first.Chans[e.Chan], msgs[k])
			}
			if _, err := sys.Step(first, e); err != nil {
				t.Fatalf("passive receive %s disabled %s: %v", sys.Describe(r), sys.Describe(e), err)
			}
		}
		if !bytes.Equal(first.Encode(nil), after.Encode(nil)) {
			t.Fatalf("passive receive %s does not commute with %d events", sys.Describe(r), len(w))
		}
	}
	return passive
}

func indexOf(q []model.Message, m model.Message) int {
	for i, x := range q {
		if x == m {
			return i
		}
	}
	return -1
}

// nodeEvents describes the events of r's node enabled in st: its sends
// apart (r may enable sends, never disable one), and leaving out receives
// on r's channel.
func nodeEvents(sys *model.System, st *model.State, r model.Event) (other, sends []string) {
	for _, e := range sys.Events(st) {
		switch {
		case e.Node != r.Node || (e.Kind == model.Receive && e.Chan == r.Chan):
		case e.Kind == model.Send:
			sends = append(sends, sys.Describe(e))
		default:
			other = append(other, sys.Describe(e))
		}
	}
	return other, sends
}
