package explore

import (
	"fmt"
	"math/big"
	"sync"
)

// The breadth-first search expands states in rounds. In a round, each
// worker expands a slice of the current level: it generates the successors,
// hashes them, looks them up in the store (which nobody writes during that
// phase) and runs the checks, keeping what they report. Then one goroutine
// goes through the workers' results in the order of the states and of their
// events, inserting new states, counting paths and recording findings. That order is the sequential search's, so
// ids, figures, findings and counterexamples are the same for any number of
// workers.

const roundStates = 2048 // states per worker per round

// candidate is one transition found by a worker (or, with event < 0, a
// remark about a state).
type candidate struct {
	from  uint32
	event int32 // -1: the state has no successor; -2: not expanded (depth limit)
	id    uint32
	found bool
	note  uint64
	hash  uint64
	off   int
	n     int
	// findings[f0:f1] of the worker are what the checks reported.
	f0, f1 int32
}

type worker struct {
	space    Space
	cands    []candidate
	buf      []byte
	findings []Finding
	emit     func([]byte, uint64)
	collect  func(Finding)
	state    []byte
	sink     uint64
	tooMany  bool // a state had more than maxSuccessors successors
	// per state being expanded
	from  uint32
	event int32
	probe bool
	st    stateStore
}

func (w *worker) init() {
	w.collect = func(f Finding) { w.findings = append(w.findings, f) }
	w.emit = func(nb []byte, note uint64) {
		ev := w.event
		w.event++
		if w.probe {
			return
		}
		c := candidate{from: w.from, event: ev, note: note, hash: w.st.hash(nb)}
		c.off, c.n = len(w.buf), len(nb)
		w.buf = append(w.buf, nb...)
		if note != 0 {
			c.f0 = int32(len(w.findings))
			w.space.Transition(w.state, nb, note, w.collect)
			c.f1 = int32(len(w.findings))
		}
		w.cands = append(w.cands, c)
	}
}

// expand runs phase one on states [lo, hi).
func (w *worker) expand(lo, hi uint32, probe bool) {
	w.cands, w.buf, w.findings, w.probe = w.cands[:0], w.buf[:0], w.findings[:0], probe
	for id := lo; id < hi; id++ {
		w.from, w.event = id, 0
		w.state = w.st.get(id)
		w.space.Successors(w.state, w.emit)
		switch {
		case w.event == 0:
			c := candidate{from: id, event: -1, f0: int32(len(w.findings))}
			w.space.Terminal(w.state, w.collect)
			c.f1 = int32(len(w.findings))
			w.cands = append(w.cands, c)
		case probe:
			w.cands = append(w.cands, candidate{from: id, event: -2})
		case w.event > maxSuccessors:
			w.tooMany = true
		}
	}
	// Look the successors up in two passes: the first only touches their
	// slots, with loads that do not depend on each other, so that the
	// processor overlaps the cache misses; the second finds them.
	var sink uint64
	for i := range w.cands {
		if w.cands[i].event >= 0 {
			sink += w.st.touch(w.cands[i].hash)
		}
	}
	w.sink = sink
	for i := range w.cands {
		c := &w.cands[i]
		if c.event >= 0 {
			c.id, c.found = w.st.lookup(w.buf[c.off:c.off+c.n], c.hash)
		}
	}
}

func (s *search) bfs() {
	nw := max(s.opts.Workers, 1)
	workers := make([]*worker, nw)
	for k := range workers {
		sp := s.space
		if k > 0 {
			sp = s.opts.NewSpace()
		}
		workers[k] = &worker{space: sp, st: s.st}
		workers[k].init()
	}
	var cur, next counts
	cur.reset(1)
	cur.one(0)
	next.reset(0)
	total := new(big.Int)
	layered := true
	levelStart, levelEnd := uint32(0), uint32(1)
	depth := 0
	depthCut := false
	id := uint32(0)
	for id < uint32(s.st.len()) {
		if id == levelEnd {
			depth++
			levelStart, levelEnd = levelEnd, uint32(s.st.len())
			cur, next = next, cur
			next.reset(0)
			s.st.level(levelStart)
		}
		if !s.check(0, int64(uint32(s.st.len())-id), depth) {
			break
		}
		probe := s.opts.MaxDepth > 0 && depth >= s.opts.MaxDepth
		// Phase one: split [id, end) between the workers.
		end := min(levelEnd, id+uint32(nw*roundStates))
		per := (end - id + uint32(nw) - 1) / uint32(nw)
		if nw == 1 {
			workers[0].expand(id, end, probe)
		} else {
			var wg sync.WaitGroup
			for k, w := range workers {
				lo := min(id+uint32(k)*per, end)
				hi := min(lo+per, end)
				wg.Go(func() { w.expand(lo, hi, probe) })
			}
			wg.Wait()
		}
		for _, w := range workers {
			if w.tooMany {
				s.err = tooManySuccessors()
				return
			}
		}
		// Phase two, in order; it stops inside the round when the state
		// limit is reached, so that no more than MaxStates are stored.
		stop := false
	phase2:
		for _, w := range workers {
			for i := range w.cands {
				if stop {
					break phase2
				}
				c := &w.cands[i]
				switch c.event {
				case -1:
					s.res.Terminal++
					if layered {
						cur.addTo(total, int(c.from-levelStart))
					}
					if c.f1 > c.f0 {
						report := s.report(c.from, -1)
						for _, f := range w.findings[c.f0:c.f1] {
							report(f)
						}
					}
					continue
				case -2:
					depthCut = true
					continue
				}
				s.res.Transitions++
				nid, added := c.id, false
				if !c.found {
					nid, added = s.st.insert(w.buf[c.off:c.off+c.n], c.hash)
				}
				if added {
					s.parents.append(c.from)
					s.events.append(uint16(c.event))
					if s.opts.MaxStates > 0 && int64(s.st.len()) >= s.opts.MaxStates {
						stop = true
					}
				}
				switch {
				case nid == ^uint32(0) || nid < levelEnd:
					layered = false
				case layered:
					next.ensure(int(nid-levelEnd) + 1)
					next.add(int(nid-levelEnd), &cur, int(c.from-levelStart))
				}
				if c.f1 > c.f0 {
					report := s.report(c.from, int(c.event))
					for _, f := range w.findings[c.f0:c.f1] {
						report(f)
					}
				}
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
