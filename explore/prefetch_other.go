//go:build !amd64

package explore

// prefetch does nothing where no prefetch instruction is wired.
func prefetch(*uint64) {}
