package explore

import (
	"bytes"
	"fmt"
	"math"
	"math/big"
	"sync"
	"unsafe"
)

// The breadth-first search expands states in rounds of a few thousand
// states of one level, cut into segments of consecutive states. Each
// round has five phases, all but the last run by every worker (the
// members of a crew, crew.go, which wait for the next phase awake):
//
//  1. Expansion: the workers take the segments one after another as they
//     become free. For each state of a segment a worker generates the
//     successors, hashes them, looks them up in the store (which nobody
//     writes during this phase) and runs the checks, keeping what they
//     report in the segment. It sorts the successors it did not find into
//     shards by hash.
//  2. First occurrences: among the successors nobody found, the first
//     occurrence of each state in candidate order (the segments one after
//     the other, each in the order of its states and of their events). All
//     the occurrences of a state fall in one shard, and one worker goes
//     through each shard in candidate order, so which occurrence is first
//     depends neither on the number of workers nor on the schedule. It
//     also counts each segment's first occurrences and their bytes, and
//     sums up, for each first occurrence, the paths to the sources of its
//     later ones (from the current level's counts, which nobody writes
//     during the level). It writes only to its own memory (the segments'
//     cache lines stay shared); each segment's later occurrences are
//     marked in it at the start of phase three, by the worker that stores
//     it.
//  3. Storing and counting: the first occurrences get ids in candidate
//     order, as a sequential search would give them: a segment's from the
//     number of first occurrences before it. So each worker stores a
//     segment's new states (bytes, table slot, parent and event) on its
//     own. Where a state lands in the table may depend on the schedule;
//     its id does not. It also counts the segment's transitions and adds,
//     for each, the paths to its source to the paths to its target (the
//     next level's counts, added by compare-and-swap: sums do not depend
//     on their order); to a new state's, it also adds phase two's sum for
//     its later occurrences. So the transitions to later occurrences are
//     counted where no other worker writes, and without a
//     compare-and-swap each (on any3n_ms2_b2 with 2 workers, phase four's
//     compare-and-swaps took 0.8 s of the 11 s).
//  4. Counting the transitions to later occurrences whose sum would
//     overflow, one worker per shard of phase two: at the start
//     of the next round's phase one (each worker then takes segments, so
//     that nobody waits for the others), or before the level ends. Rounds
//     take turns with two sets of segments for this.
//  5. Findings, on one goroutine in candidate order: terminal states and
//     what the checks reported. Phase three sums each segment's up
//     (summarize), so that this phase merges one entry per finding and
//     segment rather than one per occurrence.
//
// So the figures, ids, findings and counterexamples are the same for any
// number of workers. Only deciding how many states a round adds (and
// where the state limit cuts it), growing the table and phase five are
// sequential.
//
// A lone worker needs none of phases two to four (soloRound): it stores
// each new state as soon as it meets it (settle), so a later occurrence
// finds it in the store, and the first occurrence gets the next id, as
// above. That spares the shards, the deduper's table and a second pass
// over the candidates: any3n_ms2_a1, one worker, best of 5 alternate runs,
// took 2.13 s against 2.21 s.

// A round's size trades the cache for the barriers. A smaller round's
// candidates, shards and tables stay in the cache between the phases (a
// single worker is 6–9% faster with rounds of 2,048 states than of 8,192),
// but several workers meet at the end of each phase, and on a virtual
// machine waking the others takes tens of microseconds or more (the crew,
// see crew.go, keeps them awake between phases). With 2 workers,
// rounds of 4,096 states per worker were 5–8% faster than of 8,192 (best
// of 3 alternate runs on any3n_ms2_b2 and cos418_8n_a), while 2,048 made
// the 17M-state any3n_ms2_b2 10–30% slower.
const (
	roundStates   = 4096 // states per worker per round, with several workers
	soloRound     = 2048 // states per round with one worker
	segmentStates = 64   // states per segment
)

// candidate is one transition found by a worker (or, with event < 0, a
// remark about a state).
type candidate struct {
	from  uint32
	event int32 // -1: the state has no successor; -2: not expanded (depth limit)
	id    uint32
	found bool // the store held the state before the round
	off   int32
	n     int32 // the successor is buf[off:off+n] of the segment
	hash  uint64
	// findings[f0:f1] of the segment are what the checks reported.
	f0, f1 int32
	// A later occurrence of a state new in this round: the first is
	// segs[dupS].cands[dupI]; dupS is -1 for a first occurrence.
	dupS, dupI int32
}

