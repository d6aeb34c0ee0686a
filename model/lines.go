package model

import "unsafe"

// Scratch memory in whole cache lines.
//
// A search runs an Expander on each worker, and the expander writes its
// scratch memory (the decoded states, the events enumerated, the encoding
// buffers) at every event. Go's allocator puts small objects side by side,
// from the processor that the allocating goroutine runs on at the time; a
// goroutine that moved to the other processor allocates next to the other
// worker's objects. Two workers' scratch slices then share cache lines, and
// each write by one takes the line from the other's cache (false sharing).
// On the development machine, 4 of 6 two-worker searches of any3n_ms2_a1
// had such lines (a worker's decoded registers beside the other's decoded
// records, its channel ends beside the other's), which cost most when the
// two processors do not share a last-level cache
// (examples/bench/SCALING.md).
//
// So the expander's scratch slices take whole cache lines of their own:
// they grow only into capacities from lineCap, whose bytes are a multiple
// of cacheLine, which the allocator places on line boundaries (its size
// classes are multiples of 64 bytes from there on). The hot paths test
// for room inline and call these only to grow. TestScratchLines checks
// that two expanders used in turn, whose allocations interleave, share no
// line.

// cacheLine is the processors' cache line, in bytes.
const cacheLine = 64

// lineCap returns a capacity of at least n elements of T whose bytes are
// a multiple of cacheLine (at least one line).
func lineCap[T any](n int) int {
	size := int(unsafe.Sizeof(*new(T)))
	if size == 0 {
		return n
	}
	unit := cacheLine / gcd(size, cacheLine) // elements in the least multiple of both
	return max((n+unit-1)/unit, 1) * unit
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}

// moreRoom returns a copy of s, in new memory of whole cache lines, with
// room for twice as many elements and at least s's capacity: before an
// append that s has no room for, or after one that grew s outside them.
func moreRoom[T any](s []T) []T {
	c := make([]T, len(s), lineCap[T](max(2*len(s)+1, cap(s))))
	copy(c, s)
	return c
}

// withRoom returns s emptied, with room for n elements: in new memory of
// whole cache lines when s has less.
func withRoom[T any](s []T, n int) []T {
	if cap(s) < n {
		return make([]T, 0, lineCap[T](n))
	}
	return s[:0]
}

// assign makes dst a copy of src, in dst's memory when it has room, else
// in new memory of whole cache lines.
func assign[T any](dst, src []T) []T {
	return append(withRoom(dst, len(src)), src...)
}
