package explore

import (
	"fmt"
	"math"
	"math/big"
	"runtime"
	"sync/atomic"
	"unsafe"
)

// The breadth-first search expands a level at a time, in segments of 64
// consecutive states, in two stages (a pipeline):
//
//  1. Generation, on every worker at once: a worker takes the next
//     segment, generates the successors of its states, hashes them and
//     runs the checks on each transition, keeping all of it in the
//     segment (its candidates, in the order of the states and of their
//     events). It also sums up the segment's terminal states and findings
//     (summarize). Workers read only the states of the level, which the
//     store no longer changes (see arenaView), so generation needs no
//     lock.
//  2. Settling, one segment at a time and in order, by one worker at a
//     time (see below for which; settle): it
//     looks each candidate up in the store and stores it at once when it
//     is new, counts the paths along each transition, and merges the
//     segment's terminal states and findings into the search's. The table
//     slots of the candidates are asked for ahead (prefetch, which does
//     not wait for them), so that their cache misses overlap. A lone
//     worker asks as it generates each candidate (any3n_ms2_a1: 1.67 s
//     against 1.75 s with loads of all the segment's slots after
//     generating it, best of 5); with several, the worker that settles
//     asks for all of the segment's first (touch): a slot another
//     processor loaded would have to be taken back from its cache when
//     settling writes it (on any3n_ms2_b2 with 2 workers, 13.3 s against
//     14.1 s, best of 3, when a cache line took some 400 ns to cross, see
//     BenchmarkCacheLineRoundTrip).
//
// So the candidates meet the store in candidate order, whatever the number
// of workers: a state gets its id where it first occurs, as in a
// sequential search, and the figures, ids, findings and counterexamples are
// the same for any number of workers. Settling is a quarter to a third of
// the work (its lookups and stores, against generating and checking:
// profiles of any3n_ms2_a1 and any3n_ms2_b2 with one worker), so with two
// workers the one settling also generates between segments, and neither
// waits for the other.
// Worker 0 settles after each segment it generates; the others settle
// only when they would otherwise wait (the window is full, or the level
// has no segment left to generate). So the store's memory that settling
// writes (the table's slots, the arena's last chunk, the tree, the
// counts) stays in one processor's cache: on any3n_ms2_b2 with 2 workers,
// 12.4 s against 13.2 s (best of 3) when a cache line took some 400 ns
// to cross, 9.0 s against 9.3 s when it took 90. Workers may run ahead
// of settling by a window of segments (windowSegments per worker), whose
// memory is reused.
//
// Built with -tags stagetimes, the search prints how long each worker
// spent generating and waiting, and settling took for the segments of
// each (stagetimes_on.go): how the figures on a slow cache line
// between processors (examples/bench/SCALING.md) were measured.
//
// The settling worker looks at the limits (check) every checkSegments
// segments, or sooner when the segments settled since then may have added
// a 64th of the memory limit (lookBytes), and stops the level when one is
// reached or the state limit cuts a segment; the segments generated beyond
// are dropped. The workers' segments take the memory they grow by, and
// settling the store's copy of each, from what the limit leaves
// (search.room); a segment that finds none is generated again once it is
// the next to settle and a look has measured the memory held, and stops
// the search if it finds none again.
//
// This replaced rounds of phases with barriers between them (expand and
// look up; first occurrences by shard of hash; store by segment), where
// the phases after the first read what other processors wrote and scaled
// 1.2-1.5x with 2 workers: any3n_ms2_a1 with 2 workers took 0.98 s
// against 1.10 s (best of 3 alternate runs), and cos418_8n_a ran 1.94x
// faster with 2 workers than with 1 (best of 3), against 1.75-1.80x.
const (
	segmentStates = 64 // states per segment, at most (level.segStates)
	// segmentBytes is what a segment's successors and candidates should
	// take at most, judged on the level before (level.segStates).
	segmentBytes   = 1 << 20
	windowSegments = 8  // segments a worker may generate ahead of settling
	checkSegments  = 32 // segments settled between two looks at the limits
)

