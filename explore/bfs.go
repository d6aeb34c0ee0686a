package explore

import (
	"fmt"
	"math/big"
	"sync"
)

// The breadth-first search expands states in rounds. In a round, each
// worker expands a slice of the current level: it generates the successors,
// hashes them and looks them up in the store, which nobody writes during
// that phase. Then one goroutine goes through the workers' results in the
// order of the states and of their events, inserting new states, counting
// paths and running the checks. That order is the sequential search's, so
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
}

type worker struct {
	space Space
	cands []candidate
	buf   []byte
	emit  func([]byte, uint64)
	// per state being expanded
	from  uint32
	event int32
	probe bool
	st    stateStore
}

func (w *worker) init() {
	w.emit = func(nb []byte, note uint64) {
		ev := w.event
		w.event++
		if w.probe {
			return
		}
		c := candidate{from: w.from, event: ev, note: note, hash: w.st.hash(nb)}
		c.id, c.found = w.st.lookup(nb, c.hash)
		if !c.found || note != 0 {
			c.off, c.n = len(w.buf), len(nb)
			w.buf = append(w.buf, nb...)
		}
		w.cands = append(w.cands, c)
	}
}

// expand runs phase one on states [lo, hi).
func (w *worker) expand(lo, hi uint32, probe bool) {
	w.cands, w.buf, w.probe = w.cands[:0], w.buf[:0], probe
	for id := lo; id < hi; id++ {
		w.from, w.event = id, 0
		w.space.Successors(w.st.get(id), w.emit)
		switch {
		case w.event == 0:
			w.cands = append(w.cands, candidate{from: id, event: -1})
		case probe:
			w.cands = append(w.cands, candidate{from: id, event: -2})
		case w.event > 1<<16:
			panic(fmt.Sprintf("explore: a state has %d successors, more than 65,536", w.event))
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
					s.space.Terminal(s.st.get(c.from), s.report(c.from, -1))
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
					s.parents = append(s.parents, c.from)
					s.events = append(s.events, uint16(c.event))
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
				if c.note != 0 {
					s.space.Transition(s.st.get(c.from), w.buf[c.off:c.off+c.n], c.note, s.report(c.from, int(c.event)))
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
