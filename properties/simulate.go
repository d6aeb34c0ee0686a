package properties

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
)

// SimulateOptions of a simulation. The zero value is one uniform run with
// seed 0.
type SimulateOptions struct {
	// Runs, Seed and MaxSteps are explore.SimOptions'.
	Runs     int
	Seed     uint64
	MaxSteps int
	// MarkerWeight, when in [0, 1), is the weight of marker receives and of
	// the algorithm's internal actions (late-markers' marker sends) against
	// 1 for every other event, so that markers are delayed; 0 chooses them
	// only when nothing else is enabled. Values ≥ 1 or the default 0 with
	// BiasMarkers false mean a uniform choice.
	BiasMarkers  bool
	MarkerWeight float64
	// Progress is explore.SimOptions.Progress.
	Progress func(runs int, steps int64, elapsed time.Duration)
	// ProgressEvery is explore.SimOptions.ProgressEvery.
	ProgressEvery time.Duration
	// MaxMemory is explore.SimOptions.MaxMemory.
	MaxMemory int64
}

// SimViolation is a violation found by a simulation: the shortest
// occurrence over all runs, and the run it comes from.
type SimViolation struct {
	Violation
	Run int `json:"run"`
}

// SimReport is the outcome of a simulation. A verdict of OK means only
// that no run showed a violation: it is not a proof.
type SimReport struct {
	Verdict   Verdict `json:"verdict"`
	Config    string  `json:"config"`
	Algorithm string  `json:"algorithm"`
	Seed      uint64  `json:"seed"`
	// Runs is the number of runs done, RunsAsked the number asked.
	Runs      int `json:"runs"`
	RunsAsked int `json:"runs_asked"`
	// Steps is the number of events over all runs, Longest the longest run.
	Steps   int64 `json:"steps"`
	Longest int   `json:"longest"`
	// Cut is how many runs --max-steps cut: they are not maximal, so
	// termination is not judged on them.
	Cut          int            `json:"cut"`
	MarkerWeight *float64       `json:"marker_weight,omitempty"`
	Snapshots    []Snapshot     `json:"snapshots"`
	NeverStarted []string       `json:"never_started,omitempty"`
	Violations   []SimViolation `json:"violations"`
	Stopped      string         `json:"stopped,omitempty"`
	// ElapsedSeconds is the wall time of the simulation.
	ElapsedSeconds float64 `json:"elapsed_seconds"`
}

// Simulate checks every property of SPEC §2 on opts.Runs random maximal
// executions of sys, with the same checks as Check (state-based on every
// completion and every terminal state, then constructive on one execution
// per distinct snapshot). It is reproducible from opts.Seed. An error
// means the simulation could not run (an algorithm that breaks the model's
// contract, an internal inconsistency); verdicts are in the report.
func Simulate(ctx context.Context, sys *model.System, opts SimulateOptions) (rep *SimReport, err error) {
	defer catchContract(&err)
	if opts.BiasMarkers && (opts.MarkerWeight < 0 || opts.MarkerWeight != opts.MarkerWeight) {
		return nil, fmt.Errorf("simulate: marker weight must be ≥ 0, got %v", opts.MarkerWeight)
	}
	eo := explore.SimOptions{Runs: opts.Runs, Seed: opts.Seed, MaxSteps: opts.MaxSteps, Progress: opts.Progress, ProgressEvery: opts.ProgressEvery, MaxMemory: opts.MaxMemory}
	rep = &SimReport{
		Config:     sys.Config.Name,
		Algorithm:  sys.Algorithm().Name(),
		Seed:       opts.Seed,
		RunsAsked:  max(opts.Runs, 1),
		Snapshots:  []Snapshot{},
		Violations: []SimViolation{},
	}
	if opts.BiasMarkers && opts.MarkerWeight < 1 {
		w := opts.MarkerWeight
		rep.MarkerWeight = &w
		eo.Weights = markerWeights(sys, w)
	}
	res, err := explore.Simulate(ctx, newSpace(sys, false, Options{}), eo)
	if err != nil {
		return nil, fmt.Errorf("simulate: %w", err)
	}
	rep.Runs, rep.Steps, rep.Longest, rep.Cut = res.Runs, res.Steps, res.Longest, res.Cut
	rep.Stopped = res.Stopped
	rep.ElapsedSeconds = res.Elapsed.Seconds()
	for _, f := range res.Findings {
		kind, rest, _ := strings.Cut(f.Key, "\x00")
		switch kind {
		case keyNeverStarted:
			rep.NeverStarted = append(rep.NeverStarted, rest)
		case keySnapshot:
			evs, st, completed, _, err := followPath(sys, sys.NewExpander(), f.Path, false)
			if err != nil {
				return nil, err
			}
			v, err := valueWithKey(sys, st, completed, rest)
			if err != nil {
				return nil, err
			}
			rep.Snapshots = append(rep.Snapshots, Snapshot{SnapshotValue: v, Executions: [][]model.Event{evs}})
		case keyViolation:
			prop, _, _ := strings.Cut(rest, "\x00")
			evs, x, err := resolve(sys, f.Path)
			if err != nil {
				return nil, err
			}
			rep.Violations = append(rep.Violations, SimViolation{Violation: explain(x, prop, evs), Run: f.Run})
		}
	}
	sort.Strings(rep.NeverStarted)
	// The constructive feasibility check (property 5) on the execution kept
	// for each distinct snapshot, as Check does.
	if err := crossCheck(sys, &Report{Snapshots: rep.Snapshots}, 1); err != nil {
		return nil, err
	}
	sort.SliceStable(rep.Snapshots, func(i, j int) bool {
		return CompareValues(&sys.Topo, rep.Snapshots[i].SnapshotValue, rep.Snapshots[j].SnapshotValue) < 0
	})
	sort.SliceStable(rep.Violations, func(i, j int) bool {
		return propertyRank(rep.Violations[i].Property) < propertyRank(rep.Violations[j].Property)
	})
	switch {
	case len(rep.Violations) > 0:
		rep.Verdict = Violated
	case rep.Stopped != "":
		rep.Verdict = Incomplete
	default:
		rep.Verdict = OK
	}
	return rep, nil
}

func propertyRank(p string) int {
	for i, q := range propertyOrder {
		if q == p {
			return i
		}
	}
	return len(propertyOrder)
}

// markerWeights gives marker receives and internal actions weight w and
// every other event weight 1, in the order of the events' successors.
func markerWeights(sys *model.System, w float64) func([]byte, []float64) []float64 {
	var st model.State
	return func(state []byte, dst []float64) []float64 {
		if err := sys.Decode(state, &st); err != nil {
			panic(fmt.Sprintf("snapcheck: internal error: %v", err))
		}
		sys.Enabled(&st, func(e model.Event) {
			if e.Kind == model.Internal || e.Kind == model.Receive && e.Control {
				dst = append(dst, w)
			} else {
				dst = append(dst, 1)
			}
		})
		return dst
	}
}
