package properties

import (
	"math/rand/v2"
	"reflect"
	"testing"

	"github.com/snapcheck/snapcheck/model"
)

// randomRun is a maximal execution of sys (at most max events) drawn with
// seed.
func randomRun(sys *model.System, seed uint64, max int) []model.Event {
	rng := rand.New(rand.NewPCG(seed, 0))
	st, sp := sys.Initial(), newStepper(sys)
	var evs []model.Event
	for len(evs) < max {
		en := sp.events(st)
		if len(en) == 0 {
			break
		}
		e := en[rng.IntN(len(en))]
		evs = append(evs, e)
		sys.Apply(st, e)
	}
	return evs
}

// TestSparseStates: an execution that keeps only some of its states
// (its states over budget) gives every state, and every judgement, that
// the same execution keeping all of them gives, whatever the order the
// states are asked for in.
func TestSparseStates(t *testing.T) {
	for _, name := range []string{"lecture.json", "two-snapshots.json", "broken/late-markers.json", "nonfifo/two-snapshots-chandy-lamport.json", "nonfifo/any-three-no-turn-red.json", "any-three.json"} {
		sys := loadExample(t, name)
		for seed := range uint64(5) {
			evs := randomRun(sys, seed, 400)
			dense, err := Replay(sys, evs)
			if err != nil {
				t.Fatal(err)
			}
			for _, budget := range []int64{1, 2000, 20_000} {
				sparse, err := replay(sys, evs, budget)
				if err != nil {
					t.Fatal(err)
				}
				if budget == 1 && len(evs) > 4 && sparse.every == 1 {
					t.Errorf("%s seed %d: budget 1 kept every state", name, seed)
				}
				n := len(evs)
				for _, k := range append(append([]int{n, 0, n / 2, n / 2, n - 1}, perm(n+1, seed)...), n/3) {
					if k < 0 {
						continue
					}
					if got, want := sparse.State(k).Hash(), dense.State(k).Hash(); got != want {
						t.Fatalf("%s seed %d budget %d (every %d): state %d differs", name, seed, budget, sparse.every, k)
					}
				}
				for s := range sys.Topo.Snapshots {
					if !reflect.DeepEqual(sparse.Check(s), dense.Check(s)) || !reflect.DeepEqual(sparse.Witness(s), dense.Witness(s)) ||
						!reflect.DeepEqual(sparse.Recorded(s), dense.Recorded(s)) || !reflect.DeepEqual(sparse.Correct(s), dense.Correct(s)) {
						t.Errorf("%s seed %d budget %d: snapshot %d judged differently", name, seed, budget, s)
					}
				}
				if !reflect.DeepEqual(sparse.CheckTermination(), dense.CheckTermination()) {
					t.Errorf("%s seed %d budget %d: termination judged differently", name, seed, budget)
				}
			}
		}
	}
}

func perm(n int, seed uint64) []int {
	return rand.New(rand.NewPCG(seed, 1)).Perm(n)
}
