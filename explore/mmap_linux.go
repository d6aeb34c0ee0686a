package explore

import (
	"os"
	"strconv"
	"strings"
	"syscall"
)

// mapChunk returns n bytes of zeroed memory mapped from the kernel outside
// the Go heap, and whether it is mapped (else it is an ordinary slice):
// pages the search has not written yet take no memory, and a chunk needs
// neither zeroing nor copying when the arena takes a new one.
func mapChunk(n int) ([]byte, bool) {
	b, err := syscall.Mmap(-1, 0, n, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_PRIVATE|syscall.MAP_ANON)
	if err != nil {
		return make([]byte, n), false
	}
	return b, true
}

// unmapChunk gives back a chunk that mapChunk mapped.
func unmapChunk(b []byte) {
	_ = syscall.Munmap(b) // only fails for a chunk it did not map
}

// residentMemory is the process's resident memory (/proc/self/statm), or 0
// when it cannot be read: the memory limit counts it too, so that what the
// runtime and the store do not see (the program, the kernel's pages for
// them) is counted as well.
func residentMemory() int64 {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0
	}
	f := strings.Fields(string(b))
	if len(f) < 2 {
		return 0
	}
	pages, err := strconv.ParseInt(f[1], 10, 64)
	if err != nil {
		return 0
	}
	return pages * int64(os.Getpagesize())
}