// segment is what the phases find for a range of states.
type segment struct {
	cands    []candidate
	buf      []byte
	findings []Finding
	// remarks are the indices in cands of terminal states and of
	// candidates with findings (phase five).
	remarks []int32
	// shards[k] are the successors not found in the store whose hash
	// falls in shard k (compact, so that phase two reads nothing else of
	// the segment but the bytes of states that may be equal).
	shards [][]pending
	// news and size count the first occurrences in the segment and their
	// footprints (after phase two).
	news, size int
	most       int32 // the highest event index
	tooMany    bool  // a state had more than maxSuccessors successors
	depthCut   bool  // a state was not expanded (depth limit)
	// limit is how many candidates count: all, or fewer when the state
	// limit cuts the round.
	limit int
	// the new states' first id and offset in the store (phase three)
	first uint32
	at    uint64
	// phase three's figures, and its summary of the remarks for phase
	// five: terminal states, the sum of their paths, and the findings by
	// key in the order of their first occurrence in the segment
	transitions int64
	unlayered   bool
	sink        uint64 // keeps store's loads of the table
	terminals   int64
	paths       big.Int
	found       []segFound
	foundAt     map[string]int
	_           [128]byte // keeps other segments' fields off these cache lines
}

// bytes is the memory of the segment's buffers: what they hold, or (used)
// what the last round put in them.
func (g *segment) bytes(used bool) int64 {
	size := func(n, c int) int64 {
		if used {
			return int64(n)
		}
		return int64(c)
	}
	b := size(len(g.cands), cap(g.cands))*int64(unsafe.Sizeof(candidate{})) + size(len(g.buf), cap(g.buf)) +
		size(len(g.findings), cap(g.findings))*int64(unsafe.Sizeof(Finding{})) + 4*size(len(g.remarks), cap(g.remarks))
	for _, p := range g.shards {
		b += size(len(p), cap(p)) * int64(unsafe.Sizeof(pending{}))
	}
	return b
}

// setBytes is the memory of a set of segments' buffers (see bytes).
func setBytes(set []*segment, used bool) int64 {
	var b int64
	for _, g := range set {
		b += g.bytes(used)
	}
	return b
}

// pending is a successor not found in the store: its hash, its index in
// the segment's cands, where its bytes are in the segment's buf, and its
// source state.
type pending struct {
	hash      uint64
	i, off, n int32
	from      uint32
}

func (g *segment) bytesOf(c *candidate) []byte { return g.buf[c.off : c.off+c.n : c.off+c.n] }

func (g *segment) isNew(c *candidate) bool { return c.event >= 0 && !c.found && c.dupS < 0 }

// worker expands states with its own Space.
type worker struct {
	space   Space
	st      stateStore
	emit    func([]byte, uint64)
	collect func(Finding)
	sink    uint64
	// per state being expanded
	seg   *segment
	state []byte
	from  uint32
	event int32
	probe bool
	_     [128]byte // keeps other workers' fields off these cache lines
}

func (w *worker) init() {
	w.collect = func(f Finding) { w.seg.findings = append(w.seg.findings, f) }
	w.emit = func(nb []byte, note uint64) {
		ev := w.event
		w.event++
		if w.probe {
			return
		}
		g := w.seg
		c := candidate{from: w.from, event: ev, hash: w.st.hash(nb), dupS: -1}
		c.off, c.n = int32(len(g.buf)), int32(len(nb))
		g.buf = append(g.buf, nb...)
		if note != 0 {
			c.f0 = int32(len(g.findings))
			w.space.Transition(w.state, nb, note, w.collect)
			c.f1 = int32(len(g.findings))
			if c.f1 > c.f0 {
				g.remarks = append(g.remarks, int32(len(g.cands)))
			}
		}
		g.cands = append(g.cands, c)
	}
}

