package explore

import "unsafe"

// paged is an append-only array kept in fixed pages, so that growing it
// never copies what it holds (nor needs twice its memory for a moment).
type paged[T any] struct {
	pages [][]T
	n     int
}

const pageBits = 16

func (p *paged[T]) len() int { return p.n }

func (p *paged[T]) append(v T) {
	if p.n&(1<<pageBits-1) == 0 {
		p.pages = append(p.pages, make([]T, 1<<pageBits))
	}
	p.pages[p.n>>pageBits][p.n&(1<<pageBits-1)] = v
	p.n++
}

func (p *paged[T]) at(i int) T { return p.pages[i>>pageBits][i&(1<<pageBits-1)] }

// bytes is the memory the pages hold.
func (p *paged[T]) bytes() int64 {
	var zero T
	return int64(len(p.pages)) << pageBits * int64(unsafe.Sizeof(zero))
}
