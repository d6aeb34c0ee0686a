package explore

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestCrew: every phase runs each member exactly once, a phase's writes are
// seen by the next one, and stop ends the helpers, with more members than
// processors and after phases far apart (the helpers park).
func TestCrew(t *testing.T) {
	for _, nw := range []int{1, 2, 5} {
		c := newCrew(nw)
		runs := make([]int, nw)
		var total atomic.Int64
		for phase := range 300 {
			c.run(func(k int) {
				runs[k]++
				total.Add(int64(k + 1))
			})
			if phase%100 == 0 {
				for range 1 << 20 { // long enough for the helpers to park
					total.Add(0)
				}
			}
			var ran atomic.Int64
			c.run(func(k int) {
				runs[k]++
				ran.Add(1)
			})
			if ran.Load() != int64(nw) {
				t.Fatalf("%d members, phase %d: %d ran, want %d", nw, phase, ran.Load(), nw)
			}
		}
		c.stop()
		for k, r := range runs {
			if r != 600 {
				t.Errorf("%d members: member %d ran %d times, want 600", nw, k, r)
			}
		}
		if want := int64(300 * nw * (nw + 1) / 2); total.Load() != want {
			t.Errorf("%d members: total %d, want %d", nw, total.Load(), want)
		}
	}
}

// BenchmarkCacheLineRoundTrip measures how long a cache line takes to go
// from one processor to another and back (two goroutines taking turns at
// an atomic counter): what the breadth-first search pays when a worker
// reads what another wrote. On this project's virtual machine it was
// 80-120 ns in some sittings and about 420 ns in others (the host moved
// the two virtual processors apart), and the 2-worker figures follow it.
// Run it with -cpu 2 or more.
func BenchmarkCacheLineRoundTrip(b *testing.B) {
	if runtime.GOMAXPROCS(0) < 2 {
		b.Skip("needs two processors (-cpu 2)")
	}
	var x atomic.Int64
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := int64(1); i < 2*int64(b.N); i += 2 {
			for x.Load() != i {
			}
			x.Store(i + 1)
		}
	}()
	for i := int64(0); i < 2*int64(b.N); i += 2 {
		for x.Load() != i {
		}
		x.Store(i + 1)
	}
	<-done
}