// shardOf is the shard of a hash: bits that neither the store's slot nor
// the deduper's use.
func shardOf(h uint64, nshards int) int { return int(uint64(uint16(h)) * uint64(nshards) >> 16) }

// expand runs phase one on states [lo, hi) into g: it generates their
// successors, then looks them up (lookups). Alone, a worker stores them
// instead (settle).
func (w *worker) expand(g *segment, lo, hi uint32, probe bool, nshards int) {
	w.generate(g, lo, hi, probe)
	w.lookups(g, nshards)
}

// generate generates the successors of states [lo, hi) into g and brings
// their table slots into the cache.
func (w *worker) generate(g *segment, lo, hi uint32, probe bool) {
	g.cands, g.buf, g.findings, g.remarks = g.cands[:0], g.buf[:0], g.findings[:0], g.remarks[:0]
	g.tooMany, g.depthCut, g.most = false, false, 0
	w.seg, w.probe = g, probe
	for id := lo; id < hi; id++ {
		w.from, w.event = id, 0
		w.state = w.st.get(id)
		w.space.Successors(w.state, w.emit)
		switch {
		case w.event == 0:
			c := candidate{from: id, event: -1, f0: int32(len(g.findings))}
			w.space.Terminal(w.state, w.collect)
			c.f1 = int32(len(g.findings))
			g.remarks = append(g.remarks, int32(len(g.cands)))
			g.cands = append(g.cands, c)
		case probe:
			g.cands = append(g.cands, candidate{from: id, event: -2})
			g.depthCut = true
		case w.event > maxSuccessors:
			g.tooMany = true
		}
		g.most = max(g.most, w.event-1)
	}
	// Look the successors up in two passes: the first only touches their
	// slots, with loads that do not depend on each other, so that the
	// processor overlaps the cache misses; the second finds them.
	var sink uint64
	for i := range g.cands {
		if g.cands[i].event >= 0 {
			sink += w.st.touch(g.cands[i].hash)
		}
	}
	w.sink = sink
	g.limit = len(g.cands)
}

// lookups looks g's successors up in the store and sorts those it did not
// find into shards by hash.
func (w *worker) lookups(g *segment, nshards int) {
	if len(g.shards) != nshards {
		g.shards = make([][]pending, nshards)
	}
	for k := range g.shards {
		g.shards[k] = g.shards[k][:0]
	}
	for i := range g.cands {
		c := &g.cands[i]
		if c.event >= 0 {
			c.id, c.found = w.st.lookup(g.bytesOf(c), c.hash)
			if !c.found {
				k := shardOf(c.hash, nshards)
				g.shards[k] = append(g.shards[k], pending{hash: c.hash, i: int32(i), off: c.off, n: c.n, from: c.from})
			}
		}
	}
}