// candidate is one transition found by a worker (or, with event < 0, a
// remark about a state).
type candidate struct {
	from  uint32
	event int32 // -1: the state has no successor
	off   int32
	n     int32 // the successor is buf[off:off+n] of the segment
	hash  uint64
	// findings[f0:f1] of the segment are what the checks reported.
	f0, f1 int32
}

// segment is what the stages find for a range of states.
type segment struct {
	cands    []candidate
	buf      []byte
	findings []Finding
	// remarks are the indices in cands of terminal states and of
	// candidates with findings (summarize).
	remarks []int32
	tooMany bool // a state had more than maxSuccessors successors
	// outOfRoom: the successors took all the memory left (grow); and
	// overCap too when they took more than maxSegmentBytes
	outOfRoom, overCap bool
	depthCut           bool // settle left a new state out (depth limit)
	// limit is how many candidates count: all, or fewer when the state
	// limit cuts the segment.
	limit int
	// settle's figures, and summarize's summary of the remarks: terminal
	// states, the sum of their paths, and the findings by key in the order
	// of their first occurrence in the segment
	transitions int64
	unlayered   bool
	touched     bool // emit asked for the candidates' table slots (a lone worker)
	origin      int  // the worker that generated it (for the stage timers)
	terminals   int64
	pathsSmall  uint64 // the paths to them, while they fit
	pathsBig    bool   // and the rest in paths
	paths       big.Int
	found       []segFound
	foundAt     map[string]int // found's indices, past linearFound
	// ready is q+1 once segment q of the level is generated into this one.
	ready atomic.Int64
	_     [128]byte // keeps other segments' fields off these cache lines
}

func (g *segment) bytesOf(c *candidate) []byte { return g.buf[c.off : c.off+c.n : c.off+c.n] }

// worker generates segments with its own Space.
type worker struct {
	_       [128]byte // keeps other objects' fields off these cache lines
	space   Space
	st      stateStore
	h       hasher     // st's (see hasher)
	view    *arenaView // the level's states
	emit    func([]byte, uint64)
	collect func(Finding)
	// per state being expanded
	seg   *segment
	state []byte
	from  uint32
	event int32
	alone bool // the only worker: emit asks for the table slots for settle
	// claimed and claimedCands are the bytes of seg.buf and seg.cands
	// asked for writing (claim), and claimAt the length of seg.buf at
	// which emit asks for more.
	claimed, claimedCands, claimAt int
	// s is the search, whose room a segment's memory, as it grows, is
	// taken from (grow).
	s     *search
	k     int // the worker's index
	times stageTimes
	_     [128]byte // keeps other workers' fields off these cache lines
}

func (w *worker) init() {
	w.h = w.st.hasher()
	w.collect = func(f Finding) { w.seg.findings = append(room(w.seg.findings), f) }
	w.emit = func(nb []byte, note uint64) {
		ev := w.event
		w.event++
		g := w.seg
		if ev >= maxSuccessors || len(g.buf)+len(nb) > cap(g.buf) && !w.grow(g, len(nb)) { // (see settleSegment)
			return
		}
		h := w.h.hash(nb)
		if w.alone {
			w.st.prefetch(h)
		}
		off := int32(len(g.buf))
		g.buf = g.buf[:int(off)+len(nb)] // grow made the room
		copy(g.buf[off:], nb)
		if len(g.buf) >= w.claimAt && !w.alone {
			w.claim(g)
		}
		var f0, f1 int32
		if note != 0 {
			f0 = int32(len(g.findings))
			w.space.Transition(w.state, nb, note, w.collect)
			f1 = int32(len(g.findings))
			if f1 > f0 {
				g.remarks = append(room(g.remarks), int32(len(g.cands)))
			}
		}
		// Field by field into the slice (a candidate built apart is
		// written in parts and read whole, which the processor cannot
		// forward).
		if len(g.cands) == cap(g.cands) {
			w.growCandidates(g)
		}
		g.cands = g.cands[:len(g.cands)+1]
		c := &g.cands[len(g.cands)-1]
		c.from, c.event, c.off, c.n, c.hash, c.f0, c.f1 = w.from, ev, off, int32(len(nb)), h, f0, f1
	}
}

