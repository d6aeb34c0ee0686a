package model_test

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// evKey names an enabled event by what it does, not by the position of
// its message (which moves on a non-FIFO channel).
type evKey struct {
	e model.Event
	m model.Message
}

func keyOf(st *model.State, e model.Event) evKey {
	k := evKey{e: e}
	if e.Kind == model.Receive {
		k.m = st.Chans[e.Chan][e.Index]
		k.e.Index = 0
	}
	return k
}

// find returns the event enabled in st with key k.
func find(sys *model.System, st *model.State, k evKey) (model.Event, bool) {
	for _, e := range sys.Events(st) {
		if keyOf(st, e) == k {
			return e, true
		}
	}
	return model.Event{}, false
}

// TestReviewStubbornSets checks Valmari's conditions on the stubborn sets
// the reduced expander follows, on random reachable states of random
// banks. From a state st, with R the events the reduction follows:
//   - when R is one passive receive r, T = {r}; else T is every event of
//     R's nodes but the receives of messages sent after st on channels from
//     other nodes (the passive receives the reduction leaves out);
//   - along random sequences w of events outside T: no event of T that was
//     disabled in st becomes enabled (D1), every event of R stays enabled
//     (D2), and taking it before w gives the same state (D1).
func TestReviewStubbornSets(t *testing.T) {
	maxNodes, maxSends, maxSnaps, walks := 3, 2, 2, 4
	if os.Getenv("REVIEW_LONG") != "" {
		maxNodes, maxSends, maxSnaps, walks = 5, 3, 3, 12
	}
	checked := 0
	rapid.Check(t, func(rt *rapid.T) {
		cfg := modeltest.WideConfig(rt, maxNodes, maxSends, maxSnaps, algorithms.Names())
		modeltest.Log(rt, cfg)
		sys, err := algorithms.Build(cfg)
		if err != nil {
			rt.Fatalf("build: %v", err)
		}
		x := sys.NewReducedExpander()
		run := modeltest.Schedule(sys, 40).Draw(rt, "execution")
		st := sys.Initial()
		for step := 0; step <= len(run); step++ {
			if step > 0 {
				sys.Apply(st, run[step-1])
			}
			all := sys.Events(st)
			red := slices.Clone(x.Events(st))
			if len(red) == len(all) {
				continue
			}
			checked++
			reviewCheckState(rt, sys, st, red, walks)
		}
	})
	t.Logf("%d reduced states checked", checked)
}

func reviewCheckState(t *rapid.T, sys *model.System, st *model.State, red []model.Event, walks int) {
	nodes := map[int]bool{}
	for _, e := range red {
		nodes[e.Node] = true
	}
	single := len(red) == 1 && red[0].Kind == model.Receive && !red[0].Control && model.PassiveReceive(sys, st, red[0])
	var redKeys []evKey
	for _, e := range red {
		redKeys = append(redKeys, keyOf(st, e))
	}
	// inT reports whether e, enabled in cur (reached from st by events
	// outside T), is in T.
	inT := func(cur *model.State, e model.Event) bool {
		k := keyOf(cur, e)
		if single {
			return k == redKeys[0]
		}
		if !nodes[e.Node] {
			return false
		}
		if e.Kind != model.Receive {
			return true
		}
		from := sys.Topo.Chans[e.Chan].From
		if nodes[from] {
			return true
		}
		// A receive of a message that was in the channel in st (by
		// value: the same value may be old or new on a non-FIFO
		// channel, so count it as old, which only restricts w).
		return slices.Contains(st.Chans[e.Chan], k.m)
	}
	before := map[evKey]bool{}
	for _, e := range sys.Events(st) {
		before[keyOf(st, e)] = true
	}
	for walk := range walks {
		cur := st.Clone()
		var w []evKey
		n := rapid.IntRange(1, 10).Draw(t, fmt.Sprintf("walk %d length", walk))
		for len(w) < n {
			var outside []model.Event
			for _, e := range sys.Events(cur) {
				if !inT(cur, e) {
					outside = append(outside, e)
				}
			}
			if len(outside) == 0 {
				break
			}
			e := outside[rapid.IntRange(0, len(outside)-1).Draw(t, fmt.Sprintf("walk %d event %d", walk, len(w)+1))]
			w = append(w, keyOf(cur, e))
			sys.Apply(cur, e)
			// D1: no event of T enabled now that was not enabled in st.
			for _, f := range sys.Events(cur) {
				if inT(cur, f) && !before[keyOf(cur, f)] {
					t.Fatalf("after %s, %s (in the stubborn set) is enabled, and was not in the state where the set was chosen (reduced events %s)",
						describeKeys(sys, w), sys.Describe(f), describe(sys, red))
				}
			}
		}
		// D2 and the commutation of D1, for every event the reduction
		// follows.
		for _, rk := range redKeys {
			late, ok := find(sys, cur, rk)
			if !ok {
				t.Fatalf("%s, followed by the reduction, is disabled by %s", sys.Describe(rk.e), describeKeys(sys, w))
			}
			after := cur.Clone()
			sys.Apply(after, late)
			first := st.Clone()
			e, _ := find(sys, first, rk)
			sys.Apply(first, e)
			for i, k := range w {
				f, ok := find(sys, first, k)
				if !ok {
					t.Fatalf("%s disables %s (event %d of %s)", sys.Describe(rk.e), sys.Describe(k.e), i+1, describeKeys(sys, w))
				}
				sys.Apply(first, f)
			}
			if !bytes.Equal(first.Encode(nil), after.Encode(nil)) {
				t.Fatalf("%s does not commute with %s", sys.Describe(rk.e), describeKeys(sys, w))
			}
		}
	}
}

func describe(sys *model.System, evs []model.Event) string {
	var s []string
	for _, e := range evs {
		s = append(s, sys.Describe(e))
	}
	return fmt.Sprintf("%q", s)
}

func describeKeys(sys *model.System, ks []evKey) string {
	var s []string
	for _, k := range ks {
		s = append(s, sys.Describe(k.e))
	}
	return fmt.Sprintf("%q", s)
}
