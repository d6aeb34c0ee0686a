package explore

import "unsafe"

// Segments in whole cache lines.
//
// The workers write their segments at the same time (generate, summarize),
// and Go's allocator puts small objects side by side, from the processor
// that the allocating goroutine runs on at the time: the small slices of
// two segments (their remarks, findings and summaries) could share a cache
// line, and each worker's writes would take it from the other's cache. So
// a segment's slices grow only into capacities whose bytes are a multiple
// of cacheLine (lineCap), which the allocator places on line boundaries
// (its size classes are multiples of 64 bytes from there on), as the
// model's expanders do with their scratch memory (model/lines.go, which
// has the measurement). TestSegmentLines checks it.

// cacheLine is the processors' cache line, in bytes.
const cacheLine = 64

// lineCap returns a capacity of at least n elements of T whose bytes are
// a multiple of cacheLine (at least one line).
func lineCap[T any](n int) int {
	a, b := int(unsafe.Sizeof(*new(T))), cacheLine
	for b != 0 { // a = gcd(size, cacheLine)
		a, b = b, a%b
	}
	unit := cacheLine / a // elements in the least multiple of size and cacheLine
	return max((n+unit-1)/unit, 1) * unit
}

// room returns s with room for one more element: s itself, or a copy in
// new memory of whole cache lines with room for twice as many.
func room[T any](s []T) []T {
	if len(s) < cap(s) {
		return s
	}
	c := make([]T, len(s), lineCap[T](2*len(s)+1))
	copy(c, s)
	return c
}