// claimAhead is how far ahead of what emit writes claim asks for the
// lines of a segment's buffers, claimChunk how much at least at a time.
const claimAhead, claimChunk = 4096, 1024

// claim asks for the cache lines of g's buffers ahead of what emit writes,
// for writing (prefetchw), with several workers. Their memory was read last
// by the settling worker, often on the other processor: on a write, a line
// must first be taken back from that processor's caches, and while it is
// on its way every later write waits in the store buffer, and so do loads
// that read what those writes wrote. Asked for ahead, the lines come while
// the worker goes on. On any3n_ms2_b2 with 2 workers, when a cache line
// took some 400 ns to cross between the processors: 8.24-8.94 s, median
// 8.39 (5 runs), against 9.00-9.77 s without (4 runs, alternating;
// examples/bench/SCALING.md).
func (w *worker) claim(g *segment) {
	if want := min(len(g.buf)+claimAhead, cap(g.buf)); want > w.claimed {
		prefetchw(unsafe.Add(unsafe.Pointer(unsafe.SliceData(g.buf)), w.claimed), uintptr(want-w.claimed))
		w.claimed = want
	}
	size := int(unsafe.Sizeof(candidate{}))
	if want := min(len(g.cands)*size+claimAhead, cap(g.cands)*size); want > w.claimedCands {
		prefetchw(unsafe.Add(unsafe.Pointer(unsafe.SliceData(g.cands)), w.claimedCands), uintptr(want-w.claimedCands))
		w.claimedCands = want
	}
	w.claimAt = len(g.buf) + claimChunk
}

// growCandidates makes room for more candidates in g (see room),
// charging the search's room with what they grow by.
func (w *worker) growCandidates(g *segment) {
	n := cap(g.cands)
	g.cands = room(g.cands)
	w.s.chargeRoom(int64(cap(g.cands)-n) * int64(unsafe.Sizeof(candidate{})))
}

// maxSegmentBytes bounds a segment's successors (candidates keep offsets
// in 32 bits).
const maxSegmentBytes = 1 << 30

// grow makes room in g.buf for n more bytes, taking the new buffer's
// memory from the search's room; when there is no room, it marks g
// outOfRoom instead (and overCap too when the buffer would pass
// maxSegmentBytes), and g takes no successor that needs more room.
func (w *worker) grow(g *segment, n int) bool {
	need := len(g.buf) + n
	c := min(max(2*cap(g.buf), need, 4096), maxSegmentBytes)
	switch {
	case g.outOfRoom:
	case need > maxSegmentBytes:
		g.overCap = true
	case w.s.takeRoom(int64(c)):
		b := make([]byte, len(g.buf), c)
		w.s.allocated(int64(c))
		copy(b, g.buf)
		g.buf = b
		return true
	}
	g.outOfRoom = true
	return false
}

// generate generates the successors of states [lo, hi) into g.
func (w *worker) generate(g *segment, lo, hi uint32) {
	g.cands, g.buf, g.findings, g.remarks = g.cands[:0], g.buf[:0], g.findings[:0], g.remarks[:0]
	g.tooMany, g.outOfRoom, g.overCap = false, false, false
	w.seg = g
	w.claimed, w.claimedCands, w.claimAt = 0, 0, 0
	for id := lo; id < hi; id++ {
		w.from, w.event = id, 0
		w.state = w.view.get(id)
		w.space.Successors(w.state, w.emit)
		switch {
		case w.event == 0:
			c := candidate{from: id, event: -1, f0: int32(len(g.findings))}
			w.space.Terminal(w.state, w.collect)
			c.f1 = int32(len(g.findings))
			g.remarks = append(room(g.remarks), int32(len(g.cands)))
			if len(g.cands) == cap(g.cands) {
				w.growCandidates(g)
			}
			g.cands = append(g.cands, c)
		case w.event > maxSuccessors:
			g.tooMany = true
		}
	}
	g.limit = len(g.cands)
	g.touched = w.alone
}

