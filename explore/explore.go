package explore

import (
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// Space is a state space to search, seen through encoded states. A Space
// keeps scratch memory, so a search uses one per worker.
type Space interface {
	// Initial appends the encoded initial state to dst.
	Initial(dst []byte) []byte
	// Successors calls emit for every enabled event of state, always in the
	// same order, with the encoded successor and a note; a non-zero note
	// asks for a Transition check. The encoded states passed to Successors,
	// emit, Transition and Terminal are valid only during the call.
	Successors(state []byte, emit func(next []byte, note uint64))
	// Transition checks a transition whose note was non-zero.
	Transition(from, to []byte, note uint64, report func(Finding))
	// Terminal checks a state with no successor.
	Terminal(state []byte, report func(Finding))
}

// Finding is something a check reports: a violation, or an observation
// (such as a recorded snapshot value). Findings with the same Key are the
// same finding; the search keeps the first occurrences of each.
type Finding struct {
	Key       string
	Violation bool
}

// Strategy is the order of the search.
type Strategy int

// The strategies.
const (
	BFS Strategy = iota // breadth-first: the first occurrence of a finding is a shortest one
	DFS                 // depth-first
)

// String is the strategy's name on the command line (bfs, dfs).
func (s Strategy) String() string {
	if s == DFS {
		return "dfs"
	}
	return "bfs"
}

// Options of a search. The zero value is an unlimited breadth-first search
// keeping one occurrence per finding.
type Options struct {
	Strategy  Strategy
	MaxStates int64         // stop after storing this many states (0: no limit)
	MaxDepth  int           // store no state deeper than this many events (0: no limit)
	TimeLimit time.Duration // stop after this long (0: no limit)
	Keep      int           // occurrences kept per finding (0 means 1)
	// StopOnViolation stops the search at the first violation.
	StopOnViolation bool
	// Progress, when set, is called about every ProgressEvery (default 1s)
	// with the figures so far.
	Progress      func(Stats)
	ProgressEvery time.Duration
	// Workers is how many goroutines expand states in a breadth-first
	// search (0 or 1: one). Results, and the store, are identical for
	// every number (each worker adds its segments to the memory held).
	// NewSpace must then give each extra worker its own Space. At most
	// MaxWorkers.
	Workers  int
	NewSpace func() Space
	// Fingerprints stores 64-bit fingerprints instead of whole states
	// (breadth-first only): far less memory, at a small risk of merging two
	// different states (Result.CollisionProbability). The search tree
	// (each state's parent and event, to rebuild paths) then goes to a
	// temporary file (os.CreateTemp, its name removed at once, so that
	// even a killed process leaves nothing behind).
	Fingerprints bool
	// MaxMemory stops the search (incomplete) when the process's memory
	// (what the Go runtime holds from the system, or its resident memory),
	// or the store and the search's own arrays, would hold more than this
	// many bytes (0: no limit).
	MaxMemory int64
}

// Stats are a search's figures.
type Stats struct {
	States      int64         // distinct states stored
	Transitions int64         // transitions generated
	Terminal    int64         // distinct states with no successor
	Depth       int           // deepest level reached
	Queue       int64         // states stored but not yet expanded
	StoreBytes  int64         // memory held by the state store
	Elapsed     time.Duration // time since the search started
}

// Found is a finding with the paths to its first occurrences.
type Found struct {
	Finding
	// Count is how many times the finding was reported.
	Count int64
	// Paths are the first Keep occurrences: each a list of event indices
	// (positions in Successors' order) from the initial state. For a
	// transition finding the path ends with that transition; for a terminal
	// finding it ends at the terminal state.
	Paths [][]int
}

// Result is the outcome of a search.
type Result struct {
	Stats
	// Complete is true when the whole space was searched.
	Complete bool
	// Stopped says why an incomplete search stopped.
	Stopped string
	// Executions is the number of maximal executions the explored graph
	// represents (paths from the initial state to a state with no
	// successor); nil when it could not be counted (see ExecutionsNote).
	Executions     *big.Int
	ExecutionsNote string
	// Findings in the order their first occurrences were found.
	Findings []*Found
	// CollisionProbability is, with Fingerprints, the estimated probability
	// that two different states were merged (TLC's optimistic estimate:
	// distinct states × (transitions − distinct states) / 2^64).
	CollisionProbability float64
}

// Violations reports whether any finding is a violation.
func (r *Result) Violations() bool {
	for _, f := range r.Findings {
		if f.Violation {
			return true
		}
	}
	return false
}

type occurrence struct {
	state uint32
	event int // -1: terminal finding
}

type search struct {
	ctx      context.Context
	opts     Options
	space    Space
	st       stateStore
	tree     tree
	findings map[string]*Found
	occ      map[string][]occurrence
	order    []string
	res      Result
	start    time.Time
	lastProg time.Time
	lastMem  int64 // the memory at the last look (limits)
	lastLen  int   // the states stored at the last look
	// pending bounds the memory that the states expanded (depth first) or
	// settled (breadth first) since the last look may have added: their
	// successors' bytes and perTransition for each transition.
	pending int64
	// room is what may still be allocated before the next look without
	// passing the memory limit (less its margin): the breadth-first
	// workers' segments take their memory from it, and a depth-first
	// state's successors (pending) must fit in it.
	room atomic.Int64
	// allocating is what was taken from room and is not yet allocated
	// (a segment's buffer, the store's copy of a segment): a look that
	// measures memory meanwhile leaves it out of the room it sets.
	allocating atomic.Int64
	roomMu     sync.Mutex // takes room, and sets it (lookAtMemory)
	// breadth-first: how many states the segments settled before the
	// next look may add at most (the memory limit's guess): as many as the
	// transitions settled since the last look
	mostAdded int
	stopped   string
	violated  bool
	err       error // the search cannot go on (see tooManySuccessors)
}

// MaxWorkers bounds Options.Workers: each worker keeps a window of
// segments (some kilobytes) and a Space of its own.
const MaxWorkers = 1024

// Run searches the space exhaustively within the options' limits. A
// search stopped by a limit or by ctx returns a Result with Complete false;
// an error means the search could not run at all.
func Run(ctx context.Context, space Space, opts Options) (*Result, error) {
	if opts.Keep <= 0 {
		opts.Keep = 1
	}
	if opts.ProgressEvery <= 0 {
		opts.ProgressEvery = time.Second
	}
	if opts.Fingerprints && opts.Strategy != BFS {
		return nil, errors.New("explore: the fingerprint store needs breadth-first search")
	}
	if opts.Workers > MaxWorkers {
		return nil, fmt.Errorf("explore: %d workers, more than the %d a search takes", opts.Workers, MaxWorkers)
	}
	if opts.Workers > 1 && opts.NewSpace == nil {
		return nil, errors.New("explore: several workers need Options.NewSpace")
	}
	s := &search{
		ctx: ctx, opts: opts, space: space,
		findings: map[string]*Found{}, occ: map[string][]occurrence{},
		start: time.Now(),
	}
	s.room.Store(math.MaxInt64)
	if opts.MaxMemory > 0 {
		// Until the first look, which counts what is added from here.
		s.lastMem = max(processMemory(), residentMemory())
		s.room.Store(usable(opts.MaxMemory) - s.lastMem)
	}
	if opts.Fingerprints {
		s.st = newFPStore()
		t, err := newFileTree()
		if err != nil {
			return nil, err
		}
		s.tree = t
	} else {
		s.st = newStore()
		s.tree = &memTree{}
	}
	defer s.tree.close()
	defer s.st.release()
	s.lastProg = s.start
	init := space.Initial(nil)
	s.st.insert(init, s.st.hash(init))
	s.tree.extend(1, 0)
	s.tree.set(0, ^uint32(0), 0)
	switch opts.Strategy {
	case BFS:
		s.bfs()
	case DFS:
		s.dfs()
	default:
		return nil, fmt.Errorf("explore: unknown strategy %d", opts.Strategy)
	}
	if s.err != nil {
		return nil, s.err
	}
	if opts.Fingerprints {
		n := float64(s.st.len())
		s.res.CollisionProbability = n * math.Max(float64(s.res.Transitions)-n, 0) / math.Pow(2, 64)
	}
	s.res.States = int64(s.st.len())
	s.res.StoreBytes = s.memory()
	s.res.Elapsed = time.Since(s.start)
	s.res.Complete = s.stopped == ""
	s.res.Stopped = s.stopped
	if !s.res.Complete {
		s.res.Executions = nil
		s.res.ExecutionsNote = "not counted: the search stopped early"
	}
	var occs []occurrence
	for _, k := range s.order {
		occs = append(occs, s.occ[k]...)
	}
	paths, err := s.tree.paths(occs)
	if err != nil {
		return nil, err
	}
	for _, k := range s.order {
		f := s.findings[k]
		f.Paths, paths = paths[:len(s.occ[k]):len(s.occ[k])], paths[len(s.occ[k]):]
		s.res.Findings = append(s.res.Findings, f)
	}
	return &s.res, nil
}

func (s *search) report(st uint32, ev int) func(Finding) {
	return func(f Finding) {
		o := [1]occurrence{{st, ev}}
		s.merge(f, 1, o[:])
	}
}

// merge adds count occurrences of f, the first of them occs, after those
// already reported.
func (s *search) merge(f Finding, count int64, occs []occurrence) {
	fd, ok := s.findings[f.Key]
	if !ok {
		fd = &Found{Finding: f}
		s.findings[f.Key] = fd
		s.order = append(s.order, f.Key)
	}
	fd.Count += count
	for _, o := range occs {
		if len(s.occ[f.Key]) >= s.opts.Keep {
			break
		}
		s.occ[f.Key] = append(s.occ[f.Key], o)
	}
	if f.Violation {
		s.violated = true
	}
}

// check looks at the clock, ctx and the limits every so often; it returns
// false when the search must stop.
func (s *search) check(expanded int64, queue int64, depth int) bool {
	if s.opts.StopOnViolation && s.violated {
		s.stopped = "stopped at the first violation"
		return false
	}
	if s.stateLimitReached() {
		s.stopped = fmt.Sprintf("state limit (--max-states %d) reached", s.opts.MaxStates)
		return false
	}
	if expanded&1023 != 0 && s.pending < s.lookBytes() {
		return true
	}
	s.pending = 0
	// expanded == 0: a breadth-first look (see search.look); always look.
	if s.opts.MaxMemory > 0 && !s.lookAtMemory() {
		s.stopped = s.memoryLimitReached()
		return false
	}
	if err := s.ctx.Err(); err != nil {
		s.stopped = "interrupted"
		return false
	}
	now := time.Now()
	if s.opts.TimeLimit > 0 && now.Sub(s.start) >= s.opts.TimeLimit {
		s.stopped = fmt.Sprintf("time limit (--time-limit %s) reached", s.opts.TimeLimit)
		return false
	}
	if s.opts.Progress != nil && now.Sub(s.lastProg) >= s.opts.ProgressEvery {
		s.lastProg = now
		s.opts.Progress(Stats{
			States: int64(s.st.len()), Transitions: s.res.Transitions, Terminal: s.res.Terminal,
			Depth: depth, Queue: queue, StoreBytes: s.memory(), Elapsed: now.Sub(s.start),
		})
	}
	return true
}

// countPaths counts the paths from the initial state to states with no
// successor over the whole stored graph, by a depth-first post-order pass
// that regenerates every state's successors. It returns nil on a cycle or
// when stopped.
func (s *search) countPaths() *big.Int {
	n := s.st.len()
	var cnt counts
	cnt.reset(n)
	const (
		unseen = iota
		open
		closed
	)
	mark := make([]uint8, n)
	type pframe struct {
		id   uint32
		succ []uint32
		pos  int
	}
	var buf []byte
	succOf := func(id uint32) []uint32 {
		buf = append(buf[:0], s.st.get(id)...)
		var out []uint32
		s.space.Successors(buf, func(nb []byte, _ uint64) {
			c, ok := s.st.lookup(nb, s.st.hash(nb))
			if !ok {
				panic("explore: internal error: a successor is missing from the complete store")
			}
			out = append(out, c)
		})
		return out
	}
	stack := []pframe{{id: 0, succ: succOf(0)}}
	mark[0] = open
	steps := int64(0)
	for len(stack) > 0 {
		steps++
		if steps&1023 == 0 && s.ctx.Err() != nil {
			return nil
		}
		f := &stack[len(stack)-1]
		if f.pos < len(f.succ) {
			c := f.succ[f.pos]
			f.pos++
			switch mark[c] {
			case open:
				return nil
			case unseen:
				mark[c] = open
				stack = append(stack, pframe{id: c, succ: succOf(c)})
			}
			continue
		}
		if len(f.succ) == 0 {
			cnt.one(int(f.id))
		}
		for _, c := range f.succ {
			cnt.add(int(f.id), &cnt, int(c))
		}
		mark[f.id] = closed
		stack = stack[:len(stack)-1]
	}
	return cnt.get(0)
}

type frame struct {
	id    uint32
	depth int
	succ  []uint32
	pos   int
}

func (s *search) dfs() {
	var cnt counts
	cnt.ensure(1)
	onStack := map[uint32]bool{0: true}
	done := []bool{false}
	acyclic := true
	var state []byte
	tooBig := false // a state's successors took too much memory
	stack := []*frame{{id: 0}}
	expand := func(f *frame) {
		state = append(state[:0], s.st.get(f.id)...)
		// The state is expanded (or, at the depth limit, looked at), as a
		// breadth-first search's level is.
		s.res.Depth = max(s.res.Depth, f.depth)
		if s.opts.MaxDepth > 0 && f.depth >= s.opts.MaxDepth {
			// At the depth limit a state is expanded only when all its
			// successors are stored already (as a breadth-first search
			// leaves out new states at the limit): so a search whose
			// deepest states lead only to states it holds is complete.
			cut := false
			s.space.Successors(state, func(nb []byte, _ uint64) {
				if !cut {
					_, found := s.st.lookup(nb, s.st.hash(nb))
					cut = !found
				}
			})
			if cut {
				if s.stopped == "" {
					s.stopped = fmt.Sprintf("depth limit (--max-depth %d) reached", s.opts.MaxDepth)
				}
				f.succ = []uint32{}
				return
			}
		}
		n, size := 0, 0
		f.succ = []uint32{}
		// The state limit cuts the successors after the one that took the
		// last state it allows, as it cuts a breadth-first segment: later
		// ones are neither counted nor checked (the search stops after this
		// state).
		full := s.stateLimitReached()
		s.space.Successors(state, func(nb []byte, note uint64) {
			ev := n
			n++
			if full {
				return
			}
			s.res.Transitions++
			if ev >= maxSuccessors {
				s.err = tooManySuccessors()
				return // the search stops after this state
			}
			if size += len(nb); s.pending+int64(size)+perTransition*int64(n) > s.room.Load() {
				tooBig = true
				return
			}
			nid, added := s.st.insert(nb, s.st.hash(nb))
			if added {
				s.tree.extend(int(nid)+1, uint16(ev))
				s.tree.set(nid, f.id, uint16(ev))
				done = append(done, false)
				cnt.ensure(int(nid) + 1)
				full = s.stateLimitReached()
			}
			f.succ = append(f.succ, nid)
			if note != 0 {
				s.space.Transition(state, nb, note, s.report(f.id, ev))
			}
		})
		s.pending += int64(size) + perTransition*int64(n)
		if n == 0 {
			s.res.Terminal++
			cnt.one(int(f.id))
			s.space.Terminal(state, s.report(f.id, -1))
		}
	}
	expanded := int64(0)
	expand(stack[0])
	for len(stack) > 0 && s.err == nil {
		if tooBig {
			s.stopped = s.memoryLimitReached()
			return
		}
		expanded++
		if !s.check(expanded, int64(len(stack)), len(stack)) {
			break
		}
		f := stack[len(stack)-1]
		if f.pos < len(f.succ) {
			c := f.succ[f.pos]
			f.pos++
			if onStack[c] {
				acyclic = false
				continue
			}
			if done[c] {
				continue
			}
			nf := &frame{id: c, depth: f.depth + 1}
			onStack[c] = true
			stack = append(stack, nf)
			expand(nf)
			continue
		}
		for _, c := range f.succ {
			cnt.add(int(f.id), &cnt, int(c))
		}
		done[f.id] = true
		delete(onStack, f.id)
		stack = stack[:len(stack)-1]
	}
	if acyclic {
		s.res.Executions = cnt.get(0)
	} else {
		s.res.ExecutionsNote = "not counted: the state graph has a cycle"
	}
}

// lookAtMemory reports whether the search may go on under the memory
// limit, and sets the room left until the next look. It stops before the
// states expanded until the next look (2,048 breadth-first, 1,024
// depth-first, or those whose successors take lookBytes) would cross the
// limit, were they to add as many states and as much memory as those
// since the last look did, and grow the table for them.
func (s *search) lookAtMemory() bool {
	// Room is taken under roomMu: what was taken before the memory is
	// measured and is not allocated yet (allocating, read first) is left
	// out of the room set, and nothing is taken meanwhile.
	s.roomMu.Lock()
	defer s.roomMu.Unlock()
	inFlight := s.allocating.Load()
	mem := max(s.memory(), processMemory()+s.st.offHeap(), residentMemory())
	added, delta := s.st.len()-s.lastLen, max(mem-s.lastMem, 0)
	// The table grows in steps of half its size: whether it takes a step
	// before the next look is judged on as many states as may be added,
	// at most one per transition.
	growth := s.st.growth(max(added, s.mostAdded))
	s.lastMem, s.lastLen = mem, s.st.len()
	if overMemory(s.opts.MaxMemory, mem, delta, growth) {
		return false
	}
	s.room.Store(usable(s.opts.MaxMemory) - mem - growth - inFlight)
	return true
}

// takeRoom takes n bytes from the room left before the next look, if
// there are as many, and counts them as being allocated (grow allocates
// them and then says so); it reports whether it took them. Without a
// memory limit there is always room.
func (s *search) takeRoom(n int64) bool {
	if s.opts.MaxMemory <= 0 {
		return true
	}
	s.roomMu.Lock()
	defer s.roomMu.Unlock()
	if s.room.Load() < n {
		return false
	}
	s.room.Add(-n)
	s.allocating.Add(n)
	return true
}

// chargeRoom takes n bytes, allocated already, from the room, even below
// zero (the candidates' records).
func (s *search) chargeRoom(n int64) {
	if s.opts.MaxMemory > 0 {
		s.roomMu.Lock()
		s.room.Add(-n)
		s.roomMu.Unlock()
	}
}

// allocated says that n bytes that takeRoom took are allocated now, so
// that a look measures them.
func (s *search) allocated(n int64) {
	if s.opts.MaxMemory > 0 {
		s.allocating.Add(-n)
	}
}

// perTransition is what a transition may add to the memory held besides
// its successor's bytes, at most: a stored state's table slot, length,
// parent and event, and a candidate record.
const perTransition = 64

// lookBytes is how much memory the states expanded or settled since the
// last look (pending) may have added before the search looks at the
// limits again, whatever its count of states or segments says: a 64th of
// the memory limit, so that banks of large states with many successors
// cannot pass the limit between two looks.
func (s *search) lookBytes() int64 {
	if s.opts.MaxMemory <= 0 {
		return math.MaxInt64
	}
	return s.opts.MaxMemory / 64
}

// stateLimitReached reports whether the store holds as many states as
// --max-states allows.
func (s *search) stateLimitReached() bool {
	return s.opts.MaxStates > 0 && int64(s.st.len()) >= s.opts.MaxStates
}

// overMemory says whether a search holding mem bytes would cross limit
// (less its margin, usable) before its next look, were it to add delta
// bytes (what it added since the last look) and growth (the table's next
// step, if it takes one).
func overMemory(limit, mem, delta, growth int64) bool {
	return mem+delta+growth > usable(limit)
}

// usable is the memory a search may hold under limit. A twentieth is left
// for what its guesses miss: the garbage collector's pace (the runtime's
// own limit makes it collect harder, not stop the heap) and pages the
// kernel adds.
func usable(limit int64) int64 { return limit - limit/20 }

// memoryLimitReached is why a search stopped at the memory limit.
func (s *search) memoryLimitReached() string {
	return fmt.Sprintf("memory limit (--max-memory %d MB) reached", s.opts.MaxMemory>>20)
}

// memory is what the store and the per-state arrays hold.
func (s *search) memory() int64 {
	return s.st.bytes() + s.tree.bytes()
}

// MemoryInUse is the process's memory as the memory limit counts it: what
// the Go runtime holds from the system, or the process's resident memory,
// whichever is larger (Options.MaxMemory). Work done after a search (such
// as rebuilding its paths) can hold itself to the same limit with it.
func MemoryInUse() int64 { return max(processMemory(), residentMemory()) }

// UsableMemory is the memory a search holds itself to under limit: the
// limit less a twentieth, left for what its guesses miss.
func UsableMemory(limit int64) int64 { return usable(limit) }

// processMemory is the memory the Go runtime holds from the system, less
// what it has returned (runtime/metrics; no stop-the-world).
func processMemory() int64 {
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	metrics.Read(samples)
	if samples[0].Value.Kind() != metrics.KindUint64 || samples[1].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return int64(samples[0].Value.Uint64() - samples[1].Value.Uint64())
}

// maxSuccessors bounds the events enabled in one state: paths keep each
// event's index in 16 bits.
const maxSuccessors = 1 << 16

func tooManySuccessors() error {
	return fmt.Errorf("a state has more than %d enabled events, the most this explorer supports (make the configuration smaller: fewer amounts, channels or messages in flight)", maxSuccessors)
}
