package model_test

// Tests that close the gaps a mutation test of model/ found: each pins
// down one behaviour of SPEC §1, §3 or §5 that the rest of the package's
// tests left to the properties and explore packages, or did not check.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/model/modeltest"
)

// mustBuild parses, validates and compiles a configuration (parseAndBuild).
func mustBuild(t *testing.T, js string) *model.System {
	t.Helper()
	sys, err := parseAndBuild([]byte(js))
	if err != nil {
		t.Fatalf("build: %v\n%s", err, js)
	}
	return sys
}

// enabled describes the events enabled in st, in Enabled's order.
func enabled(sys *model.System, st *model.State) []string {
	var out []string
	for _, e := range sys.Events(st) {
		out = append(out, sys.Describe(e))
	}
	return out
}

// play performs the events described (as System.Describe writes them), one
// after the other, with Step; it returns the snapshots they completed.
func play(t *testing.T, sys *model.System, st *model.State, descs ...string) (completed uint32) {
	t.Helper()
	for _, d := range descs {
		var found bool
		for _, e := range sys.Events(st) {
			if sys.Describe(e) == d {
				c, err := sys.Step(st, e)
				if err != nil {
					t.Fatalf("%s: %v", d, err)
				}
				completed |= c
				found = true
				break
			}
		}
		if !found {
			t.Fatalf("%q is not enabled; enabled: %q", d, enabled(sys, st))
		}
	}
	return completed
}

// TestMutInitialEvents pins down which events are enabled in initial
// states (SPEC §1.2, §1.3): a scripted send of exactly the balance is
// enabled; the "any" workload offers every amount its balance covers
// whatever the order of the configuration's amounts; an initiator whose
// script initiates a snapshot never initiates it spontaneously.
func TestMutInitialEvents(t *testing.T) {
	for _, tc := range []struct {
		name, json string
		want       []string
	}{
		{"script send of the whole balance",
			`{"nodes": [{"id": "a", "balance": 3}, {"id": "b", "balance": 0}],
			"workload": {"script": {"a": [{"to": "b", "amount": 3}]}},
			"snapshots": [{"id": "s1", "initiators": ["b"]}]}`,
			[]string{"send a->b $3", "initiate s1 at b"}},
		{"script send above the balance waits",
			`{"nodes": [{"id": "a", "balance": 2}, {"id": "b", "balance": 0}],
			"workload": {"script": {"a": [{"to": "b", "amount": 3}]}},
			"snapshots": [{"id": "s1", "initiators": ["b"]}]}`,
			[]string{"initiate s1 at b"}},
		{"any amounts listed in decreasing order",
			`{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 0}],
			"workload": {"any": {"amounts": [2, 1], "max_sends": 1}},
			"snapshots": [{"id": "s1", "initiators": ["b"]}]}`,
			[]string{"send a->b $1", "initiate s1 at b"}},
		{"any send of the whole balance",
			`{"nodes": [{"id": "a", "balance": 2}, {"id": "b", "balance": 0}],
			"workload": {"any": {"amounts": [3, 1, 2], "max_sends": 1}},
			"snapshots": [{"id": "s1", "initiators": ["b"]}]}`,
			[]string{"send a->b $1", "send a->b $2", "initiate s1 at b"}},
		{"scripted initiator does not initiate spontaneously",
			`{"nodes": [{"id": "1", "balance": 3}, {"id": "2", "balance": 3}, {"id": "3", "balance": 0}],
			"channels": [["1", "2"], ["2", "3"], ["3", "1"]],
			"workload": {"script": {"1": [{"to": "2", "amount": 2}, {"initiate": "s1"}, {"to": "2", "amount": 1}], "2": [{"to": "3", "amount": 4}]}},
			"snapshots": [{"id": "s1", "initiators": ["1", "2"]}]}`,
			[]string{"send 1->2 $2", "initiate s1 at 2"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := mustBuild(t, tc.json)
			if got := enabled(sys, sys.Initial()); !slices.Equal(got, tc.want) {
				t.Errorf("enabled %q, want %q", got, tc.want)
			}
		})
	}
}