// touch asks for the candidates' table slots, for settle.
func (g *segment) touch(st stateStore) {
	for i := range g.cands {
		if g.cands[i].event >= 0 {
			st.prefetch(g.cands[i].hash)
		}
	}
}

// settle looks each of g's successors up in the store and stores it at
// once when it is new (so that a later occurrence finds it), and counts
// the paths along each transition: new states get ids in candidate order.
// At the depth limit (probe) a new state is left out and marks the
// segment depthCut, so that a search whose last level leads only to
// states it holds is complete.
// room is how many more states the state limit allows (at least one: the
// search stops before a level or a check when none is left); when it runs
// out, g's limit cuts it after the candidate that took the last one, and
// settle reports that the search must stop.
func (g *segment) settle(st stateStore, t tree, cur, next *counts, levelStart, levelEnd uint32, layered, probe bool, room *int64) (full bool) {
	g.transitions, g.unlayered, g.depthCut = 0, false, false
	if !g.touched {
		g.touch(st)
	}
	for i := range g.cands {
		c := &g.cands[i]
		if c.event < 0 {
			continue
		}
		b := g.bytesOf(c)
		id, found := st.lookup(b, c.hash)
		if !found && probe {
			g.depthCut = true
			continue
		}
		if !found {
			var at uint64
			id, at = st.reserve(1, st.footprint(len(b)))
			st.put(id, at, b, c.hash)
			t.extend(int(id)+1, uint16(c.event))
			t.set(id, c.from, uint16(c.event))
			next.ensure(int(id-levelEnd) + 1)
			*room--
		}
		g.transitions++
		switch {
		case id == ^uint32(0) || id < levelEnd:
			g.unlayered = true
		case layered:
			next.add(int(id-levelEnd), cur, int(c.from-levelStart))
		}
		if !found && *room == 0 {
			g.limit = i + 1
			return true
		}
	}
	return false
}

// segFound is a finding's occurrences in a segment: how many, and the
// first keep.
type segFound struct {
	f     Finding
	count int64
	occ   []occurrence
}

// summarize sums up the segment's remarks (terminal states and findings,
// up to the limit), on the worker that generates it: settling then merges
// one entry per finding and segment rather than one per occurrence.
func (g *segment) summarize(cur *counts, levelStart uint32, keep int) {
	g.terminals, g.pathsSmall = 0, 0
	if g.pathsBig {
		g.paths.SetUint64(0)
		g.pathsBig = false
	}
	g.found = g.found[:0]
	if len(g.foundAt) > 0 {
		clear(g.foundAt)
	}
	for _, i := range g.remarks {
		if int(i) >= g.limit {
			break
		}
		c := &g.cands[i]
		if c.event == -1 {
			g.terminals++
			if v := cur.small[c.from-levelStart]; v != bigMark && v <= math.MaxUint64-g.pathsSmall {
				g.pathsSmall += v
			} else {
				cur.addTo(&g.paths, int(c.from-levelStart))
				g.pathsBig = true
			}
		}
		for _, f := range g.findings[c.f0:c.f1] {
			e := g.entry(f)
			e.count++
			if len(e.occ) < keep {
				e.occ = append(room(e.occ), occurrence{c.from, int(c.event)})
			}
		}
	}
}

// linearFound is how many findings a segment's summary looks through
// one by one; with more it indexes them (foundAt).
const linearFound = 8

