package properties

import (
	"bytes"
	"cmp"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
)

// space adapts a model.System to explore.Space and checks SPEC §2's
// properties on states: every check reads only the state (with its ghost
// information), so merging equal states never hides a violation.
type space struct {
	sys *model.System
	x   *model.Expander
	st  model.State
	all bool
	key []byte
	// keys holds the snapshot findings' keys made so far (up to maxKeys),
	// so that a snapshot met again costs no new string.
	keys map[string]string
	rens []model.Renaming // with symmetry reduction
	ren  model.State
	alt  []byte
	_    [128]byte // keeps another worker's space off these cache lines
}

func newSpace(sys *model.System, all bool, o Options) *space {
	sp := &space{sys: sys, all: all, x: sys.NewExpanderWith(model.ExpanderOptions{Reduce: o.Reduce, Symmetry: o.Symmetry})}
	if o.Symmetry {
		sp.rens = sys.Symmetries()
	}
	return sp
}

// snapshotKey appends the key of snapshot sn's value in st: its valueKey,
// or with symmetry reduction the least valueKey among st's renamings (the
// same for every value of an orbit, since the search meets each orbit
// through one state or another).
func (s *space) snapshotKey(dst []byte, st *model.State, sn int) []byte {
	start := len(dst)
	dst = valueKey(dst, s.sys, st, sn)
	for k := range s.rens {
		s.sys.Rename(&s.rens[k], st, &s.ren)
		s.alt = valueKey(s.alt[:0], s.sys, &s.ren, sn)
		if bytes.Compare(s.alt, dst[start:]) < 0 {
			dst = append(dst[:start], s.alt...)
		}
	}
	return dst
}

func (s *space) Initial(dst []byte) []byte { return s.x.Initial(dst) }

func (s *space) Successors(state []byte, emit func([]byte, uint64)) { s.x.Successors(state, emit) }

// Finding keys: "snapshot\x00<value key>", "violation\x00<property>" (with
// --all-violations also "\x00<snapshot>\x00<detail>"), "never-started\x00<id>".
const (
	keySnapshot     = "snapshot"
	keyViolation    = "violation"
	keyNeverStarted = "never-started"
)

func (s *space) Transition(_, to []byte, note uint64, report func(explore.Finding)) {
	st, ok := s.x.Emitted(to) // the expander's state, when it is emitting to
	if !ok {
		if err := s.sys.Decode(to, &s.st); err != nil {
			panic(fmt.Sprintf("snapcheck: internal error: %v", err))
		}
		st = &s.st
	}
	for sn := range s.sys.Topo.Snapshots {
		if note&(1<<sn) == 0 {
			continue
		}
		s.key = s.snapshotKey(append(s.key[:0], keySnapshot+"\x00"...), st, sn)
		report(explore.Finding{Key: s.intern(s.key)})
		value := s.key[len(keySnapshot)+1:]
		for _, p := range StateViolations(s.sys, st, sn) {
			key := keyViolation + "\x00" + p
			if s.all {
				key += "\x00" + string(value)
			}
			report(explore.Finding{Key: key, Violation: true})
		}
	}
}

// maxKeys bounds the keys a space keeps (intern).
const maxKeys = 1 << 16

// intern returns b as a string, the same one for equal bytes while it
// keeps fewer than maxKeys.
func (s *space) intern(b []byte) string {
	if k, ok := s.keys[string(b)]; ok {
		return k
	}
	k := string(b)
	if s.keys == nil {
		s.keys = map[string]string{}
	}
	if len(s.keys) < maxKeys {
		s.keys[k] = k
	}
	return k
}

func (s *space) Terminal(state []byte, report func(explore.Finding)) {
	if err := s.sys.Decode(state, &s.st); err != nil {
		panic(fmt.Sprintf("snapcheck: internal error: %v", err))
	}
	for sn, id := range s.sys.Topo.Snapshots {
		if s.st.Snap[sn]&model.SnapComplete != 0 {
			continue
		}
		if !started(s.sys, &s.st, sn) {
			report(explore.Finding{Key: keyNeverStarted + "\x00" + id})
			continue
		}
		key := keyViolation + "\x00" + Termination
		if s.all {
			mask := doneMask(s.sys, &s.st, sn)
			for k := range s.rens {
				s.sys.Rename(&s.rens[k], &s.st, &s.ren)
				mask = min(mask, doneMask(s.sys, &s.ren, sn))
			}
			key += "\x00" + id + "\x00" + mask
		}
		report(explore.Finding{Key: key, Violation: true})
	}
}