// TestMutSpontaneousInitiationKeepsScript: a node's spontaneous initiation
// of one snapshot does not move its script past the scripted initiation
// of another (SPEC §1.3: only the step's own snapshot, once recorded, is
// skipped).
func TestMutSpontaneousInitiationKeepsScript(t *testing.T) {
	sys := mustBuild(t, `{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 0}],
		"workload": {"script": {"a": [{"initiate": "s2"}]}},
		"snapshots": [{"id": "s1", "initiators": ["a"]}, {"id": "s2", "initiators": ["a"]}]}`)
	st := sys.Initial()
	play(t, sys, st, "initiate s1 at a")
	if got := enabled(sys, st); !slices.Contains(got, "initiate s2 at a") {
		t.Fatalf("after a spontaneous initiate s1, enabled %q: the scripted initiate s2 is gone", got)
	}
	play(t, sys, st, "initiate s2 at a")
	if st.PC[0] != 1 {
		t.Errorf("script position %d after the scripted initiation, want 1", st.PC[0])
	}
}

// lectureRun is the execution of examples/lecture.json that records SPEC
// §3's snapshot: node 1 $5, node 2 $5, node 3 $2, channel 2->1 $10,
// channel 3->2 $8.
var lectureRun = []string{
	"initiate s1 at 1",
	"send 3->2 $8",
	"recv 1->2 $5",
	"recv 1->2 marker(s1)",
	"recv 3->2 $8",
	"recv 1->3 marker(s1)",
	"recv 2->1 $10",
	"recv 2->1 marker(s1)",
	"recv 3->1 marker(s1)",
	"recv 2->3 marker(s1)",
	"recv 3->2 marker(s1)",
}

// TestMutLectureSnapshot replays lectureRun with Chandy–Lamport and with
// no-channel-state and checks what every event records (SPEC §1.4, §1.5):
// the recorded balances, the recorded channel states (none for
// no-channel-state), and that the snapshot completes at the last marker,
// with no ghost flag for Chandy–Lamport and the channel-state flag for
// no-channel-state.
func TestMutLectureSnapshot(t *testing.T) {
	for _, tc := range []struct {
		alg    string
		chans  map[string][]int32
		status model.SnapStatus
	}{
		{"chandy-lamport", map[string][]int32{"2->1": {10}, "3->2": {8}}, model.SnapComplete},
		// The transfers in flight across the cut are missing from it.
		{"no-channel-state", map[string][]int32{}, model.SnapComplete | model.SnapChannelWrong},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			cfg, err := model.LoadConfig(filepath.Join("..", "examples", "lecture.json"))
			if err != nil {
				t.Fatal(err)
			}
			cfg.Algorithm = tc.alg
			sys, err := algorithms.Build(cfg)
			if err != nil {
				t.Fatal(err)
			}
			st := sys.Initial()
			last := len(lectureRun) - 1
			if c := play(t, sys, st, lectureRun[:last]...); c != 0 {
				t.Fatalf("snapshot completed (%b) before the last marker", c)
			}
			if st.Snap[0]&model.SnapComplete != 0 {
				t.Fatal("snapshot complete before the last marker")
			}
			if c := play(t, sys, st, lectureRun[last]); c != 1 {
				t.Fatalf("the last marker completed %b, want snapshot s1", c)
			}
			if st.Snap[0] != tc.status {
				t.Errorf("snapshot status %b, want %b", st.Snap[0], tc.status)
			}
			for i, want := range []int32{5, 5, 2} {
				if r := st.Rec[i]; !r.Recorded || !r.Done || r.Balance != want {
					t.Errorf("node %s record %+v, want $%d, done", sys.Topo.Nodes[i], r, want)
				}
			}
			for ch := range sys.Topo.Chans {
				name := sys.Topo.ChannelName(ch)
				if got := st.RecChan[ch]; !slices.Equal(got, tc.chans[name]) {
					t.Errorf("channel %s recorded %v, want %v", name, got, tc.chans[name])
				}
				if st.Recording[ch] {
					t.Errorf("channel %s still being recorded after completion", name)
				}
			}
		})
	}
}