// entry returns summarize's entry for finding f, adding one (reusing the
// memory of the segment before) when f has none yet.
func (g *segment) entry(f Finding) *segFound {
	if len(g.found) <= linearFound {
		for k := range g.found {
			if g.found[k].f.Key == f.Key {
				return &g.found[k]
			}
		}
	} else {
		if g.foundAt == nil {
			g.foundAt = map[string]int{}
		}
		if len(g.foundAt) == 0 {
			for k := range g.found {
				g.foundAt[g.found[k].f.Key] = k
			}
		}
		if k, ok := g.foundAt[f.Key]; ok {
			return &g.found[k]
		}
		g.foundAt[f.Key] = len(g.found)
	}
	if len(g.found) == cap(g.found) {
		g.found = room(g.found)
	}
	g.found = g.found[:len(g.found)+1]
	e := &g.found[len(g.found)-1]
	e.f, e.count, e.occ = f, 0, e.occ[:0]
	return e
}

// addPaths adds to total the paths to g's terminal states (summarize).
func (g *segment) addPaths(total *big.Int) {
	if g.pathsSmall > 0 {
		var x big.Int
		total.Add(total, x.SetUint64(g.pathsSmall))
	}
	if g.pathsBig {
		total.Add(total, &g.paths)
	}
}

// level is one level's pipeline: its segments, the window they are
// generated into, and what settling has reached.
type level struct {
	start, end uint32 // the level's states
	depth      int
	nseg       int64
	// segStates is the states of a segment: segmentStates, or fewer when
	// the states of the level before had so many (or such large)
	// successors each that segmentStates of them would take more than
	// segmentBytes; so that the window holds some megabytes, not
	// gigabytes, when states have hundreds of large successors.
	segStates uint32
	probe     bool        // the depth limit: the level's successors are not stored (settle)
	window    []*segment  // segment q is generated into window[q%len(window)]
	cur       *counts     // paths to the level's states (summarize)
	keep      int         // occurrences kept of each finding (summarize)
	stop      atomic.Bool // settling stopped the level (a limit, an error)
	// The fields above are only read while the level's segments are
	// generated (stop, until the level stops): each of the fields below
	// is written at every segment, by the generating workers (next) or by
	// settling, on cache lines of its own, so that those writes do not
	// take the lines of the others from the processors reading them.
	_        [128]byte
	next     atomic.Int64 // the next segment to generate
	_        [128]byte
	settled  atomic.Int64 // segments settled
	settling atomic.Bool  // a worker is settling
	_        [128]byte
}

// bfsState is what settling carries from segment to segment and level to
// level: only the settling worker touches it.
type bfsState struct {
	cur, next  *counts // paths to the level's states, and to the next level's
	total      *big.Int
	layered    bool
	depthCut   bool
	room       int64 // states the state limit allows
	sinceCheck int   // segments settled since the last look at the limits
	added      int64 // transitions settled since then
	levelBytes int64 // the successors and candidates of the level's segments
	times      stageTimes
}

// work is one worker's part of a level: generate the next segment while
// the window has room, and settle whatever is ready when nobody else is:
// worker 0 after each segment, the others when they must wait.
func (s *search) work(w *worker, lv *level, bs *bfsState) {
	window := int64(len(lv.window))
	seen := int64(0) // lv.settled when last read: it reads it only near the window's end
	for !lv.stop.Load() {
		q := lv.next.Add(1) - 1
		if q >= lv.nseg {
			break
		}
		for q >= seen+window {
			if seen = lv.settled.Load(); q < seen+window {
				break
			}
			if lv.stop.Load() {
				return
			}
			s.settleOrYield(w, lv, bs)
		}
		g := lv.window[q%window]
		lo := lv.start + uint32(q)*lv.segStates
		t0 := clock()
		w.generate(g, lo, min(lo+lv.segStates, lv.end))
		g.summarize(lv.cur, lv.start, lv.keep)
		g.origin = w.k
		w.times.generated(t0)
		g.ready.Store(q + 1)
		if w.k == 0 {
			s.trySettle(w, lv, bs)
		}
	}
	for !lv.stop.Load() && lv.settled.Load() < lv.nseg {
		s.settleOrYield(w, lv, bs)
	}
}

