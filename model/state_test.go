package model_test

import (
	"bytes"
	"math/rand/v2"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// TestEncodeDecodeRoundTrip walks random executions of every example and
// checks that every state survives Encode→Decode, and that the encoding is
// canonical (re-encoding gives the same bytes).
func TestEncodeDecodeRoundTrip(t *testing.T) {
	files, err := filepath.Glob("../examples/*/*.json")
	if err != nil {
		t.Fatal(err)
	}
	more, _ := filepath.Glob("../examples/*.json")
	files = append(files, more...)
	rng := rand.New(rand.NewPCG(1, 2))
	states := 0
	for _, f := range files {
		sys, err := algorithms.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		for run := 0; run < 20; run++ {
			st := sys.Initial()
			for step := 0; step < 200; step++ {
				enc := st.Encode(nil)
				var got model.State
				if err := sys.Decode(enc, &got); err != nil {
					t.Fatalf("%s: decode: %v", f, err)
				}
				if !reflect.DeepEqual(normal(st), normal(&got)) {
					t.Fatalf("%s: round trip changed the state:\n%+v\n%+v", f, st, &got)
				}
				if re := got.Encode(nil); !bytes.Equal(re, enc) {
					t.Fatalf("%s: re-encoding differs", f)
				}
				if got.Hash() != st.Hash() {
					t.Fatalf("%s: hash differs after round trip", f)
				}
				states++
				evs := sys.Events(st)
				if len(evs) == 0 {
					break
				}
				sys.Apply(st, evs[rng.IntN(len(evs))])
			}
		}
	}
	if states < 1000 {
		t.Fatalf("only %d states checked", states)
	}
}

// normal makes empty slices nil so that DeepEqual compares contents.
func normal(st *model.State) *model.State {
	c := st.Clone()
	for i := range c.RecChan {
		if len(c.RecChan[i]) == 0 {
			c.RecChan[i] = nil
		}
	}
	for i := range c.Chans {
		if len(c.Chans[i]) == 0 {
			c.Chans[i] = nil
		}
	}
	return c
}

// TestDecodeRejectsGarbage: truncated or extended encodings are errors.
func TestDecodeRejectsGarbage(t *testing.T) {
	sys, err := algorithms.Load("../examples/lecture.json")
	if err != nil {
		t.Fatal(err)
	}
	enc := sys.Initial().Encode(nil)
	var st model.State
	for i := 0; i < len(enc); i++ {
		if err := sys.Decode(enc[:i], &st); err == nil {
			t.Errorf("decode of the first %d of %d bytes succeeded", i, len(enc))
		}
	}
	if err := sys.Decode(append(enc, 0), &st); err == nil {
		t.Errorf("decode with a trailing byte succeeded")
	}
}

// TestExpanderMatchesApply: the expander's successors (which undo each
// event in place) are exactly Apply on a fresh copy, for every event of
// states along random executions of every example, reduced or not.
func TestExpanderMatchesApply(t *testing.T) {
	files, _ := filepath.Glob("../examples/*/*.json")
	more, _ := filepath.Glob("../examples/*.json")
	files = append(files, more...)
	rng := rand.New(rand.NewPCG(3, 4))
	for _, f := range files {
		sys, err := algorithms.Load(f)
		if err != nil {
			t.Fatal(err)
		}
		x := sys.NewExpander()
		for run := 0; run < 5; run++ {
			st := sys.Initial()
			for step := 0; step < 100; step++ {
				evs := sys.Events(st)
				var want [][]byte
				for _, e := range evs {
					c := st.Clone()
					sys.Apply(c, e)
					want = append(want, c.Encode(nil))
				}
				k := 0
				x.Successors(st.Encode(nil), func(next []byte, _ uint64) {
					if k >= len(want) || !bytes.Equal(next, want[k]) {
						t.Fatalf("%s: successor %d differs from Apply", f, k)
					}
					k++
				})
				if k != len(want) {
					t.Fatalf("%s: %d successors, want %d", f, k, len(want))
				}
				if len(evs) == 0 {
					break
				}
				sys.Apply(st, evs[rng.IntN(len(evs))])
			}
		}
	}
}

// quiet records and finishes a snapshot when it starts it, with no
// register, mark or control message: the recording changes the head of
// the state encoding alone.
type quiet struct{ model.Base }

func (quiet) Name() string                               { return "quiet" }
func (quiet) Registers(*model.Topology) int              { return 0 }
func (quiet) OnTransfer(*model.Node, int, model.Message) {}
func (quiet) OnInitiate(n *model.Node, s int)            { n.Record(s) }

// TestExpanderQuietRecording: the expander re-encodes the recordings that
// an event changes when the algorithm touches neither registers nor marks
// (the built-in algorithms always do one or the other when they record).
func TestExpanderQuietRecording(t *testing.T) {
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 2}, {"id": "b", "balance": 1}],
		"workload": {"any": {"amounts": [1], "max_sends": 2}}, "snapshots": [{"id": "s1", "initiators": ["a", "b"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Build(cfg, quiet{})
	if err != nil {
		t.Fatal(err)
	}
	x := sys.NewExpander()
	seen := map[string]bool{}
	queue := []*model.State{sys.Initial()}
	for len(queue) > 0 {
		st := queue[0]
		queue = queue[1:]
		enc := st.Encode(nil)
		if seen[string(enc)] {
			continue
		}
		seen[string(enc)] = true
		var want [][]byte
		for _, e := range sys.Events(st) {
			c := st.Clone()
			sys.Apply(c, e)
			want = append(want, c.Encode(nil))
			queue = append(queue, c)
		}
		k := 0
		x.Successors(enc, func(next []byte, _ uint64) {
			if k >= len(want) || !bytes.Equal(next, want[k]) {
				t.Fatalf("successor %d of a state differs from Apply's", k)
			}
			k++
		})
		if k != len(want) {
			t.Fatalf("%d successors, want %d", k, len(want))
		}
	}
	if len(seen) < 20 {
		t.Fatalf("only %d states explored", len(seen))
	}
}
