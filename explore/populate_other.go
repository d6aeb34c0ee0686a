//go:build !linux

package explore

// populate does nothing where the kernel cannot be asked to back memory
// at once.
func populate[T any](s []T) {}