func doneMask(sys *model.System, st *model.State, s int) string {
	n := len(sys.Topo.Nodes)
	b := make([]byte, n)
	for i := range b {
		r := st.Rec[s*n+i]
		b[i] = "RD"[btoi(r.Done)]
		if !r.Recorded {
			b[i] = '-'
		}
	}
	return string(b)
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// StateViolations lists the properties (2–4 of SPEC §2) that completed
// snapshot s violates in state st, judged from the state alone.
func StateViolations(sys *model.System, st *model.State, s int) []string {
	var ps []string
	if recordedTotal(sys, st, s) != sys.Total() {
		ps = append(ps, Conservation)
	}
	if st.Snap[s]&model.SnapCutBroken != 0 {
		ps = append(ps, ConsistentCut)
	}
	if st.Snap[s]&model.SnapChannelWrong != 0 {
		ps = append(ps, ChannelStates)
	}
	return ps
}

// Verdict is the outcome of a check.
type Verdict string

// The verdicts.
const (
	OK         Verdict = "ok"
	Violated   Verdict = "violation"
	Incomplete Verdict = "incomplete"
)

// Options of a check. The zero value is an unlimited breadth-first check.
type Options struct {
	Explore explore.Options
	// AllViolations keeps every distinct violation, not only the first of
	// each property.
	AllViolations bool
	// Witnesses is how many executions to keep per distinct snapshot
	// (default 1).
	Witnesses int
	// Reduce turns on partial-order reduction (model.NewReducedExpander):
	// the same verdicts and distinct snapshots from fewer states; states,
	// transitions and executions are then those of the reduced graph, and a
	// counterexample is the shortest in the reduced graph.
	Reduce bool
	// Symmetry turns on symmetry reduction (model.Symmetric): the search
	// keeps one state per orbit of the system's renamings of nodes. The
	// verdicts and the distinct snapshots are the same (each snapshot found
	// is listed with its renamings, recorded by the renamed executions);
	// states, transitions and executions are the reduced graph's. With
	// AllViolations, violations are kept one per orbit of their values.
	Symmetry bool
}

// Violation is one violated property with its counterexample: the events
// from the initial state, shortest first under breadth-first search.
type Violation struct {
	Property string        `json:"property"`
	Snapshot string        `json:"snapshot,omitempty"`
	Message  string        `json:"message"`
	Length   int           `json:"length"`
	Trace    string        `json:"trace,omitempty"`
	Events   []model.Event `json:"-"`
	// Recorded and Correct compare, for properties 2–4, what the snapshot
	// recorded with what a correct snapshot would hold.
	Recorded *SnapshotValue `json:"recorded,omitempty"`
	Correct  *SnapshotValue `json:"correct,omitempty"`
	// Feasibility is, for properties 2–4, the constructive check of SPEC
	// §2.5 on the counterexample: why the recorded state has no
	// reordering witness.
	Feasibility string `json:"feasibility,omitempty"`
}

// Snapshot is a distinct recorded snapshot value with executions that
// record it.
type Snapshot struct {
	SnapshotValue
	Executions [][]model.Event `json:"-"`
	// Witnesses counts, among the executions examined, those that actually
	// passed through the recorded state and those for which it is only
	// feasible (SPEC §2.6).
	Witnesses *WitnessCounts `json:"witnesses,omitempty"`
	// WitnessTrace is the witness trace file written for this snapshot
	// (snapcheck check --witnesses), if any.
	WitnessTrace string `json:"witness_trace,omitempty"`
}

// Report is the outcome of a check, in the shape of SPEC §4.1.
type Report struct {
	Verdict   Verdict `json:"verdict"`
	Config    string  `json:"config"`
	Algorithm string  `json:"algorithm"`
	Strategy  string  `json:"strategy"`
	Reduction string  `json:"reduction"`
	// Renamings is, with symmetry reduction, how many renamings of nodes
	// other than the identity map the bank to itself.
	Renamings      int         `json:"renamings,omitempty"`
	States         int64       `json:"states"`
	Transitions    int64       `json:"transitions"`
	Executions     *big.Int    `json:"executions"`
	ExecutionsNote string      `json:"executions_note,omitempty"`
	TerminalStates int64       `json:"terminal_states"`
	Depth          int         `json:"depth"`
	Snapshots      []Snapshot  `json:"snapshots"`
	NeverStarted   []string    `json:"never_started,omitempty"`
	Violations     []Violation `json:"violations"`
	Stopped        string      `json:"stopped,omitempty"`
	// Unlisted counts the distinct snapshots that the search found and the
	// report does not list, because rebuilding their executions (after
	// the search) was stopped: by ctx becoming done while they were
	// rebuilt, or by the memory limit (Stopped). Under
	// symmetry reduction it counts orbits: each stands for one or more
	// renamed values.
	Unlisted        int     `json:"unlisted_snapshots,omitempty"`
	ElapsedSeconds  float64 `json:"elapsed_seconds"`
	StatesPerSecond float64 `json:"states_per_second"`
	StoreBytes      int64   `json:"store_bytes"`
	// Workers is how many goroutines searched: --workers, or one for a
	// depth-first search, which is sequential.
	Workers int    `json:"workers"`
	Store   string `json:"store"`
	// CollisionProbability is, for the fingerprint store, the estimated
	// probability that two different states were merged.
	CollisionProbability float64 `json:"collision_probability,omitempty"`
}

// Check explores every execution of sys and checks every property on
// every snapshot. An error means the check could not run (an algorithm
// that breaks the model's contract); verdicts are in the report.
func Check(ctx context.Context, sys *model.System, opts Options) (rep *Report, err error) {
	defer catchContract(&err)
	eo := opts.Explore
	eo.Keep = max(opts.Witnesses, 1)
	sp := newSpace(sys, opts.AllViolations, opts)
	eo.NewSpace = func() explore.Space { return newSpace(sys, opts.AllViolations, opts) }
	res, err := explore.Run(ctx, sp, eo)
	if err != nil {
		return nil, err
	}
	rep = &Report{
		Config:               sys.Config.Name,
		Algorithm:            sys.Algorithm().Name(),
		Strategy:             eo.Strategy.String(),
		Reduction:            reduction(opts.Reduce, len(sp.rens) > 0),
		Renamings:            len(sp.rens),
		States:               res.States,
		Transitions:          res.Transitions,
		Executions:           res.Executions,
		ExecutionsNote:       res.ExecutionsNote,
		TerminalStates:       res.Terminal,
		Depth:                res.Depth,
		Snapshots:            []Snapshot{},
		Violations:           []Violation{},
		Stopped:              res.Stopped,
		ElapsedSeconds:       res.Elapsed.Seconds(),
		StoreBytes:           res.StoreBytes,
		Workers:              max(eo.Workers, 1),
		Store:                storeName(eo.Fingerprints),
		CollisionProbability: res.CollisionProbability,
	}
	if eo.Strategy == explore.DFS {
		rep.Workers = 1
	}
	if s := res.Elapsed.Seconds(); s > 0 {
		rep.StatesPerSecond = float64(res.States) / s
	}
	if err := fillReport(ctx, sys, opts, eo.Workers, res, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

// fillReport does the work of Check after the search: it rebuilds the
// executions of res's findings into rep's violations and snapshots, checks
// their witnesses, sorts the snapshots and sets the verdict. Rebuilding
// the snapshots' executions stops when ctx becomes done meanwhile, or the
// process holds more memory than the limit allows: the snapshots not
// rebuilt then are not listed (rep.Unlisted), and the verdict is not ok.
// A search that ctx interrupted has what it found rebuilt in full.
func fillReport(ctx context.Context, sys *model.System, opts Options, workers int, res *explore.Result, rep *Report) error {
	// Rebuilding the executions of the distinct snapshots is independent
	// work per snapshot: done by the workers, kept in the findings' order.
	var snapFindings []*explore.Found
	for _, f := range res.Findings {
		kind, rest, _ := strings.Cut(f.Key, "\x00")
		switch kind {
		case keyNeverStarted:
			rep.NeverStarted = append(rep.NeverStarted, rest)
		case keySnapshot:
			snapFindings = append(snapFindings, f)
		case keyViolation:
			prop, _, _ := strings.Cut(rest, "\x00")
			evs, x, err := resolveWith(sys, newSpace(sys, false, opts).x, f.Paths[0])
			if err != nil {
				return err
			}
			rep.Violations = append(rep.Violations, explain(x, prop, evs))
		}
	}
	// Each worker also checks the witnesses of the executions it rebuilt
	// (crossCheck's work), on the executions it analysed while rebuilding
	// them. Its errors come after every rebuilding error, as if crossCheck
	// ran afterwards.
	snaps := make([][]Snapshot, len(snapFindings))
	witnessErrs := make([]error, len(snapFindings))
	if ctx.Err() != nil {
		// The search was interrupted: rebuild what it found all the same,
		// as a search stopped by a limit does.
		ctx = context.WithoutCancel(ctx)
	}
	halt := halter{ctx: ctx, limit: opts.Explore.MaxMemory, start: time.Now()}
	rbs := make([]*rebuild, parallelWorkers(len(snapFindings), workers))
	err := parallelFor(len(snapFindings), workers, func(w, k int) error {
		f := snapFindings[k]
		_, rest, _ := strings.Cut(f.Key, "\x00")
		if rbs[w] == nil {
			rbs[w] = newRebuild(newSpace(sys, false, opts))
		}
		rb := rbs[w]
		sp := rb.space
		var snap Snapshot
		var last *model.State
		var sn int
		var xs []*Execution // nil for an execution renamed after its rebuilding
		for i, p := range f.Paths {
			if halt.why() != "" {
				rb.reclaim(xs)
				return nil // not listed (snaps[k] stays nil)
			}
			evs, st, completed, x, err := rb.follow(p, true)
			if err != nil {
				return err
			}
			if i == 0 {
				if sn, err = sp.snapshotWithKey(st, completed, rest); err != nil {
					return err
				}
				snap.SnapshotValue, last = RecordedValue(sys, st, sn), st
			} else {
				var renamed bool
				if evs, renamed, err = rb.sameValue(evs, st, last, sn); err != nil {
					return err
				}
				if renamed {
					x = nil
				}
			}
			snap.Executions = append(snap.Executions, evs)
			xs = append(xs, x)
		}
		snaps[k] = []Snapshot{snap}
		// Under symmetry reduction the finding stands for an orbit: list
		// every renaming of the value, recorded by the renamed executions.
		seen := map[string]bool{string(valueKey(nil, sys, last, sn)): true}
		for r := range sp.rens {
			sys.Rename(&sp.rens[r], last, &sp.ren)
			key := string(valueKey(nil, sys, &sp.ren, sn))
			if seen[key] {
				continue
			}
			seen[key] = true
			other := Snapshot{SnapshotValue: RecordedValue(sys, &sp.ren, sn)}
			for j, evs := range snap.Executions {
				renamed, err := rb.renameStates(&sp.rens[r], evs, xs[j])
				if err != nil {
					return err
				}
				other.Executions = append(other.Executions, renamed)
			}
			snaps[k] = append(snaps[k], other)
		}
		witnessErrs[k] = countWitnesses(sys, &snaps[k][0], xs)
		rb.reclaim(xs)
		return nil
	})
	if err != nil {
		return err
	}
	halted := halt.halted.Load()
	if halted != nil {
		if rep.Stopped != "" {
			rep.Stopped += "; then "
		}
		rep.Stopped += *halted
	}
	for _, err := range witnessErrs {
		if err != nil {
			return err
		}
	}
	// A renamed snapshot's executions are the renamings of its
	// representative's, and renaming keeps happens-before and every replay:
	// their witness counts are the representative's.
	for _, ss := range snaps {
		if ss == nil {
			rep.Unlisted++
			continue
		}
		for j := 1; j < len(ss); j++ {
			c := *ss[0].Witnesses
			ss[j].Witnesses = &c
		}
		rep.Snapshots = append(rep.Snapshots, ss...)
	}
	explainFeasibility(sys, rep)
	sortSnapshots(&sys.Topo, rep.Snapshots)
	switch {
	case len(rep.Violations) > 0:
		rep.Verdict = Violated
	case !res.Complete || halted != nil:
		rep.Verdict = Incomplete
	default:
		rep.Verdict = OK
	}
	return nil
}

// halter tells the rebuilding of executions after the search to stop: when
// ctx is done, or when the process holds more memory than limit allows,
// looked at (before an execution is rebuilt) at most every millisecond:
// reading it at each of tens of thousands of executions took a fifth of
// the rebuilding's time, and a millisecond's allocations are far less
// than the limit's margin.
type halter struct {
	ctx    context.Context
	limit  int64
	looked atomic.Int64 // when memory was last looked at (ns since start)
	start  time.Time
	halted atomic.Pointer[string] // why, once a call said to stop
}

// overLimit reports whether the process holds more memory than the limit
// allows, if h looks at it now.
func (h *halter) overLimit() bool {
	if h.limit <= 0 {
		return false
	}
	now, last := time.Since(h.start).Nanoseconds(), h.looked.Load()
	if last != 0 && now-last < int64(time.Millisecond) || !h.looked.CompareAndSwap(last, now) {
		return false
	}
	return explore.MemoryInUse() > explore.UsableMemory(h.limit)
}

// why is why to stop, or "".
func (h *halter) why() string {
	if w := h.halted.Load(); w != nil {
		return *w
	}
	var why string
	switch {
	case h.ctx.Err() != nil:
		why = "interrupted while the executions of the distinct snapshots were rebuilt"
	case h.overLimit():
		why = fmt.Sprintf("memory limit (--max-memory %d MB) reached while the executions of the distinct snapshots were rebuilt", h.limit>>20)
	default:
		return ""
	}
	h.halted.CompareAndSwap(nil, &why)
	return *h.halted.Load()
}

// sortSnapshots sorts snaps stably by CompareValues, reading each value's
// maps once rather than at every comparison.
func sortSnapshots(t *model.Topology, snaps []Snapshot) {
	type sortKey struct {
		snap  int
		nodes []int
		chans [][]int32
	}
	names := make([]string, len(t.Chans))
	for c := range t.Chans {
		names[c] = t.ChannelName(c)
	}
	keys := make([]sortKey, len(snaps))
	order := make([]int, len(snaps))
	for i := range snaps {
		v := &snaps[i].SnapshotValue
		k := sortKey{snap: t.SnapshotIndex(v.ID), nodes: make([]int, len(t.Nodes)), chans: make([][]int32, len(t.Chans))}
		for j, n := range t.Nodes {
			k.nodes[j] = v.Nodes[n]
		}
		for c, name := range names {
			k.chans[c] = v.Channels[name]
		}
		keys[i], order[i] = k, i
	}
	// As CompareValues compares.
	slices.SortStableFunc(order, func(i, j int) int {
		a, b := &keys[i], &keys[j]
		if c := cmp.Compare(a.snap, b.snap); c != 0 {
			return c
		}
		if c := slices.Compare(a.nodes, b.nodes); c != 0 {
			return c
		}
		for ch := range a.chans {
			if c := slices.Compare(a.chans[ch], b.chans[ch]); c != 0 {
				return c
			}
		}
		return 0
	})
	sorted := make([]Snapshot, len(snaps))
	for k, i := range order {
		sorted[k] = snaps[i]
	}
	copy(snaps, sorted)
}

// resolve turns a path of event indices into events and replays them.
func resolve(sys *model.System, path []int) ([]model.Event, *Execution, error) {
	return resolveWith(sys, sys.NewExpander(), path)
}

// resolveWith resolves a path against the event lists of x (reduced or
// not), which must be the expander the search used.
func resolveWith(sys *model.System, ex *model.Expander, path []int) ([]model.Event, *Execution, error) {
	evs, _, _, x, err := followPath(sys, ex, path, true)
	if err != nil {
		return nil, nil, err
	}
	return evs, x, nil
}

// explain builds the violation of prop that execution x shows.
func explain(x *Execution, prop string, evs []model.Event) Violation {
	v := Violation{Property: prop, Events: evs, Length: len(evs)}
	var problems []Problem
	if prop == Termination {
		problems = x.CheckTermination()
	} else {
		last := len(x.Events) - 1
		for s, k := range x.CompleteAt {
			if k == last {
				for _, p := range x.Check(s) {
					// The first snapshot with a problem of prop: the one
					// whose problem gives the snapshot and message below.
					if p.Property == prop && v.Recorded == nil {
						rec, cor := x.Recorded(s), x.Correct(s)
						v.Recorded, v.Correct = &rec, &cor
					}
					problems = append(problems, p)
				}
			}
		}
	}
	for _, p := range problems {
		if p.Property == prop {
			v.Snapshot, v.Message = p.Snapshot, p.Message
			break
		}
	}
	if v.Message == "" {
		// The state-based check found it; the concrete one must agree.
		v.Message = "the state-based check found this violation, but the replayed execution does not show it (internal inconsistency)"
	}
	return v
}

func reduction(por, symmetry bool) string {
	switch {
	case por && symmetry:
		return "por+symmetry"
	case por:
		return "por"
	case symmetry:
		return "symmetry"
	}
	return "none"
}

func storeName(fp bool) string {
	if fp {
		return "fingerprint"
	}
	return "exact"
}

// valueKey appends a compact canonical key of snapshot s's recorded value
// in st: the snapshot, the recorded balances, and each channel's recorded
// amounts. Equal keys are equal values (SnapshotValue.Key is the readable
// equivalent).
func valueKey(dst []byte, sys *model.System, st *model.State, s int) []byte {
	n, c := len(sys.Topo.Nodes), len(sys.Topo.Chans)
	dst = binary.AppendUvarint(dst, uint64(s))
	for i := 0; i < n; i++ {
		dst = binary.AppendUvarint(dst, uint64(uint32(st.Rec[s*n+i].Balance)))
	}
	for ch := 0; ch < c; ch++ {
		r := st.RecChan[s*c+ch]
		dst = binary.AppendUvarint(dst, uint64(len(r)))
		for _, a := range r {
			dst = binary.AppendUvarint(dst, uint64(uint32(a)))
		}
	}
	return dst
}

// recordedTotal is the money snapshot s recorded in st.
func recordedTotal(sys *model.System, st *model.State, s int) int64 {
	n, c := len(sys.Topo.Nodes), len(sys.Topo.Chans)
	var t int64
	for i := 0; i < n; i++ {
		t += int64(st.Rec[s*n+i].Balance)
	}
	for ch := 0; ch < c; ch++ {
		for _, a := range st.RecChan[s*c+ch] {
			t += int64(a)
		}
	}
	return t
}

// parallelFor runs f(w, i) for i in 0..n-1 on up to workers goroutines
// (w, from 0, says which: for scratch memory of its own) and returns the
// error of the lowest index that failed, so that the outcome does not
// depend on scheduling.
func parallelFor(n, workers int, f func(w, i int) error) error {
	workers = parallelWorkers(n, workers)
	errs := make([]error, n)
	var next atomic.Int64
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Go(func() {
			for {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				errs[i] = f(w, i)
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// parallelWorkers is how many goroutines parallelFor(n, workers, …) runs.
func parallelWorkers(n, workers int) int { return max(1, min(workers, n)) }

// catchContract, deferred, turns a panic with a *model.ContractError (an
// algorithm breaking the model's contract) into the function's error; any
// other panic is a bug and goes on.
func catchContract(err *error) {
	if r := recover(); r != nil {
		var ce *model.ContractError
		if e, ok := r.(error); ok && errors.As(e, &ce) {
			*err = ce
			return
		}
		panic(r)
	}
}

// followPath turns a path of event indices (in the order of ex's event
// lists) into events, and returns the final state and the snapshots that
// the last event completed; with record, also the execution analysed as
// Replay would (every event followed is one of the enabled events, so
// Replay's check would pass). Under symmetry reduction the path goes
// through canonical states; the execution returned is a real one through
// renamings of them (each step takes the first event whose successor is a
// renaming of the search's).
func followPath(sys *model.System, ex *model.Expander, path []int, record bool) ([]model.Event, *model.State, uint32, *Execution, error) {
	sp := &space{sys: sys, x: ex}
	if ex.Symmetric() {
		sp.rens = sys.Symmetries()
	}
	return newRebuild(sp).follow(path, record)
}

// rebuild rebuilds executions from search paths (followPath) with the
// scratch memory of one worker.
type rebuild struct {
	space *space // the search's expander, and its renamings
	sys   *model.System
	step  *stepper
	// free holds the states of executions analysed and dropped (reclaim),
	// for the next ones.
	free            []*model.State
	next, cand, ren model.State
	want, enc       []byte
}

func newRebuild(sp *space) *rebuild {
	return &rebuild{space: sp, sys: sp.sys, step: newStepper(sp.sys)}
}

// reclaim takes back the states of executions xs (nil ones aside), which
// nothing may use any more.
func (rb *rebuild) reclaim(xs []*Execution) {
	for _, x := range xs {
		if x != nil {
			rb.free = append(rb.free, x.kept()...)
		}
	}
}

// follow is followPath with rb's expander.
func (rb *rebuild) follow(path []int, record bool) ([]model.Event, *model.State, uint32, *Execution, error) {
	sys, ex := rb.sys, rb.space.x
	if ex.Symmetric() {
		return rb.followCanonical(path, record)
	}
	st := sys.Initial()
	var rec *recorder
	if record {
		rec = newRecorder(sys, st, len(path), &rb.free)
	}
	evs := make([]model.Event, 0, len(path))
	var completed uint32
	for k, i := range path {
		// A reduced expander's events are some of the enabled ones.
		cand := ex.Events(st)
		if i >= len(cand) {
			return nil, nil, 0, nil, fmt.Errorf("internal error: path step %d out of range", k)
		}
		evs = append(evs, cand[i])
		completed = sys.Apply(st, cand[i])
		if rec != nil {
			rec.performed(k, cand[i], completed, st)
		}
	}
	var x *Execution
	if rec != nil {
		x = rec.finish(evs, st, rb.step)
	}
	return evs, st, completed, x, nil
}

func (rb *rebuild) followCanonical(path []int, record bool) ([]model.Event, *model.State, uint32, *Execution, error) {
	sys, ex, rens := rb.sys, rb.space.x, rb.space.rens
	st, cs := sys.Initial(), sys.Initial() // the real state, the search's
	var rec *recorder
	if record {
		rec = newRecorder(sys, st, len(path), &rb.free)
	}
	var r *model.Renaming // st is r(cs); nil: the identity
	evs := make([]model.Event, 0, len(path))
	var completed uint32
	next, ren := &rb.next, &rb.ren
	for k, i := range path {
		events := ex.Events(cs)
		if i >= len(events) {
			return nil, nil, 0, nil, fmt.Errorf("internal error: path step %d out of range", k)
		}
		e := events[i]
		next.CopyFrom(cs)
		sys.Apply(next, e)
		f, ok := renamedEvent(rb.step, r, e, st, next, &rb.cand, ren)
		if !ok {
			return nil, nil, 0, nil, fmt.Errorf("internal error: path step %d has no renamed counterpart", k)
		}
		// f is one of the events enabled in st (renamedEvent's).
		completed = sys.Apply(st, f)
		evs = append(evs, f)
		if rec != nil {
			rec.performed(k, f, completed, st)
		}
		if err := sys.Decode(ex.Canonical(rb.enc[:0], next), cs); err != nil {
			return nil, nil, 0, nil, fmt.Errorf("internal error: %w", err)
		}
		// Which renaming takes the search's new state to the real one?
		// Encodings are equal only for equal states, so a renaming that
		// puts a balance or a script position elsewhere is no candidate
		// (and st need not be encoded when none is).
		var real []byte
		is := func(q *model.State) bool {
			if real == nil {
				real = st.Encode(rb.want[:0])
				rb.want = real
			}
			rb.enc = q.Encode(rb.enc[:0])
			return bytes.Equal(rb.enc, real)
		}
		r = nil
		found := slices.Equal(cs.Balance, st.Balance) && slices.Equal(cs.PC, st.PC) && is(cs)
		for j := 0; !found && j < len(rens); j++ {
			if !nodesMatch(&rens[j], cs, st) {
				continue
			}
			sys.Rename(&rens[j], cs, ren)
			if is(ren) {
				r, found = &rens[j], true
			}
		}
		if !found {
			return nil, nil, 0, nil, fmt.Errorf("internal error: path step %d: the real state is no renaming of the search's", k)
		}
	}
	var x *Execution
	if rec != nil {
		x = rec.finish(evs, st, rb.step)
	}
	return evs, st, completed, x, nil
}

// nodesMatch reports whether r(src) has dst's balances and script
// positions (a necessary condition for r(src) to be dst).
func nodesMatch(r *model.Renaming, src, dst *model.State) bool {
	for i, j := range r.Node {
		if src.Balance[i] != dst.Balance[j] || src.PC[i] != dst.PC[j] {
			return false
		}
	}
	return true
}

// renamedEvent returns the event r(e) (e itself when r is nil) of state
// cur, which is r(prev), where e leads from prev to next: the one event
// of cur that may be r(e) (mapsTo), or among several, the one whose
// successor is r(next). cand and ren are scratch states; sp lists the
// events.
func renamedEvent(sp *stepper, r *model.Renaming, e model.Event, cur, next, cand, ren *model.State) (model.Event, bool) {
	sys := sp.sys
	var only model.Event
	n := 0
	events := sp.events(cur)
	for _, f := range events {
		if mapsTo(r, e, f) {
			only, n = f, n+1
		}
	}
	if n == 1 {
		return only, true
	}
	want := next.Encode(nil)
	if r != nil {
		sys.Rename(r, next, ren)
		want = ren.Encode(want[:0])
	}
	var enc []byte
	for _, f := range events {
		if !mapsTo(r, e, f) {
			continue
		}
		cand.CopyFrom(cur)
		sys.Apply(cand, f)
		if enc = cand.Encode(enc[:0]); bytes.Equal(enc, want) {
			return f, true
		}
	}
	return model.Event{}, false
}

// mapsTo reports whether event f may be event e renamed by r (nil: the
// identity): the same kind, amount and snapshot at the renamed node and
// channel. (A message's position and an internal action may be renamed in
// ways only the state shows; the caller compares states.)
func mapsTo(r *model.Renaming, e, f model.Event) bool {
	node, ch := e.Node, e.Chan
	if r != nil {
		node = r.Node[node]
		if ch >= 0 {
			ch = r.Chan[ch]
		}
	}
	return f.Kind == e.Kind && f.Node == node && f.Chan == ch && f.Amount == e.Amount && f.Control == e.Control && f.Snap == e.Snap
}

// renameExecution returns the execution that renaming r makes of evs: at
// each step, the first event whose successor is the renamed successor.
func (rb *rebuild) renameExecution(r *model.Renaming, evs []model.Event) ([]model.Event, error) {
	return rb.renameStates(r, evs, nil)
}

// renameStates is renameExecution; x, if not nil, is evs analysed, whose
// states spare performing evs again.
func (rb *rebuild) renameStates(r *model.Renaming, evs []model.Event, x *Execution) ([]model.Event, error) {
	sys := rb.sys
	orig, cur := sys.Initial(), sys.Initial()
	out := make([]model.Event, 0, len(evs))
	for k, e := range evs {
		next := orig
		if x != nil {
			next = x.State(k + 1)
		} else {
			sys.Apply(orig, e)
		}
		f, ok := renamedEvent(rb.step, r, e, cur, next, &rb.cand, &rb.ren)
		if !ok {
			return nil, fmt.Errorf("internal error: step %d of an execution has no renamed counterpart", k)
		}
		sys.Apply(cur, f)
		out = append(out, f)
	}
	return out, nil
}

// sameValue returns execution evs, which ends in st, renamed if need be
// (renamed reports it) so that it records in snapshot sn the value that state want holds: under
// symmetry reduction two paths to one finding may end at different
// renamings of the value.
func (rb *rebuild) sameValue(evs []model.Event, st, want *model.State, sn int) (_ []model.Event, renamed bool, _ error) {
	s := rb.space
	key := valueKey(nil, s.sys, want, sn)
	if bytes.Equal(valueKey(nil, s.sys, st, sn), key) {
		return evs, false, nil
	}
	for r := range s.rens {
		s.sys.Rename(&s.rens[r], st, &s.ren)
		if bytes.Equal(valueKey(nil, s.sys, &s.ren, sn), key) {
			evs, err := rb.renameExecution(&s.rens[r], evs)
			return evs, true, err
		}
	}
	return nil, false, errors.New("internal error: an execution records no renaming of its snapshot's value")
}

// snapshotWithKey is the snapshot, among those completed in st, whose
// snapshotKey is key.
func (s *space) snapshotWithKey(st *model.State, completed uint32, key string) (int, error) {
	for sn := range s.sys.Topo.Snapshots {
		if completed&(1<<sn) != 0 && string(s.snapshotKey(nil, st, sn)) == key {
			return sn, nil
		}
	}
	return 0, errors.New("internal error: the path does not end at the completion of its snapshot")
}

// valueWithKey is the value of the snapshot, among those completed, whose
// valueKey is key.
func valueWithKey(sys *model.System, st *model.State, completed uint32, key string) (SnapshotValue, error) {
	sn, err := (&space{sys: sys}).snapshotWithKey(st, completed, key)
	if err != nil {
		return SnapshotValue{}, err
	}
	return RecordedValue(sys, st, sn), nil
}
