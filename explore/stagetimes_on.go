//go:build stagetimes

package explore

import (
	"bytes"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"runtime"
	"sync/atomic"
	"time"
)

// Built with -tags stagetimes, the breadth-first search times its stages
// (generating a segment, settling one, waiting) on each worker and prints
// the sums to standard error when it ends: what the figures on slow cache
// lines between processors (examples/bench/SCALING.md) were measured with. The ordinary
// build leaves out every timer (stagetimes_off.go).

type stamp = time.Time

func clock() stamp { return time.Now() }

// stageTimes is one worker's: the segments it generated, the time it took,
// and its time waiting; or, in bfsState, the segments settled by which
// worker generated them.
type stageTimes struct {
	gen, wait time.Duration
	nGen      int64
	settle    []time.Duration
	nSettle   []int64
}

func (t *stageTimes) generated(t0 stamp) { t.gen += time.Since(t0); t.nGen++ }
func (t *stageTimes) waited(t0 stamp)    { t.wait += time.Since(t0) }

func (t *stageTimes) settled(origin int, t0 stamp) {
	if origin >= len(t.settle) {
		t.settle = append(t.settle, make([]time.Duration, origin+1-len(t.settle))...)
		t.nSettle = append(t.nSettle, make([]int64, origin+1-len(t.nSettle))...)
	}
	t.settle[origin] += time.Since(t0)
	t.nSettle[origin]++
}

func perSegment(d time.Duration, n int64) float64 {
	return d.Seconds() * 1e6 / float64(max(n, 1))
}

// printStageTimes prints each worker's sums to standard error.
func printStageTimes(workers []*worker, bs *bfsState) {
	times := make([]*stageTimes, len(workers))
	for k, w := range workers {
		times[k] = &w.times
	}
	writeStageTimes(os.Stderr, times, &bs.times)
}

// writeStageTimes writes a line for each worker: what it generated and
// waited (times[k]), and how long settling its segments took (settled).
func writeStageTimes(out io.Writer, times []*stageTimes, settled *stageTimes) {
	for k, t := range times {
		fmt.Fprintf(out, "stagetimes: worker %d generated %d segments in %.2f s (%.1f µs each), waited %.2f s",
			k, t.nGen, t.gen.Seconds(), perSegment(t.gen, t.nGen), t.wait.Seconds())
		if k < len(settled.settle) {
			fmt.Fprintf(out, "; its segments were settled in %.2f s (%.1f µs each)",
				settled.settle[k].Seconds(), perSegment(settled.settle[k], settled.nSettle[k]))
		}
		fmt.Fprintln(out)
	}
}

// companion is, in this build and with SNAPCHECK_COMPANION=1 in the
// environment, a goroutine beside a search with one worker that keeps a
// second processor as busy as a second worker would, without sharing any
// memory that the search writes: it generates and checks, over and over,
// the successors of a private copy of the first segmentStates states of the
// level being expanded, hashing them with a seed of its own, into memory
// of its own. Set beside a search alone, it shows how much the search
// slows down for no more than another processor of the same process being
// busy (examples/bench/SCALING.md: a companion that hashed with the
// store's seed is how the workers' false sharing of that seed's cache
// line was found).
type companion struct {
	_        [128]byte                // keeps the search's memory off these cache lines
	level    atomic.Pointer[[][]byte] // the private copies of the level's first states
	done     atomic.Bool
	rounds   atomic.Int64 // rounds of generating those states' successors
	finished chan struct{}
	_        [128]byte
}

// startCompanion starts a companion when the environment asks for one and
// the search has one worker (and a Space to give the companion); else it
// returns nil, whose methods do nothing.
func startCompanion(newSpace func() Space, workers int) *companion {
	if os.Getenv("SNAPCHECK_COMPANION") != "1" || workers != 1 || newSpace == nil {
		return nil
	}
	c := &companion{finished: make(chan struct{})}
	sp := newSpace()
	go c.run(sp)
	return c
}

// setLevel gives the companion copies of the level's first states.
func (c *companion) setLevel(view *arenaView, start, end uint32) {
	if c == nil {
		return
	}
	states := make([][]byte, 0, segmentStates)
	for id := start; id < min(start+segmentStates, end); id++ {
		states = append(states, bytes.Clone(view.get(id)))
	}
	c.level.Store(&states)
}

func (c *companion) run(sp Space) {
	var (
		seed     = maphash.MakeSeed()
		buf      []byte
		findings []Finding
		sum      uint64
		state    []byte
	)
	collect := func(f Finding) { findings = append(findings, f) }
	emit := func(nb []byte, note uint64) {
		sum += maphash.Bytes(seed, nb)
		buf = append(buf, nb...)
		if note != 0 {
			sp.Transition(state, nb, note, collect)
		}
	}
	for !c.done.Load() {
		states := c.level.Load()
		if states == nil {
			runtime.Gosched()
			continue
		}
		buf, findings = buf[:0], findings[:0]
		for _, state = range *states {
			sp.Successors(state, emit)
		}
		c.rounds.Add(1)
	}
	if sum == 1 { // keeps the hashing from being optimized away
		c.rounds.Add(1)
	}
	close(c.finished)
}

// stop stops the companion and prints how much it generated.
func (c *companion) stop() {
	if c == nil {
		return
	}
	c.done.Store(true)
	<-c.finished
	fmt.Fprintf(os.Stderr, "stagetimes: a companion generated %d rounds of up to %d states\n", c.rounds.Load(), segmentStates)
}