// TestMutMarkerStopsRecording pins down, per variant, which incoming
// channels of an initiator a marker stops recording (SPEC §1.4, §5.7):
// Chandy–Lamport stops only the marker's channel; stop-all-on-marker
// stops all of them on the first marker after recording. A transfer then
// received on a channel still recorded is appended to its recorded state.
func TestMutMarkerStopsRecording(t *testing.T) {
	for _, tc := range []struct {
		alg        string
		run        []string
		recording  map[string]bool    // node 1's incoming channels after run
		recChannel map[string][]int32 // after run and "recv 2->1 $1"
	}{
		{"chandy-lamport", []string{"initiate s1 at 1", "recv 1->3 marker(s1)", "recv 3->1 marker(s1)"},
			map[string]bool{"2->1": true, "3->1": false}, map[string][]int32{"2->1": {1}}},
		{"stop-all-on-marker", []string{"initiate s1 at 1", "recv 1->3 marker(s1)", "recv 3->1 marker(s1)"},
			map[string]bool{"2->1": false, "3->1": false}, map[string][]int32{}},
		{"late-markers", []string{"initiate s1 at 1", "send marker(s1) 1->3", "recv 1->3 marker(s1)", "send marker(s1) 3->1", "recv 3->1 marker(s1)"},
			map[string]bool{"2->1": true, "3->1": false}, map[string][]int32{"2->1": {1}}},
	} {
		t.Run(tc.alg, func(t *testing.T) {
			sys := mustBuild(t, `{"nodes": [{"id": "1", "balance": 0}, {"id": "2", "balance": 1}, {"id": "3", "balance": 0}],
				"workload": {"script": {"2": [{"to": "1", "amount": 1}]}},
				"snapshots": [{"id": "s1", "initiators": ["1"]}], "algorithm": "`+tc.alg+`"}`)
			st := sys.Initial()
			play(t, sys, st, tc.run...)
			for name, want := range tc.recording {
				ch := modeltest.Channel(t, sys, name)
				if st.Recording[ch] != want {
					t.Errorf("channel %s being recorded: %v, want %v", name, st.Recording[ch], want)
				}
			}
			play(t, sys, st, "send 2->1 $1", "recv 2->1 $1")
			for ch := range sys.Topo.Chans {
				name := sys.Topo.ChannelName(ch)
				if got := st.RecChan[ch]; !slices.Equal(got, tc.recChannel[name]) {
					t.Errorf("channel %s recorded %v, want %v", name, got, tc.recChannel[name])
				}
			}
		})
	}
}

// TestMutConfigLimits: exactly MaxNodes nodes and MaxSnapshots snapshots
// are accepted, one more is bad input naming the field; more than
// MaxChannels channels is bad input.
func TestMutConfigLimits(t *testing.T) {
	ring := func(n int) string {
		var nodes, chans []string
		for i := 0; i < n; i++ {
			nodes = append(nodes, fmt.Sprintf(`{"id": "n%d", "balance": 1}`, i))
			chans = append(chans, fmt.Sprintf(`["n%d", "n%d"]`, i, (i+1)%n))
		}
		return `"nodes": [` + strings.Join(nodes, ", ") + `], "channels": [` + strings.Join(chans, ", ") + `]`
	}
	snaps := func(k int) string {
		var s []string
		for i := 0; i < k; i++ {
			s = append(s, fmt.Sprintf(`{"id": "s%d", "initiators": ["n0"]}`, i))
		}
		return `"snapshots": [` + strings.Join(s, ", ") + `]`
	}
	complete := func(n int) string {
		var nodes []string
		for i := 0; i < n; i++ {
			nodes = append(nodes, fmt.Sprintf(`{"id": "n%d", "balance": 1}`, i))
		}
		return `"nodes": [` + strings.Join(nodes, ", ") + `], "channels": "complete"`
	}
	for _, tc := range []struct {
		name, json, field string // field "": accepted
	}{
		{"MaxNodes nodes", "{" + ring(model.MaxNodes) + ", " + snaps(1) + "}", ""},
		{"MaxNodes+1 nodes", "{" + ring(model.MaxNodes+1) + ", " + snaps(1) + "}", "nodes"},
		{"MaxSnapshots snapshots", "{" + ring(3) + ", " + snaps(model.MaxSnapshots) + "}", ""},
		{"MaxSnapshots+1 snapshots", "{" + ring(3) + ", " + snaps(model.MaxSnapshots+1) + "}", "snapshots"},
		{"33 complete nodes: 1056 channels", "{" + complete(33) + ", " + snaps(1) + "}", "channels"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseAndBuild([]byte(tc.json))
			if tc.field == "" {
				if err != nil {
					t.Fatalf("rejected: %v", err)
				}
				return
			}
			var ce *model.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field {
				t.Fatalf("error %v, want a *ConfigError for field %q", err, tc.field)
			}
		})
	}
}