// settleOrYield settles what is ready, or else lets another goroutine run.
func (s *search) settleOrYield(w *worker, lv *level, bs *bfsState) {
	if !s.trySettle(w, lv, bs) {
		t0 := clock()
		runtime.Gosched()
		w.times.waited(t0)
	}
}

// trySettle settles the segments that are generated, in order, unless
// another worker is at it. It reports whether it settled any.
func (s *search) trySettle(w *worker, lv *level, bs *bfsState) bool {
	window := int64(len(lv.window))
	did := false
	for {
		q := lv.settled.Load()
		if q >= lv.nseg || lv.stop.Load() || lv.window[q%window].ready.Load() != q+1 ||
			!lv.settling.CompareAndSwap(false, true) {
			return did
		}
		// Another worker may have settled q between the look above and the
		// compare-and-swap: start from where settling is now. A segment made
		// ready after the last look below and before the flag is cleared is
		// found by the next turn of the outer loop, not lost.
		for q = lv.settled.Load(); q < lv.nseg && !lv.stop.Load(); q++ {
			g := lv.window[q%window]
			if g.ready.Load() != q+1 {
				break
			}
			t0 := clock()
			ok := s.settleSegment(w, lv, bs, g, q)
			bs.times.settled(g.origin, t0)
			if !ok {
				lv.stop.Store(true)
			}
			lv.settled.Store(q + 1)
			did = true
		}
		lv.settling.Store(false)
	}
}

// settleSegment settles g, segment q of the level (settle), and merges
// what it found into the search's figures; every checkSegments segments,
// or lookBytes of successors, it looks at the limits. It reports whether
// the search goes on.
func (s *search) settleSegment(w *worker, lv *level, bs *bfsState, g *segment, q int64) bool {
	if g.outOfRoom && !g.overCap {
		// The memory left was taken before g's successors were all
		// held, perhaps by segments generated ahead of it: look at the
		// limits, which measures the memory held and so the room left,
		// and generate g again, here.
		if !s.lookNow(lv) {
			return false
		}
		lo := lv.start + uint32(q)*lv.segStates
		w.generate(g, lo, min(lo+lv.segStates, lv.end))
		g.summarize(lv.cur, lv.start, lv.keep)
	}
	if g.tooMany {
		s.err = tooManySuccessors()
		return false
	}
	// A segment whose successors found no room holds only part of them
	// (emit stops adding them, as it does beyond maxSuccessors).
	switch {
	case g.overCap:
		s.err = fmt.Errorf("the successors of %d states take more than %d bytes, the most this explorer holds for them (make the configuration smaller)", lv.segStates, maxSegmentBytes)
		return false
	case g.outOfRoom:
		s.stopped = s.memoryLimitReached()
		return false
	}
	// Settling copies the new states into the store: that too must fit.
	need := int64(len(g.buf)) + perTransition*int64(len(g.cands))
	if !s.takeRoom(need) {
		if !s.lookNow(lv) {
			return false
		}
		if !s.takeRoom(need) {
			s.stopped = s.memoryLimitReached()
			return false
		}
	}
	full := g.settle(s.st, s.tree, bs.cur, bs.next, lv.start, lv.end, bs.layered, lv.probe, &bs.room)
	s.allocated(need)
	if full {
		g.summarize(lv.cur, lv.start, lv.keep) // again, up to the cut
	}
	s.res.Transitions += g.transitions
	bs.added += g.transitions
	bs.layered = bs.layered && !g.unlayered
	bs.depthCut = bs.depthCut || g.depthCut
	s.res.Terminal += g.terminals
	if bs.layered {
		g.addPaths(bs.total)
	}
	for _, e := range g.found {
		s.merge(e.f, e.count, e.occ)
	}
	s.res.Depth = max(s.res.Depth, lv.depth)
	if full {
		s.stopped = fmt.Sprintf("state limit (--max-states %d) reached", s.opts.MaxStates)
		return false
	}
	s.pending += need
	bs.levelBytes += need
	if bs.sinceCheck++; bs.sinceCheck == checkSegments || s.pending >= s.lookBytes() {
		return s.look(lv, bs)
	}
	return true
}

