//go:build !amd64

package explore

import "unsafe"

// prefetch does nothing where no prefetch instruction is wired.
func prefetch(unsafe.Pointer) {}
