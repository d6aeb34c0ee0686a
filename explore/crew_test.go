package explore

import (
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
