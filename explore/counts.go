package explore

import (
	"math"
	"math/big"
)

// counts holds exact path counts for a range of state ids: uint64 while it
// fits, a big.Int for the few that do not.
type counts struct {
	small []uint64
	big   map[int]*big.Int
}

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
	for len(c.small) < n {
		c.small = append(c.small, 0)
	}
}

func (c *counts) get(i int) *big.Int {
	if b, ok := c.big[i]; ok {
		return b
	}
	return new(big.Int).SetUint64(c.small[i])
}

// add adds src[j] to c[i].
func (c *counts) add(i int, src *counts, j int) {
	_, bi := c.big[i]
	_, bj := src.big[j]
	if !bi && !bj {
		a, b := c.small[i], src.small[j]
		if a <= math.MaxUint64-b {
			c.small[i] = a + b
			return
		}
	}
	sum := new(big.Int).Add(c.get(i), src.get(j))
	if c.big == nil {
		c.big = map[int]*big.Int{}
	}
	c.big[i] = sum
}

// set sets c[i] to one.
func (c *counts) one(i int) { c.small[i] = 1 }

// addTo adds c[i] to total.
func (c *counts) addTo(total *big.Int, i int) {
	if b, ok := c.big[i]; ok {
		total.Add(total, b)
		return
	}
	var x big.Int
	x.SetUint64(c.small[i])
	total.Add(total, &x)
}