// TestMutValidateGoConfig: Validate, on a Config built in Go (which no
// parser has checked), refuses a script step that is both a send and an
// initiation, and a workload that is both a script and "any"; Build
// refuses them too (rather than panic).
func TestMutValidateGoConfig(t *testing.T) {
	for _, tc := range []struct {
		name, field string
		w           model.Workload
	}{
		{"step both send and initiate", "workload.script.1[0]",
			model.Workload{Script: map[string][]model.Step{"1": {{Initiate: "s1", To: "2", Amount: 1}}}}},
		{"both workloads", "workload",
			model.Workload{Script: map[string][]model.Step{"1": {{To: "2", Amount: 1}}}, Any: &model.AnyWorkload{Amounts: []int{1}, MaxSends: 1}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := &model.Config{
				Nodes:     []model.NodeSpec{{ID: "1", Balance: 1}, {ID: "2", Balance: 0}},
				Channels:  model.Channels{Complete: true},
				FIFO:      true,
				Workload:  tc.w,
				Snapshots: []model.SnapshotSpec{{ID: "s1", Initiators: []string{"1"}}},
			}
			err := cfg.Validate()
			var ce *model.ConfigError
			if !errors.As(err, &ce) || ce.Field != tc.field || !strings.Contains(ce.Reason, "not both") {
				t.Fatalf("Validate: %v, want %s: ... not both", err, tc.field)
			}
			if _, err := model.Build(cfg, nil); !errors.As(err, &ce) {
				t.Fatalf("Build: %v, want a *ConfigError", err)
			}
		})
	}
}

// TestMutMarkersOfTwoSnapshotsEncodeAlike: on a non-FIFO channel the
// markers of two snapshots, sent in either order, make equal states, and
// equal states have equal encodings (State.Encode is canonical).
func TestMutMarkersOfTwoSnapshotsEncodeAlike(t *testing.T) {
	sys := mustBuild(t, `{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 0}], "fifo": false,
		"snapshots": [{"id": "s1", "initiators": ["a"]}, {"id": "s2", "initiators": ["a"]}]}`)
	x, y := sys.Initial(), sys.Initial()
	play(t, sys, x, "initiate s1 at a", "initiate s2 at a")
	play(t, sys, y, "initiate s2 at a", "initiate s1 at a")
	if ex, ey := x.Encode(nil), y.Encode(nil); string(ex) != string(ey) {
		t.Errorf("equal states encode differently:\n%v\n%v", x.Chans, y.Chans)
	}
}

// toggler tags its transfers 1, 0, 1, 0, ...: transfers of one amount
// with different tags in flight together on one channel.
type toggler struct{ model.Base }

func (toggler) Name() string                               { return "toggler" }
func (toggler) Registers(*model.Topology) int              { return 1 }
func (toggler) OnInitiate(n *model.Node, s int)            { n.Record(s) }
func (toggler) OnTransfer(*model.Node, int, model.Message) {}
func (toggler) OnSend(n *model.Node, _ int) uint32 {
	n.SetReg(0, 1-n.Reg(0))
	return uint32(n.Reg(0))
}

