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
	// Err is the model's error when it refused the event (Reason is its
	// text), nil for a hash that differs.
	Err error
}

// Error says at which step the replay diverged, and why.
func (e *DivergenceError) Error() string {
	if e.Step == 0 {
		return "initial state: " + e.Reason
	}
	return fmt.Sprintf("step %d: %s", e.Step, e.Reason)
}

// Unwrap returns the model's error, if any (errors.Is and errors.As see
// through a DivergenceError to it).
func (e *DivergenceError) Unwrap() error { return e.Err }

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
func Replay(tr *Trace) (*Outcome, error) { return ReplaySteps(tr, nil) }

// StepReport is one step of a replay that passed its checks: the event
// was enabled and the state hash after it matched the trace. Step 0 is the
// initial state (no event).
type StepReport struct {
	Step int
	Text string // the event as the model describes it; "initial state" for step 0
	Hash string
}

// ReplaySteps is Replay that calls step (when not nil) after each step
// that passed, in order, so a caller can show progress; the step that
// diverges is reported only through the *DivergenceError.
func ReplaySteps(tr *Trace, step func(StepReport)) (*Outcome, error) {
	if step == nil {
		step = func(StepReport) {}
	}
	sys, err := tr.System()
	if err != nil {
		return nil, err
	}
	st := sys.Initial()
	if h := HashString(st.Hash()); h != tr.InitialHash {
		return nil, &DivergenceError{Step: 0, Reason: fmt.Sprintf("state hash %s, the trace says %s", h, tr.InitialHash)}
	}
	step(StepReport{Step: 0, Text: "initial state", Hash: tr.InitialHash})
	events := make([]model.Event, 0, len(tr.Events))
	for i := range tr.Events {
		e, err := tr.ModelEvent(sys, i)
		if err != nil {
			return nil, &DivergenceError{Step: i + 1, Reason: err.Error(), Err: err}
		}
		if _, err := sys.Step(st, e); err != nil {
			return nil, &DivergenceError{Step: i + 1, Reason: err.Error(), Err: err}
		}
		if h := HashString(st.Hash()); h != tr.Events[i].Hash {
			return nil, &DivergenceError{Step: i + 1, Reason: fmt.Sprintf("%s: state hash %s, the trace says %s", sys.Describe(e), h, tr.Events[i].Hash)}
		}
		events = append(events, e)
		step(StepReport{Step: i + 1, Text: sys.Describe(e), Hash: tr.Events[i].Hash})
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
