package explore

import "unsafe"

// paged is an append-only array kept in fixed pages, so that growing it
// never copies what it holds (nor needs twice its memory for a moment).
type paged[T any] struct {
	pages [][]T
	n     int
	// bits is log2 of the page's length; 0 means pageBits.
	bits uint8
}

const pageBits = 16

func (p *paged[T]) len() int { return p.n }

func (p *paged[T]) shift() uint {
	if p.bits == 0 {
		return pageBits
	}
	return uint(p.bits)
}

// extend makes the array n long; set may then fill the new elements, at
// once for different elements.
func (p *paged[T]) extend(n int) {
	b := p.shift()
	for len(p.pages)<<b < n {
		p.pages = append(p.pages, make([]T, 1<<b))
	}
	p.n = max(p.n, n)
}

func (p *paged[T]) set(i int, v T) {
	b := p.shift()
	p.pages[i>>b][i&(1<<b-1)] = v
}

func (p *paged[T]) at(i int) T {
	b := p.shift()
	return p.pages[i>>b][i&(1<<b-1)]
}

// drop gives back the pages that only hold elements below i.
func (p *paged[T]) drop(i int) {
	for k := range i >> p.shift() {
		p.pages[k] = nil
	}
}

// bytes is the memory the pages hold.
func (p *paged[T]) bytes() int64 {
	var zero T
	n := 0
	for _, pg := range p.pages {
		if pg != nil {
			n++
		}
	}
	return int64(n) << p.shift() * int64(unsafe.Sizeof(zero))
}

// eventPages is a paged array of event indices: a page holds bytes until
// it must take an index above 255 (most states have fewer successors), and
// 16-bit numbers from then on.
type eventPages struct {
	small [][]uint8  // nil for a wide page
	wide  [][]uint16 // nil for a narrow page
	n     int
}

func (p *eventPages) append(v uint16) {
	p.extend(p.n+1, v)
	p.set(p.n-1, v)
}

// extend makes the array n long, widening the pages that elements from
// the old length on may need when they go up to most.
func (p *eventPages) extend(n int, most uint16) {
	for len(p.small)<<pageBits < n {
		p.small = append(p.small, make([]uint8, 1<<pageBits))
		p.wide = append(p.wide, nil)
	}
	if most > 255 && n > p.n {
		for k := p.n >> pageBits; k <= (n-1)>>pageBits; k++ {
			if p.wide[k] == nil {
				w := make([]uint16, 1<<pageBits)
				for i, v := range p.small[k] {
					w[i] = uint16(v)
				}
				p.wide[k], p.small[k] = w, nil
			}
		}
	}
	p.n = max(p.n, n)
}

// set sets element i, which extend made room for.
func (p *eventPages) set(i int, v uint16) {
	if w := p.wide[i>>pageBits]; w != nil {
		w[i&(1<<pageBits-1)] = v
		return
	}
	p.small[i>>pageBits][i&(1<<pageBits-1)] = uint8(v)
}

func (p *eventPages) at(i int) uint16 {
	if w := p.wide[i>>pageBits]; w != nil {
		return w[i&(1<<pageBits-1)]
	}
	return uint16(p.small[i>>pageBits][i&(1<<pageBits-1)])
}

func (p *eventPages) bytes() int64 {
	var b int64
	for _, w := range p.wide {
		if w != nil {
			b += 2 << pageBits
		} else {
			b += 1 << pageBits
		}
	}
	return b
}
