package counterexamples

import (
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// shorter searches, by plain enumeration with no state merging, for an
// execution of fewer than limit events that violates property prop: a
// property of 2–5 judged at the event that completes the snapshot (SPEC
// §5.8), termination on a maximal execution. It returns the first found.
func shorter(sys *model.System, prop string, limit int) []model.Event {
	var path []model.Event
	var found []model.Event
	var walk func(st *model.State)
	walk = func(st *model.State) {
		if found != nil {
			return
		}
		evs := sys.Events(st)
		if len(evs) == 0 {
			if prop == properties.Termination && violates(sys, path, prop, -1) {
				found = append([]model.Event(nil), path...)
			}
			return
		}
		if len(path)+1 >= limit {
			return
		}
		for _, e := range evs {
			next := st.Clone()
			done := sys.Apply(next, e)
			path = append(path, e)
			if prop != properties.Termination {
				for s := range sys.Topo.Snapshots {
					if done&(1<<s) != 0 && violates(sys, path, prop, s) {
						found = append([]model.Event(nil), path...)
					}
				}
			}
			walk(next)
			path = path[:len(path)-1]
			if found != nil {
				return
			}
		}
	}
	walk(sys.Initial())
	return found
}

// violates judges the execution of events by property prop (of snapshot
// s, or termination when s < 0).
func violates(sys *model.System, events []model.Event, prop string, s int) bool {
	x, err := properties.Replay(sys, events)
	if err != nil {
		panic(err)
	}
	ps := x.CheckTermination()
	if s >= 0 {
		ps = x.Check(s)
	}
	for _, p := range ps {
		if p.Property == prop {
			return true
		}
	}
	return false
}

// shortestSystems are the configurations of the shortest-counterexample
// test: every small broken example, and the lecture's bank under the
// variants whose counterexamples are short enough to enumerate.
func shortestSystems(t *testing.T) map[string]*model.System {
	t.Helper()
	m := map[string]*model.System{}
	for name, sys := range corpusSystems(t) {
		if !strings.HasPrefix(name, "lecture-") && !strings.HasPrefix(name, "laiyang-") {
			m[name] = sys
		}
	}
	for _, alg := range []string{"no-channel-state", "stop-all-on-marker", "no-forward", "non-fifo"} {
		cfg, err := model.LoadConfig(filepath.Join("..", "examples", "lecture.json"))
		if err != nil {
			t.Fatal(err)
		}
		if alg == "non-fifo" {
			cfg.FIFO = false
		} else {
			cfg.Algorithm = alg
		}
		sys, err := algorithms.Build(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m["lecture-"+alg] = sys
	}
	return m
}

// TestShortest checks, on small configurations, that no execution shorter
// than the counterexample the checker reports violates the same property,
// and that the reported one does.
func TestShortest(t *testing.T) {
	systems := shortestSystems(t)
	names := make([]string, 0, len(systems))
	for n := range systems {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		sys := systems[name]
		t.Run(name, func(t *testing.T) {
			rep := checkSystem(t, sys)
			if len(rep.Violations) == 0 {
				t.Fatal("no violation")
			}
			for _, v := range rep.Violations {
				if len(v.Events) != v.Length {
					t.Errorf("%s: length %d, but %d events", v.Property, v.Length, len(v.Events))
				}
				s := sys.Topo.SnapshotIndex(v.Snapshot)
				if v.Property == properties.Termination {
					s = -1
				}
				if !violates(sys, v.Events, v.Property, s) {
					t.Errorf("%s: the reported trace does not violate it", v.Property)
				}
				if ev := shorter(sys, v.Property, len(v.Events)); ev != nil {
					var texts []string
					for _, e := range ev {
						texts = append(texts, sys.Describe(e))
					}
					t.Errorf("%s: the checker reports %d events, but %d suffice: %q", v.Property, len(v.Events), len(ev), texts)
				}
				t.Logf("%s: %d events, shortest", v.Property, len(v.Events))
			}
		})
	}
}

// TestShorterFinds makes sure the enumeration can fail: with a limit one
// above the reported length it finds a violation.
func TestShorterFinds(t *testing.T) {
	for _, b := range brokenExamples {
		sys := corpusSystems(t)[b.file[:len(b.file)-len(".json")]]
		for _, v := range checkSystem(t, sys).Violations {
			if shorter(sys, v.Property, len(v.Events)+1) == nil {
				t.Errorf("%s %s: the enumeration finds nothing within %d events", b.file, v.Property, len(v.Events))
			}
		}
	}
}
