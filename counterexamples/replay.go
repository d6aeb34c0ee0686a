package counterexamples

import (
	"fmt"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/properties"
)

// DivergenceError is a trace that does not replay: an event that is not
// enabled, or a state hash that differs. Step 0 is the initial state.
type DivergenceError struct {
	Step   int
	Reason string
}

func (e *DivergenceError) Error() string {
	if e.Step == 0 {
		return "initial state: " + e.Reason
	}
	return fmt.Sprintf("step %d: %s", e.Step, e.Reason)
}

// Outcome is the result of replaying a trace.
type Outcome struct {
	System    *model.System
	Execution *properties.Execution
	// Problems are the violations the replayed execution shows: of its
	// completed snapshots, and termination when it is maximal.
	Problems []properties.Problem
	// Reproduced is true when the trace is a counterexample and its
	// property is among Problems.
	Reproduced bool
}

// Replay re-executes the trace through the model from its file alone,
// checking that every event is enabled and every state hash matches. A
// *DivergenceError says where it stops; other errors are a bad file.
func Replay(tr *Trace) (*Outcome, error) {
	sys, err := tr.System()
	if err != nil {
		return nil, err
	}
	st := sys.Initial()
	if h := HashString(st.Hash()); h != tr.InitialHash {
		return nil, &DivergenceError{0, fmt.Sprintf("state hash %s, the trace says %s", h, tr.InitialHash)}
	}
	events := make([]model.Event, 0, len(tr.Events))
	for i := range tr.Events {
		e, err := tr.ModelEvent(sys, i)
		if err != nil {
			return nil, &DivergenceError{i + 1, err.Error()}
		}
		if _, err := sys.Step(st, e); err != nil {
			return nil, &DivergenceError{i + 1, err.Error()}
		}
		if h := HashString(st.Hash()); h != tr.Events[i].Hash {
			return nil, &DivergenceError{i + 1, fmt.Sprintf("%s: state hash %s, the trace says %s", sys.Describe(e), h, tr.Events[i].Hash)}
		}
		events = append(events, e)
	}
	x, err := properties.Replay(sys, events)
	if err != nil {
		return nil, fmt.Errorf("internal error: %w", err)
	}
	o := &Outcome{System: sys, Execution: x}
	for s := range sys.Topo.Snapshots {
		o.Problems = append(o.Problems, x.Check(s)...)
	}
	o.Problems = append(o.Problems, x.CheckTermination()...)
	if tr.Kind == KindCounterexample {
		for _, p := range o.Problems {
			if p.Property == tr.Property && (tr.Snapshot == "" || p.Snapshot == tr.Snapshot) {
				o.Reproduced = true
			}
		}
	}
	return o, nil
}
