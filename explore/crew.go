package explore

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// crew runs the levels of a breadth-first search on nw members: the
// goroutine that calls run is member 0, and nw-1 helpers wait for the next
// level. A helper spins for the next level before it parks: on a virtual
// machine, waking a parked thread takes from tens to hundreds of
// microseconds, and the narrow levels near the start and the end of a
// search come that often.
type crew struct {
	nw   int
	f    func(k int)
	gen  atomic.Uint64 // runs started
	done atomic.Int64  // helpers done with the current run
	quit bool
	mu   sync.Mutex
	cond *sync.Cond
	wg   sync.WaitGroup
}

// crewSpins is how many times a helper checks for the next run before
// it parks (some hundreds of microseconds). Between two checks it yields
// its processor, which a member with work to do then takes: so a crew
// larger than GOMAXPROCS, or sharing it with other goroutines, does not
// keep them waiting.
const crewSpins = 2048

// newCrew starts nw-1 helpers, until stop.
func newCrew(nw int) *crew {
	c := &crew{nw: nw}
	c.cond = sync.NewCond(&c.mu)
	for k := 1; k < nw; k++ {
		c.wg.Add(1)
		go c.help(k)
	}
	return c
}

func (c *crew) help(k int) {
	defer c.wg.Done()
	seen := uint64(0)
	for {
		for spins := 0; c.gen.Load() == seen; spins++ {
			if spins < crewSpins {
				runtime.Gosched()
				continue
			}
			c.mu.Lock()
			for c.gen.Load() == seen {
				c.cond.Wait()
			}
			c.mu.Unlock()
		}
		seen++
		c.mu.Lock()
		f, quit := c.f, c.quit
		c.mu.Unlock()
		if quit {
			return
		}
		f(k)
		c.done.Add(1)
	}
}

// run runs f(0), ..., f(nw-1), one on each member, and returns when all
// have returned.
func (c *crew) run(f func(k int)) {
	if c.nw == 1 {
		f(0)
		return
	}
	c.mu.Lock()
	c.f = f
	c.done.Store(0)
	c.gen.Add(1)
	c.cond.Broadcast()
	c.mu.Unlock()
	f(0)
	for c.done.Load() != int64(c.nw-1) {
		runtime.Gosched()
	}
}

// stop ends the helpers.
func (c *crew) stop() {
	c.mu.Lock()
	c.quit = true
	c.gen.Add(1)
	c.cond.Broadcast()
	c.mu.Unlock()
	c.wg.Wait()
}
