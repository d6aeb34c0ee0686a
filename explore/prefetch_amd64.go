package explore

import "unsafe"

// prefetch asks the processor to bring the cache line of p into its
// caches, without waiting for it (PREFETCHT0).
//
//go:noescape
func prefetch(p *uint64)

// prefetchw asks the processor for the cache lines of [p, p+n) for
// writing (PREFETCHW), without waiting for them.
//
//go:noescape
func prefetchw(p unsafe.Pointer, n uintptr)
