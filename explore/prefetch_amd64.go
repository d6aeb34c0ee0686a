package explore

// prefetch asks the processor to bring the cache line of p into its
// caches, without waiting for it (PREFETCHT0).
//
//go:noescape
func prefetch(p *uint64)