// settle does for a lone worker what phases two to four do for several,
// on g as soon as it is generated: it looks each successor up and stores
// it at once when it is new, so that a later occurrence finds it in the
// store, and counts the paths along each transition. The ids, the tree,
// the counts and the figures come out as the phases give them: new states
// get ids in candidate order. room is how many more states the state
// limit allows (at least one: the search stops before a round when none
// is left); when it runs out, g's limit cuts it after the candidate that
// took the last one, and settle reports that the search must stop.
func (g *segment) settle(st stateStore, t tree, cur, next *counts, levelStart, levelEnd uint32, layered bool, room *int64) (full bool) {
	g.transitions, g.unlayered = 0, false
	for i := range g.cands {
		c := &g.cands[i]
		if c.event < 0 {
			continue
		}
		b := g.bytesOf(c)
		id, found := st.lookup(b, c.hash)
		if !found {
			var at uint64
			id, at = st.reserve(1, st.footprint(len(b)), 1)
			st.put(id, at, b, c.hash)
			t.extend(int(id)+1, uint16(c.event))
			t.set(id, c.from, uint16(c.event))
			next.ensure(int(id-levelEnd) + 1)
			*room--
		}
		c.id, c.found = id, found
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

// deduper is a round's table of the first occurrences of new states in
// one shard (open addressing), and what phase two finds in that shard. It
// writes only to its own memory: the segments, written by other workers in
// phase one, are only read, which keeps their cache lines shared.
type deduper struct {
	// table: a slot is 0 when empty, else the top 32 bits of a state's
	// hash and 1 + the index in firsts of its first occurrence (8 bytes,
	// so that a round's table stays in the cache)
	table []uint64
	// firsts are the first occurrences, in candidate order; segFirsts[si]
	// is where segment si's begin. Each sums up the paths to the later
	// occurrences it stands for (summed), which phase three adds to its
	// own when it stores it: so the later occurrences' paths are counted
	// here, where nobody else writes, rather than in phase four.
	firsts    []firstOcc
	segFirsts []int32
	// The later occurrences, in candidate order (segSummed[si] and
	// segDups[si] are where segment si's begin): summed, those whose paths
	// are in their first occurrence's sum, and dups, those left to phase
	// four (the sum would overflow).
	summed, dups       []dup
	segSummed, segDups []int32
	// news[si] and size[si] count segment si's first occurrences in the
	// shard and their footprints.
	news, size []int
}

// firstOcc is the first occurrence of a state in a round, candidate i of
// segment seg, whose bytes are buf[off:off+n] of the segment, and the
// paths to its later occurrences in summed.
type firstOcc struct {
	seg, i, off, n int32
	summed         uint64
}

// dup is a later occurrence of a state new in the round, candidate i of
// segment seg, whose first occurrence is candidate fi of segment fseg.
type dup struct {
	seg, i, fseg, fi int32
}

// run finds, in shard k, every occurrence of a new state after the first
// and counts the first ones (phase two). It sums the paths to the later
// occurrences from cur, the current level's counts, which start at
// levelStart, when layered.
func (d *deduper) run(segs []*segment, k int, st stateStore, cur *counts, levelStart uint32, layered bool) {
	n := 0
	for _, g := range segs {
		n += len(g.shards[k])
	}
	size := 1 << 4
	for size < 2*n {
		size <<= 1
	}
	if cap(d.table) >= size {
		d.table = d.table[:size]
		clear(d.table)
	} else {
		d.table = make([]uint64, size)
	}
	mask := uint64(size - 1)
	d.firsts, d.summed, d.dups = d.firsts[:0], d.summed[:0], d.dups[:0]
	d.segFirsts = grow(d.segFirsts, len(segs)+1)
	d.segSummed = grow(d.segSummed, len(segs)+1)
	d.segDups = grow(d.segDups, len(segs)+1)
	d.news, d.size = grow(d.news, len(segs)), grow(d.size, len(segs))
	for si, g := range segs {
		d.segFirsts[si] = int32(len(d.firsts))
		d.segSummed[si] = int32(len(d.summed))
		d.segDups[si] = int32(len(d.dups))
		footprints := 0
		for _, p := range g.shards[k] {
			tag := p.hash >> 32 << 32
			for j := p.hash >> 20 & mask; ; j = (j + 1) & mask {
				e := d.table[j]
				if e == 0 {
					d.firsts = append(d.firsts, firstOcc{seg: int32(si), i: p.i, off: p.off, n: p.n})
					d.table[j] = tag | uint64(len(d.firsts))
					footprints += st.footprint(int(p.n))
					break
				}
				if e>>32<<32 != tag {
					continue
				}
				f := &d.firsts[uint32(e)-1]
				if f.n != p.n || !bytes.Equal(segs[f.seg].buf[f.off:f.off+f.n], g.buf[p.off:p.off+p.n]) {
					continue
				}
				later := dup{seg: int32(si), i: p.i, fseg: f.seg, fi: f.i}
				if v := cur.small[p.from-levelStart]; layered && v != bigMark && f.summed <= bigMark-1-v {
					f.summed += v
					d.summed = append(d.summed, later)
				} else {
					d.dups = append(d.dups, later)
				}
				break
			}
		}
		d.news[si], d.size[si] = int(int32(len(d.firsts))-d.segFirsts[si]), footprints
	}
	d.segFirsts[len(segs)] = int32(len(d.firsts))
	d.segSummed[len(segs)] = int32(len(d.summed))
	d.segDups[len(segs)] = int32(len(d.dups))
}

// addSummed adds, for segment si's first occurrences in the shard (with
// their ids), the paths to their later occurrences (phase three, after
// store). Not in a round that the state limit cuts: the search stops
// there, and the next level's counts go unused.
func (d *deduper) addSummed(g *segment, si int, next *counts, levelEnd uint32) {
	for _, f := range d.firsts[d.segFirsts[si]:d.segFirsts[si+1]] {
		if f.summed != 0 {
			next.addValue(int(g.cands[f.i].id-levelEnd), f.summed)
		}
	}
}

// grow returns s with length n, its contents lost.
func grow[T any](s []T, n int) []T {
	if cap(s) >= n {
		return s[:n]
	}
	return make([]T, n)
}

// mark notes in segment si's candidates the later occurrences that the
// dedupers found (each deduper's, in candidate order).
func mark(round []*segment, si int, dedupers []*deduper) {
	g := round[si]
	for _, d := range dedupers {
		for _, later := range [...][]dup{d.dups[d.segDups[si]:d.segDups[si+1]], d.summed[d.segSummed[si]:d.segSummed[si+1]]} {
			for _, e := range later {
				c := &g.cands[e.i]
				c.dupS, c.dupI = e.fseg, e.fi
			}
		}
	}
}

// segFound is a finding's occurrences in a segment: how many, and the
// first keep.
type segFound struct {
	f     Finding
	count int64
	occ   []occurrence
}

// summarize sums up what phase five needs of the segment's remarks
// (terminal states and findings, up to the limit), on the worker that
// stores it: phase five then merges one entry per finding and segment
// rather than one per occurrence.
func (g *segment) summarize(cur *counts, levelStart uint32, keep int) {
	g.terminals = 0
	g.paths.SetUint64(0)
	g.found = g.found[:0]
	if g.foundAt == nil {
		g.foundAt = map[string]int{}
	}
	clear(g.foundAt)
	for _, i := range g.remarks {
		if int(i) >= g.limit {
			break
		}
		c := &g.cands[i]
		if c.event == -1 {
			g.terminals++
			cur.addTo(&g.paths, int(c.from-levelStart))
		}
		for _, f := range g.findings[c.f0:c.f1] {
			k, ok := g.foundAt[f.Key]
			if !ok {
				k = len(g.found)
				g.foundAt[f.Key] = k
				g.found = append(g.found, segFound{f: f})
			}
			e := &g.found[k]
			e.count++
			if len(e.occ) < keep {
				e.occ = append(e.occ, occurrence{c.from, int(c.event)})
			}
		}
	}
}

// store runs phase three on g, and counts the paths along its transitions
// but those to later occurrences of new states (addSummed and phase four
// count those).
func (g *segment) store(st stateStore, t tree, cur, next *counts, levelStart, levelEnd uint32, layered bool) {
	g.transitions, g.unlayered = 0, false
	id, at := g.first, g.at
	// Bring the new states' table slots in first, with loads that do not
	// depend on each other: the compare-and-swap that claims a slot waits
	// for its cache miss alone (on any3n_ms2_b2, one worker: the phase
	// takes 15-20% less).
	var sink uint64
	for i := range g.limit {
		if c := &g.cands[i]; g.isNew(c) {
			sink += st.touch(c.hash)
		}
	}
	g.sink = sink
	for i := range g.limit {
		c := &g.cands[i]
		if c.event < 0 {
			continue
		}
		g.transitions++
		nid := c.id
		switch {
		case c.found:
		case c.dupS >= 0:
			continue
		default:
			c.id, nid = id, id
			at = st.put(id, at, g.bytesOf(c), c.hash)
			t.set(id, c.from, uint16(c.event))
			id++
		}
		switch {
		case nid == ^uint32(0) || nid < levelEnd:
			g.unlayered = true
		case layered:
			next.addShared(int(nid-levelEnd), cur, int(c.from-levelStart))
		}
	}
}

// count runs phase four on the later occurrences of new states (in the
// next level) that one shard left to it (dups).
func (d *deduper) count(round []*segment, cur, next *counts, levelStart, levelEnd uint32) {
	for _, e := range d.dups {
		g := round[e.seg]
		if int(e.i) >= g.limit {
			continue
		}
		nid := round[e.fseg].cands[e.fi].id
		next.addShared(int(nid-levelEnd), cur, int(g.cands[e.i].from-levelStart))
	}
}

// parallel runs f(0), ..., f(n-1), on goroutines when n > 1.
func parallel(n int, f func(k int)) {
	if n == 1 {
		f(0)
		return
	}
	var wg sync.WaitGroup
	for k := range n {
		wg.Go(func() { f(k) })
	}
	wg.Wait()
}

// cut stops the round at the candidate that adds the room-th new state,
// and counts again the segments' new states and their bytes.
func cut(round []*segment, room int, st stateStore) {
	for _, g := range round {
		g.news, g.size = 0, 0
		if room == 0 {
			g.limit = 0
			continue
		}
		for i := range g.cands {
			if c := &g.cands[i]; g.isNew(c) {
				g.news++
				g.size += st.footprint(int(c.n))
				if room--; room == 0 {
					g.limit = i + 1
					break
				}
			}
		}
	}
}

// soloRound runs a round with one worker: it generates, settles (see
// settle) and summarizes one segment after the other. It returns the
// segments phase five takes (those up to where the state limit stopped the
// round) and whether it did.
func (s *search) soloRound(w *worker, round []*segment, id, end uint32, probe bool, cur, next *counts, levelStart, levelEnd uint32, layered bool) ([]*segment, bool, error) {
	room := int64(math.MaxInt64)
	if s.opts.MaxStates > 0 {
		room = s.opts.MaxStates - int64(s.st.len())
	}
	for i, g := range round {
		lo := id + uint32(i)*segmentStates
		w.generate(g, lo, min(lo+segmentStates, end), probe)
		if g.tooMany {
			return nil, false, tooManySuccessors()
		}
		full := g.settle(s.st, s.tree, cur, next, levelStart, levelEnd, layered, &room)
		g.summarize(cur, levelStart, s.opts.Keep)
		if full {
			return round[:i+1], true, s.tree.flush()
		}
	}
	return round, false, s.tree.flush()
}

func (s *search) bfs() {
	nw := max(s.opts.Workers, 1)
	roundSize := nw * roundStates
	if nw == 1 {
		roundSize = soloRound
	}
	workers := make([]*worker, nw)
	dedupers := make([]*deduper, nw)
	for k := range workers {
		dedupers[k] = &deduper{}
		sp := s.space
		if k > 0 {
			sp = s.opts.NewSpace()
		}
		workers[k] = &worker{space: sp, st: s.st}
		workers[k].init()
	}
	// Rounds take turns with two sets of segments, so that a round's
	// phase four can run in the next one's phase one (see later).
	var sets [2][]*segment
	var later func(k int)
	crew := newCrew(nw)
	defer crew.stop()
	flush := func() {
		if later != nil {
			crew.run(later)
			later = nil
		}
	}
	defer flush()
	cur, next := &counts{}, &counts{}
	cur.reset(1)
	cur.one(0)
	next.reset(0)
	total := new(big.Int)
	layered := true
	levelStart, levelEnd := uint32(0), uint32(1)
	depth := 0
	depthCut := false
	id := uint32(0)
	rounds, lastSegs := 0, 0
	for id < uint32(s.st.len()) {
		if id == levelEnd {
			flush()
			depth++
			levelStart, levelEnd = levelEnd, uint32(s.st.len())
			cur, next = next, cur
			next.reset(0)
			s.st.level(levelStart)
		}
		end := min(levelEnd, id+uint32(roundSize))
		s.nextRound = int(end - id)
		s.roundGrowth, s.mostAdded = 0, 0
		if rounds > 0 && s.lastRound > 0 {
			// This round's segments will need about what the last round's
			// did, per state expanded.
			last := sets[(rounds-1)&1][:lastSegs]
			need := setBytes(last, true) * int64(s.nextRound) / int64(s.lastRound)
			s.roundGrowth = max(0, need-setBytes(sets[rounds&1], false))
			var transitions int
			for _, g := range last {
				transitions += len(g.cands)
			}
			s.mostAdded = transitions * s.nextRound / s.lastRound
		}
		if !s.check(0, int64(uint32(s.st.len())-id), depth) {
			break
		}
		s.lastRound = s.nextRound
		probe := s.opts.MaxDepth > 0 && depth >= s.opts.MaxDepth
		// Phase one: segments of [id, end).
		nseg := int((end - id + segmentStates - 1) / segmentStates)
		segs := &sets[rounds&1]
		rounds++
		for len(*segs) < nseg {
			*segs = append(*segs, &segment{})
		}
		round := (*segs)[:nseg]
		lastSegs = nseg
		stop := false
		if nw == 1 {
			var err error
			if round, stop, err = s.soloRound(workers[0], round, id, end, probe, cur, next, levelStart, levelEnd, layered); err != nil {
				s.err = err
				return
			}
		} else {
			pre := later
			later = nil
			crew.eachSegment(nseg, pre, func(k, i int) {
				lo := id + uint32(i)*segmentStates
				workers[k].expand(round[i], lo, min(lo+segmentStates, end), probe, nw)
			})
			for _, g := range round {
				if g.tooMany {
					s.err = tooManySuccessors()
					return
				}
			}
			// Phase two: first occurrences, one worker per shard.
			crew.run(func(k int) { dedupers[k].run(round, k, s.st, cur, levelStart, layered) })
			// How many new states, and where the state limit cuts the round.
			news, size, most := 0, 0, int32(0)
			for si, g := range round {
				g.news, g.size = 0, 0
				for _, d := range dedupers {
					g.news += d.news[si]
					g.size += d.size[si]
				}
				news += g.news
				size += g.size
				most = max(most, g.most)
			}
			marked := false
			if s.opts.MaxStates > 0 && int64(s.st.len()+news) >= s.opts.MaxStates {
				stop = true
				news = int(s.opts.MaxStates) - s.st.len()
				for si := range round {
					mark(round, si, dedupers)
				}
				marked = true
				cut(round, news, s.st)
				size = 0
				for _, g := range round {
					size += g.size
				}
			}
			// Phase three: every segment's new states, from its first id.
			first, at := s.st.reserve(news, size, nw)
			s.tree.extend(int(first)+news, uint16(most))
			for _, g := range round {
				g.first, g.at = first, at
				first += uint32(g.news)
				at += uint64(g.size)
			}
			next.ensure(s.st.len() - int(levelEnd))
			crew.eachSegment(nseg, nil, func(_, i int) {
				if !marked {
					mark(round, i, dedupers)
				}
				round[i].store(s.st, s.tree, cur, next, levelStart, levelEnd, layered)
				if layered && !marked {
					for _, d := range dedupers {
						d.addSummed(round[i], i, next, levelEnd)
					}
				}
				round[i].summarize(cur, levelStart, s.opts.Keep)
			})
			if err := s.tree.flush(); err != nil {
				s.err = err
				return
			}
			// Phase four, at the start of the next round's phase one (or before
			// the levels turn, or at the end): the workers that have done their
			// share of it then take their first segments, so that nobody waits
			// for it.
			if layered {
				cur, next, levelStart, levelEnd := cur, next, levelStart, levelEnd
				later = func(k int) { dedupers[k].count(round, cur, next, levelStart, levelEnd) }
			}
		}
		// Phase five.
		for _, g := range round {
			s.res.Transitions += g.transitions
			layered = layered && !g.unlayered
			depthCut = depthCut || g.depthCut
			s.res.Terminal += g.terminals
			if layered {
				total.Add(total, &g.paths)
			}
			for _, e := range g.found {
				s.merge(e.f, e.count, e.occ)
			}
		}
		if depth > s.res.Depth {
			s.res.Depth = depth
		}
		if stop {
			s.stopped = fmt.Sprintf("state limit (--max-states %d) reached", s.opts.MaxStates)
			break
		}
		id = end
	}
	if depthCut && s.stopped == "" {
		s.stopped = fmt.Sprintf("depth limit (--max-depth %d) reached", s.opts.MaxDepth)
	}
	switch {
	case layered:
		s.res.Executions = total
	case s.stopped != "":
	case s.opts.Fingerprints:
		s.res.ExecutionsNote = "not counted: the graph is not layered, and the fingerprint store keeps no states to count it again"
	default:
		s.res.Executions = s.countPaths()
		if s.res.Executions == nil {
			s.res.ExecutionsNote = "not counted: the state graph has a cycle"
		}
	}
}
