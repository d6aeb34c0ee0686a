package explore

import (
	"math"
	"math/big"
	"slices"
)

// counts holds exact path counts for a range of state ids: uint64 while it
// fits, a big.Int for the few that do not (their small count is bigMark).
type counts struct {
	small []uint64
	big   map[int]*big.Int
	// Settling writes the next level's counts at every new state, while
	// the generating workers read the level's (summarize): the two must
	// not share a cache line.
	_ [128]byte
}

// bigMark in small says that the count is in big.
const bigMark = math.MaxUint64

func (c *counts) reset(n int) {
	if cap(c.small) >= n {
		c.small = c.small[:n]
		clear(c.small)
	} else {
		c.small = make([]uint64, n)
	}
	c.big = nil
}

func (c *counts) ensure(n int) {
	if m := len(c.small); m < n {
		c.small = slices.Grow(c.small, n-m)[:n]
		clear(c.small[m:])
	}
}

func (c *counts) get(i int) *big.Int {
	if c.small[i] == bigMark {
		return c.big[i]
	}
	return new(big.Int).SetUint64(c.small[i])
}

// add adds src[j] to c[i].
func (c *counts) add(i int, src *counts, j int) {
	a, b := c.small[i], src.small[j]
	if a != bigMark && b != bigMark && a < bigMark-b {
		c.small[i] = a + b
		return
	}
	c.setBig(i, new(big.Int).Add(c.get(i), src.get(j)))
}

func (c *counts) setBig(i int, v *big.Int) {
	if c.big == nil {
		c.big = map[int]*big.Int{}
	}
	c.big[i] = v
	c.small[i] = bigMark
}

// one sets c[i] to one.
func (c *counts) one(i int) { c.small[i] = 1 }

// addTo adds c[i] to total.
func (c *counts) addTo(total *big.Int, i int) {
	if c.small[i] == bigMark {
		total.Add(total, c.big[i])
		return
	}
	var x big.Int
	x.SetUint64(c.small[i])
	total.Add(total, &x)
}
