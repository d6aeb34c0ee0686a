//go:build stagetimes

package explore

import (
	"fmt"
	"io"
	"os"
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