// TestMutEqualReceivesEncodeAlike: on a non-FIFO channel, receiving either
// of two messages in flight that are equal (amount, tag, ghost bits) gives
// equal states with equal encodings, whatever order they were sent in
// among other messages (SPEC §5.1: the store may merge them).
func TestMutEqualReceivesEncodeAlike(t *testing.T) {
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 3}, {"id": "b", "balance": 0}], "fifo": false,
		"workload": {"any": {"amounts": [1], "max_sends": 3}}, "snapshots": [{"id": "s1", "initiators": ["b"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Build(cfg, toggler{})
	if err != nil {
		t.Fatal(err)
	}
	st := sys.Initial()
	play(t, sys, st, "send a->b $1", "send a->b $1", "send a->b $1") // tags 1, 0, 1
	byMessage := map[model.Message]string{}
	receives := 0
	for _, e := range sys.Events(st) {
		if e.Kind != model.Receive {
			continue
		}
		receives++
		m := st.Chans[e.Chan][e.Index]
		next := st.Clone()
		sys.Apply(next, e)
		enc := string(next.Encode(nil))
		if prev, ok := byMessage[m]; ok && prev != enc {
			t.Errorf("receiving either of two equal messages %+v gives different encodings", m)
		}
		byMessage[m] = enc
	}
	if receives != 3 || len(byMessage) != 2 {
		t.Fatalf("%d receives of %d distinct messages, want 3 of 2", receives, len(byMessage))
	}
}

// outcomes explores every state x reaches from the initial state and
// returns the terminal states' encodings and, for every transition that
// completes a snapshot, the snapshot's recorded value with its status. It
// gives up (nil) beyond limit states.
func outcomes(sys *model.System, x *model.Expander, limit int) (terminals, snaps map[string]bool) {
	terminals, snaps = map[string]bool{}, map[string]bool{}
	seen := map[string]bool{}
	queue := [][]byte{x.Initial(nil)}
	n, c := len(sys.Topo.Nodes), len(sys.Topo.Chans)
	var st model.State
	for len(queue) > 0 {
		enc := queue[0]
		queue = queue[1:]
		if seen[string(enc)] {
			continue
		}
		if len(seen) > limit {
			return nil, nil
		}
		seen[string(enc)] = true
		succ := 0
		x.Successors(enc, func(next []byte, note uint64) {
			succ++
			queue = append(queue, append([]byte(nil), next...))
			if note == 0 {
				return
			}
			if err := sys.Decode(next, &st); err != nil {
				panic(err)
			}
			for sn := range sys.Topo.Snapshots {
				if note&(1<<sn) == 0 {
					continue
				}
				v := fmt.Sprintf("%s %b", sys.Topo.Snapshots[sn], st.Snap[sn])
				for i := 0; i < n; i++ {
					v += fmt.Sprintf(" %d", st.Rec[sn*n+i].Balance)
				}
				for ch := 0; ch < c; ch++ {
					v += fmt.Sprintf(" %v", st.RecChan[sn*c+ch])
				}
				snaps[v] = true
			}
		})
		if succ == 0 {
			terminals[string(enc)] = true
		}
	}
	return terminals, snaps
}

// eager finishes a snapshot as soon as it records it, and keeps trying to
// record its channels afterwards.
type eager struct{ model.Base }

func (eager) Name() string                  { return "eager" }
func (eager) Registers(*model.Topology) int { return 0 }
func (eager) OnInitiate(n *model.Node, s int) {
	n.Record(s)
	for _, ch := range n.In() {
		n.StartRecording(s, ch)
	}
	n.Finish(s)
	for _, ch := range n.In() {
		n.StartRecording(s, ch) // does nothing: s is finished
	}
}
func (eager) OnTransfer(n *model.Node, _ int, _ model.Message) {
	for s := range n.Snapshots() {
		if n.Recorded(s) {
			n.RecordMessage(s) // does nothing: s is finished
		}
	}
}

// TestMutFinishFreezes pins down the Algorithm contract on Finish: it
// clears the marks of the node's incoming channels, and from then on
// StartRecording and RecordMessage change nothing of the snapshot.
func TestMutFinishFreezes(t *testing.T) {
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 0}, {"id": "b", "balance": 1}],
		"workload": {"any": {"amounts": [1], "max_sends": 1}}, "snapshots": [{"id": "s1", "initiators": ["a"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Build(cfg, eager{})
	if err != nil {
		t.Fatal(err)
	}
	st := sys.Initial()
	play(t, sys, st, "initiate s1 at a")
	ba := modeltest.Channel(t, sys, "b->a")
	if !st.Rec[0].Done || st.Recording[ba] {
		t.Fatalf("after Finish: record %+v, b->a being recorded %v; want done, not recording", st.Rec[0], st.Recording[ba])
	}
	play(t, sys, st, "send b->a $1", "recv b->a $1")
	if len(st.RecChan[ba]) != 0 || st.Recording[ba] {
		t.Errorf("after Finish, b->a recorded %v (being recorded %v), want nothing", st.RecChan[ba], st.Recording[ba])
	}
	if st.Balance[0] != 1 {
		t.Errorf("balance of a %d, want 1", st.Balance[0])
	}
}

// TestMutTopologyOrder pins down the Topology's documented order: channels
// sorted by (From, To) whatever the configuration's order, In and Out
// sorted, and InPos and OutPos each channel's position in them.
func TestMutTopologyOrder(t *testing.T) {
	sys := mustBuild(t, `{"nodes": [{"id": "1", "balance": 1}, {"id": "2", "balance": 0}, {"id": "3", "balance": 0}],
		"channels": [["3", "1"], ["2", "3"], ["1", "3"], ["2", "1"], ["1", "2"]],
		"snapshots": [{"id": "s1", "initiators": ["1"]}]}`)
	tp := &sys.Topo
	var names []string
	for ch := range tp.Chans {
		names = append(names, tp.ChannelName(ch))
	}
	if want := []string{"1->2", "1->3", "2->1", "2->3", "3->1"}; !slices.Equal(names, want) {
		t.Errorf("channels %q, want %q", names, want)
	}
	for i := range tp.Nodes {
		if !slices.IsSorted(tp.In[i]) || !slices.IsSorted(tp.Out[i]) {
			t.Errorf("node %s: In %v, Out %v, want sorted", tp.Nodes[i], tp.In[i], tp.Out[i])
		}
		for p, ch := range tp.In[i] {
			if tp.InPos[ch] != p || tp.Chans[ch].To != i {
				t.Errorf("channel %s: InPos %d, want %d", tp.ChannelName(ch), tp.InPos[ch], p)
			}
		}
		for p, ch := range tp.Out[i] {
			if tp.OutPos[ch] != p || tp.Chans[ch].From != i {
				t.Errorf("channel %s: OutPos %d, want %d", tp.ChannelName(ch), tp.OutPos[ch], p)
			}
		}
	}
}

// TestMutDistinctStatesEncodeDistinct: states that differ in one value
// have different encodings (Encode, the store's keys) and different
// stable hashes (Hash, the trace files'), and each encoding decodes back
// to its own state.
func TestMutDistinctStatesEncodeDistinct(t *testing.T) {
	sys, err := algorithms.Load(filepath.Join("..", "examples", "two-snapshots.json"))
	if err != nil {
		t.Fatal(err)
	}
	base := sys.Initial()
	// Record one snapshot at one node, so that there are records, marks
	// and markers to change.
	for _, e := range sys.Events(base) {
		if e.Kind == model.Initiate {
			sys.Apply(base, e)
			break
		}
	}
	n := len(sys.Topo.Nodes)
	rec := -1 // a recorded, unfinished record
	for k, r := range base.Rec {
		if r.Recorded && !r.Done {
			rec = k
		}
	}
	ch := -1 // a channel with a message
	for c, q := range base.Chans {
		if len(q) > 0 {
			ch = c
		}
	}
	if rec < 0 || ch < 0 || len(base.Snap) < 2 {
		t.Fatalf("unexpected state: records %+v, channels %v", base.Rec, base.Chans)
	}
	encodings := map[string]string{string(base.Encode(nil)): "the unchanged state"}
	hashes := map[uint64]string{base.Hash(): "the unchanged state"}
	for _, tc := range []struct {
		name   string
		change func(st *model.State)
	}{
		{"record done", func(st *model.State) { st.Rec[rec].Done = true }},
		{"recorded balance", func(st *model.State) { st.Rec[rec].Balance++ }},
		{"another node's record", func(st *model.State) { st.Rec[(rec+1)%n] = model.Record{Recorded: true, Balance: 1} }},
		{"balance 16", func(st *model.State) { st.Balance[0] = 16 }},
		{"script position", func(st *model.State) { st.PC[n-1]++ }},
		{"register", func(st *model.State) { st.Regs[len(st.Regs)-1] += 200 }},
		{"last mark", func(st *model.State) { st.Recording[len(st.Recording)-1] = !st.Recording[len(st.Recording)-1] }},
		{"status", func(st *model.State) { st.Snap[1] |= model.SnapCutBroken }},
		{"recorded channel of 3", func(st *model.State) { st.RecChan[0] = []int32{1, 2, 3} }},
		{"transfer with some PRE bits", func(st *model.State) {
			st.Chans[ch] = append(st.Chans[ch], model.Message{Amount: 1, Pre: 1})
		}},
		{"transfer with other PRE bits", func(st *model.State) {
			st.Chans[ch] = append(st.Chans[ch], model.Message{Amount: 1, Pre: 2})
		}},
		{"transfer with every PRE bit", func(st *model.State) {
			st.Chans[ch] = append(st.Chans[ch], model.Message{Amount: 1, Pre: 3})
		}},
		{"transfer of 16", func(st *model.State) {
			st.Chans[ch] = append(st.Chans[ch], model.Message{Amount: 16, Pre: 3})
		}},
		{"tagged transfer", func(st *model.State) {
			st.Chans[ch] = append(st.Chans[ch], model.Message{Amount: 1, Tag: 1, Pre: 3})
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st := base.Clone()
			tc.change(st)
			enc := string(st.Encode(nil))
			if other, ok := encodings[enc]; ok {
				t.Errorf("encoding equal to that of %s", other)
			}
			encodings[enc] = tc.name
			if other, ok := hashes[st.Hash()]; ok {
				t.Errorf("hash equal to that of %s", other)
			}
			hashes[st.Hash()] = tc.name
			var back model.State
			if err := sys.Decode(st.Encode(nil), &back); err != nil {
				t.Fatal(err)
			}
			if string(back.Encode(nil)) != string(st.Encode(nil)) || back.Hash() != st.Hash() {
				t.Error("the encoding does not decode to the state")
			}
		})
	}
}

// TestMutReductionKeepsOutcomes: partial-order reduction keeps every
// terminal state and every completed snapshot's value and status, on
// banks where a node's later script send (not its next step) or a larger
// "any" amount that money received would pay for must keep the sender in
// the stubborn set.
func TestMutReductionKeepsOutcomes(t *testing.T) {
	for _, tc := range []struct{ name, json string }{
		{"script sends on a channel after another step",
			`{"nodes": [{"id": "1", "balance": 0}, {"id": "2", "balance": 0}, {"id": "3", "balance": 1}], "fifo": false,
			"workload": {"script": {"2": [{"initiate": "s1"}, {"to": "3", "amount": 1}], "3": [{"to": "2", "amount": 1}, {"to": "1", "amount": 1}]}},
			"snapshots": [{"id": "s1", "initiators": ["2"]}]}`},
		{"money enables the larger any amount",
			`{"nodes": [{"id": "1", "balance": 0}, {"id": "2", "balance": 0}, {"id": "3", "balance": 0}],
			"channels": [["1", "2"], ["2", "3"], ["3", "1"]], "fifo": false,
			"in_flight": [{"from": "1", "to": "2", "amount": 1}, {"from": "2", "to": "3", "amount": 1}],
			"workload": {"any": {"amounts": [1, 2], "max_sends": 1}},
			"snapshots": [{"id": "s1", "initiators": ["1"]}]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sys := mustBuild(t, tc.json)
			fullT, fullS := outcomes(sys, sys.NewExpander(), 200000)
			redT, redS := outcomes(sys, sys.NewExpanderWith(model.ExpanderOptions{Reduce: true}), 200000)
			if fullT == nil || redT == nil {
				t.Fatal("state space too large for this test")
			}
			if len(fullT) != len(redT) {
				t.Errorf("%d terminal states, %d with reduction", len(fullT), len(redT))
			}
			for k := range fullT {
				if !redT[k] {
					t.Errorf("reduction loses a terminal state")
					break
				}
			}
			for k := range fullS {
				if !redS[k] {
					t.Errorf("reduction loses snapshot %s", k)
				}
			}
		})
	}
}

// TestRapidReductionKeepsTerminalStates: on random banks, for every
// built-in algorithm, partial-order reduction keeps every terminal state
// of the full graph (stubborn sets keep deadlocks) and every completed
// snapshot's value and status.
func TestRapidReductionKeepsTerminalStates(t *testing.T) {
	compared := 0
	rapid.Check(t, func(rt *rapid.T) {
		alg := rapid.SampledFrom(model.BuiltinNames()).Draw(rt, "algorithm")
		cfg := modeltest.Config(modeltest.Options{MaxNodes: 3, MaxSnapshots: 2, MaxSends: 2, Algorithm: alg}).Draw(rt, "config")
		modeltest.Log(rt, cfg)
		sys, err := model.Build(cfg, nil)
		if err != nil {
			rt.Fatalf("build: %v", err)
		}
		fullT, fullS := outcomes(sys, sys.NewExpander(), 200000)
		if fullT == nil {
			rt.Skip("too large")
		}
		redT, redS := outcomes(sys, sys.NewExpanderWith(model.ExpanderOptions{Reduce: true}), 200000)
		compared++
		if len(fullT) != len(redT) {
			rt.Errorf("%d terminal states, %d with reduction", len(fullT), len(redT))
		}
		for k := range fullT {
			if !redT[k] {
				rt.Fatalf("reduction loses a terminal state")
			}
		}
		for k := range fullS {
			if !redS[k] {
				rt.Fatalf("reduction loses snapshot %s", k)
			}
		}
	})
	if compared == 0 {
		t.Error("every bank was too large: the property tested nothing")
	}
}

// TestStepMatchesEnabled: Step takes exactly the events that Enabled
// lists (it looks a receive up in its channel instead of listing every
// event): on random walks over examples with FIFO and non-FIFO channels,
// scripts, "any" workloads and internal actions, every listed event and
// every variation of one (another index, amount, node, channel, kind,
// snapshot, action) is taken by Step exactly when Enabled lists it.
func TestStepMatchesEnabled(t *testing.T) {
	files := []string{"lecture.json", "any-three.json", "two-snapshots.json", "scripted-initiation.json",
		"broken/late-markers.json", "nonfifo/two-snapshots-chandy-lamport.json", "nonfifo/any-three-no-turn-red.json",
		"nonfifo/lecture.json"}
	for _, f := range files {
		sys, err := algorithms.Load(filepath.Join("..", "examples", f))
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(1, 2))
		for walk := range 20 {
			st := sys.Initial()
			for step := 0; step < 200; step++ {
				var listed []model.Event
				sys.Enabled(st, func(e model.Event) { listed = append(listed, e) })
				if len(listed) == 0 {
					break
				}
				for _, e := range listed {
					for _, v := range []model.Event{e,
						func() model.Event { v := e; v.Index++; return v }(),
						func() model.Event { v := e; v.Index--; return v }(),
						func() model.Event { v := e; v.Amount++; return v }(),
						func() model.Event { v := e; v.Node = (v.Node + 1) % len(sys.Topo.Nodes); return v }(),
						func() model.Event { v := e; v.Chan = (v.Chan + 1) % len(sys.Topo.Chans); return v }(),
						func() model.Event { v := e; v.Control = !v.Control; return v }(),
						func() model.Event { v := e; v.Snap++; return v }(),
						func() model.Event { v := e; v.Action++; return v }(),
						func() model.Event { v := e; v.Kind = (v.Kind + 1) % 4; return v }(),
					} {
						_, err := sys.Step(st.Clone(), v)
						if want := slices.Contains(listed, v); (err == nil) != want {
							t.Fatalf("%s walk %d step %d: Step(%+v) error %v, but Enabled lists it: %v", f, walk, step, v, err, want)
						}
					}
				}
				// Every message in every channel, as a receive: on a FIFO
				// channel only the first is enabled.
				for c, q := range st.Chans {
					for k, m := range q {
						v := model.Event{Kind: model.Receive, Node: sys.Topo.Chans[c].To, Chan: c, Index: k, Amount: m.Amount, Control: m.Control, Snap: -1}
						if m.Control {
							v.Snap = int(m.Snap)
						}
						_, err := sys.Step(st.Clone(), v)
						if want := slices.Contains(listed, v); (err == nil) != want {
							t.Fatalf("%s walk %d step %d: Step(%+v) error %v, but Enabled lists it: %v", f, walk, step, v, err, want)
						}
					}
				}
				sys.Apply(st, listed[rng.IntN(len(listed))])
			}
		}
	}
}
