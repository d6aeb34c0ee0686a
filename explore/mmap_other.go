//go:build !linux

package explore

// mapChunk returns n bytes of zeroed memory: an ordinary slice where the
// kernel is not asked for memory directly.
func mapChunk(n int) ([]byte, bool) { return make([]byte, n), false }

// unmapChunk is never called where mapChunk maps nothing.
func unmapChunk([]byte) {}

// residentMemory is unknown here: the memory limit counts the runtime's
// and the store's memory only.
func residentMemory() int64 { return 0 }
