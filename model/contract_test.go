package model_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// rogue is an algorithm that breaks the contract in OnInitiate.
type rogue struct {
	model.Base
	name      string
	misbehave func(n *model.Node)
}

func (r rogue) Name() string                               { return r.name }
func (r rogue) Registers(*model.Topology) int              { return 1 }
func (r rogue) OnTransfer(*model.Node, int, model.Message) {}
func (r rogue) OnInitiate(n *model.Node, s int)            { r.misbehave(n) }

// TestContractBreaches: each way an algorithm can break the model's
// contract is a *ContractError naming it, never a silent corruption.
func TestContractBreaches(t *testing.T) {
	for _, tc := range []struct {
		name, want string
		f          func(n *model.Node)
	}{
		{"set-register", "writes register 1 of 1", func(n *model.Node) { n.Record(0); n.SetReg(1, 5) }},
		{"read-register", "reads register -1 of 1", func(n *model.Node) { n.Record(0); n.Reg(-1) }},
		{"no-record", "OnInitiate did not record", func(n *model.Node) {}},
		{"record-twice", "records snapshot s1 twice", func(n *model.Node) { n.Record(0); n.Record(0) }},
		{"control-on-incoming", "is not one of its outgoing channels", func(n *model.Node) { n.Record(0); n.SendControl(n.In()[0], 0, 0) }},
		{"record-outgoing", "is not one of its incoming channels", func(n *model.Node) { n.Record(0); n.StartRecording(0, n.Out()[0]) }},
		{"message-outside-transfer", "RecordMessage outside OnTransfer", func(n *model.Node) { n.Record(0); n.RecordMessage(0) }},
		{"control-of-no-snapshot", "snapshot 16 does not exist (there are 1)", func(n *model.Node) { n.Record(0); n.SendControl(n.Out()[0], 16, 0) }},
		{"record-no-snapshot", "snapshot 1 does not exist", func(n *model.Node) { n.Record(0); n.Record(1) }},
		{"recording-no-snapshot", "snapshot -1 does not exist", func(n *model.Node) { n.Record(0); n.Recording(-1, n.In()[0]) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 1}],
				"workload": {"any": {"amounts": [1], "max_sends": 0}}, "snapshots": [{"id": "s1", "initiators": ["a"]}]}`))
			if err != nil {
				t.Fatal(err)
			}
			sys, err := model.Build(cfg, rogue{name: tc.name, misbehave: tc.f})
			if err != nil {
				t.Fatal(err)
			}
			defer func() {
				r := recover()
				err, _ := r.(error)
				var ce *model.ContractError
				if !errors.As(err, &ce) || !strings.Contains(ce.Error(), tc.want) {
					t.Errorf("panic %v, want a *ContractError containing %q", r, tc.want)
				}
			}()
			st := sys.Initial()
			sys.Apply(st, model.Event{Kind: model.Initiate, Node: 0, Chan: -1, Snap: 0})
		})
	}
}

// hidden is an algorithm with only Algorithm's methods: none of the
// optional interfaces.
type hidden struct{ model.Algorithm }

// TestHasInternalHonest: an algorithm that says it has no internal
// actions (InternalActions) reaches the same states as when the model asks
// every node for them.
func TestHasInternalHonest(t *testing.T) {
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 1}, {"id": "c", "balance": 0}],
		"workload": {"any": {"amounts": [1], "max_sends": 1}}, "snapshots": [{"id": "s1", "initiators": ["a", "b"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	claims := 0
	for _, name := range algorithms.Names() {
		alg, err := algorithms.Lookup(name)
		if err != nil {
			t.Fatal(err)
		}
		ia, ok := alg.(model.InternalActions)
		if !ok {
			continue
		}
		t.Run(name, func(t *testing.T) {
			var counts [2]int
			for k, a := range []model.Algorithm{alg, hidden{alg}} {
				sys, err := model.Build(cfg, a)
				if err != nil {
					t.Fatal(err)
				}
				counts[k] = len(reachable(sys))
			}
			if counts[0] != counts[1] {
				t.Errorf("HasInternal %v: %d states, %d when asked for internal actions", ia.HasInternal(nil), counts[0], counts[1])
			}
		})
		if !ia.HasInternal(nil) {
			claims++
		}
	}
	if claims == 0 {
		t.Fatal("no algorithm claims to have no internal actions")
	}
}

// reachable returns the encodings of the states sys reaches.
func reachable(sys *model.System) map[string]bool {
	x := sys.NewExpander()
	seen := map[string]bool{}
	queue := [][]byte{x.Initial(nil)}
	for len(queue) > 0 {
		st := queue[len(queue)-1]
		queue = queue[:len(queue)-1]
		if seen[string(st)] {
			continue
		}
		seen[string(st)] = true
		x.Successors(st, func(next []byte, _ uint64) { queue = append(queue, append([]byte(nil), next...)) })
	}
	return seen
}