// look writes out the tree and looks at the limits (check) before more
// segments are settled; the memory limit's guess takes the next
// checkSegments segments to add as much as the last did.
func (s *search) look(lv *level, bs *bfsState) bool {
	s.mostAdded = int(bs.added)
	bs.sinceCheck, bs.added = 0, 0
	return s.lookNow(lv)
}

// lookNow is look between its regular times (a segment found no room):
// the guess of what the next segments add keeps its sample.
func (s *search) lookNow(lv *level) bool {
	if err := s.tree.flush(); err != nil {
		s.err = err
		return false
	}
	queue := int64(s.st.len()) - int64(lv.start) - lv.settled.Load()*int64(lv.segStates)
	return s.check(0, max(queue, 0), lv.depth)
}

func (s *search) bfs() {
	nw := max(s.opts.Workers, 1)
	workers := make([]*worker, nw)
	for k := range workers {
		sp := s.space
		if k > 0 {
			sp = s.opts.NewSpace()
		}
		workers[k] = &worker{space: sp, st: s.st, alone: nw == 1, k: k, s: s}
		workers[k].init()
	}
	crew := newCrew(nw)
	defer crew.stop()
	comp := startCompanion(s.opts.NewSpace, nw)
	defer comp.stop()
	window := make([]*segment, windowSegments*nw)
	for i := range window {
		window[i] = &segment{}
	}
	bs := &bfsState{cur: &counts{}, next: &counts{}, total: new(big.Int), layered: true, room: math.MaxInt64}
	bs.cur.reset(1)
	bs.cur.one(0)
	bs.next.reset(0)
	start, prev := uint32(0), uint32(0) // prev: the states of the level before
	for depth := 0; start < uint32(s.st.len()); depth++ {
		if depth > 0 {
			bs.cur, bs.next = bs.next, bs.cur
			bs.next.reset(0)
			s.st.level(start)
		}
		end := uint32(s.st.len())
		lv := &level{start: start, end: end, depth: depth, window: window,
			cur: bs.cur, keep: s.opts.Keep, segStates: segmentStates,
			probe: s.opts.MaxDepth > 0 && depth >= s.opts.MaxDepth}
		if perState := bs.levelBytes / int64(max(prev, 1)); perState > 0 {
			lv.segStates = uint32(min(max(segmentBytes/perState, 1), segmentStates))
		}
		lv.nseg = int64((end - start + lv.segStates - 1) / lv.segStates)
		prev, bs.levelBytes = end-start, 0
		if !s.look(lv, bs) {
			break
		}
		if s.opts.MaxStates > 0 {
			bs.room = s.opts.MaxStates - int64(s.st.len())
		}
		view := s.st.view()
		for _, w := range workers {
			w.view = view
		}
		comp.setLevel(view, start, end)
		for _, g := range window {
			g.ready.Store(0)
		}
		crew.run(func(k int) { s.work(workers[k], lv, bs) })
		if lv.stop.Load() {
			break
		}
		start = end
	}
	printStageTimes(workers, bs)
	if s.err != nil {
		return
	}
	if err := s.tree.flush(); err != nil {
		s.err = err
		return
	}
	if bs.depthCut && s.stopped == "" {
		s.stopped = fmt.Sprintf("depth limit (--max-depth %d) reached", s.opts.MaxDepth)
	}
	switch {
	case bs.layered:
		s.res.Executions = bs.total
	case s.stopped != "":
	case s.opts.Fingerprints:
		s.res.ExecutionsNote = "not counted: the graph is not layered, and the fingerprint store keeps no states to count it again"
	default:
		s.res.Executions = s.countPaths()
		switch {
		case s.res.Executions != nil:
		case s.ctx.Err() != nil:
			// Interrupted while counting: the search did not finish.
			s.stopped = "interrupted"
		default:
			s.res.ExecutionsNote = "not counted: the state graph has a cycle"
		}
	}
}
