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

// unregistered is Chandy–Lamport without registers: the channels' marks
// alone say which channels a node still records, so that a marker that
// does not finish the snapshot changes the marks and nothing else of the
// head of the state encoding.
type unregistered struct{ model.Base }

func (unregistered) Name() string                  { return "unregistered" }
func (unregistered) Registers(*model.Topology) int { return 0 }
func (unregistered) OnInitiate(n *model.Node, s int) {
	n.Record(s)
	for _, ch := range n.In() {
		n.StartRecording(s, ch)
	}
	for _, ch := range n.Out() {
		n.SendControl(ch, s, 0)
	}
}

func (u unregistered) OnControl(n *model.Node, ch int, m model.Message) {
	s := int(m.Snap)
	if !n.Recorded(s) {
		u.OnInitiate(n, s)
	}
	n.StopRecording(s, ch)
	for _, in := range n.In() {
		if n.Recording(s, in) {
			return
		}
	}
	n.Finish(s)
}

func (unregistered) OnTransfer(n *model.Node, ch int, m model.Message) {
	for s := range n.Snapshots() {
		if n.Recorded(s) && !n.Done(s) && n.Recording(s, ch) {
			n.RecordMessage(s)
		}
	}
}

// wide keeps registers that leave a byte's varint and come back: a
// transfer received flips register 0 between 0 and 100, a transfer sent
// flips register 1 between 0 and -100.
type wide struct{ model.Base }

func (wide) Name() string                    { return "wide" }
func (wide) Registers(*model.Topology) int   { return 2 }
func (wide) OnInitiate(n *model.Node, s int) { n.Record(s) }
func (wide) OnTransfer(n *model.Node, _ int, _ model.Message) {
	n.SetReg(0, 100-n.Reg(0))
}
func (wide) OnSend(n *model.Node, _ int) uint32 {
	n.SetReg(1, -100-n.Reg(1))
	return 0
}

// TestExpanderUnusualAlgorithms: the expander re-encodes what an event
// changes of the head when the algorithm records with neither registers
// nor marks (quiet), or changes the marks without registers
// (unregistered): the built-in algorithms change registers whenever they
// record or mark. It patches registers in place only while they take a
// byte (wide).
func TestExpanderUnusualAlgorithms(t *testing.T) {
	const (
		bank = `{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 1}, {"id": "c", "balance": 0}],
		"workload": {"any": {"amounts": [1], "max_sends": 2}}, "snapshots": [{"id": "s1", "initiators": ["a", "b"]}]}`
		// a sends twice, and so flips its register back, before c receives
		richer = `{"nodes": [{"id": "a", "balance": 2}, {"id": "b", "balance": 0}, {"id": "c", "balance": 0}],
		"workload": {"any": {"amounts": [1], "max_sends": 2}}, "snapshots": [{"id": "s1", "initiators": ["a"]}]}`
	)
	for _, c := range []struct {
		alg  model.Algorithm
		bank string
	}{{quiet{}, bank}, {unregistered{}, bank}, {wide{}, richer}} {
		t.Run(c.alg.Name(), func(t *testing.T) { checkExpanderMatchesApply(t, c.alg, c.bank) })
	}
}

func checkExpanderMatchesApply(t *testing.T, alg model.Algorithm, bank string) {
	cfg, err := model.ParseConfig([]byte(bank))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := model.Build(cfg, alg)
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

// TestEmitted: during emit, Emitted gives the state of the successor being
// emitted; for any other bytes, and with symmetry reduction, nothing.
func TestEmitted(t *testing.T) {
	sys, states := sampleStates(t, "../examples/bench/any3n_ms2.json", 500)
	for _, sym := range []bool{false, true} {
		x := sys.NewExpanderWith(model.ExpanderOptions{Symmetry: sym})
		hits := 0
		for _, s := range states {
			var prev []byte
			x.Successors(s, func(next []byte, _ uint64) {
				st, ok := x.Emitted(next)
				if renamed := sym && x.Symmetric(); ok == renamed { // a renamed successor is not the expander's state
					t.Fatalf("symmetry %v: Emitted says %v", sym, ok)
				}
				if ok {
					hits++
					if got := st.Encode(nil); !bytes.Equal(got, next) {
						t.Fatalf("Emitted's state encodes as %x, want %x", got, next)
					}
				}
				if prev != nil && !bytes.Equal(prev, next) {
					if _, ok := x.Emitted(prev); ok {
						t.Fatal("Emitted gave a state for an earlier successor")
					}
				}
				prev = append(prev[:0], next...)
			})
		}
		if !sym && hits == 0 {
			t.Fatal("Emitted never gave a state")
		}
	}
}
