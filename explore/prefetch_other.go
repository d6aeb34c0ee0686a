//go:build !amd64

package explore

import "unsafe"

// prefetch does nothing where no prefetch instruction is wired.
func prefetch(*uint64) {}

// prefetchw does nothing where no prefetch instruction is wired.
func prefetchw(unsafe.Pointer, uintptr) {}
