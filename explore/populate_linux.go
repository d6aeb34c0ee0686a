package explore

import (
	"syscall"
	"unsafe"
)

// populate asks the kernel to back a fresh allocation with memory at once
// (madvise MADV_POPULATE_WRITE, Linux 5.14 on): far cheaper than a page
// fault for every page as the search first writes it.
// Errors (an older kernel, or a start not on a page) are ignored: the
// pages then come one fault at a time.
func populate[T any](s []T) {
	if len(s) == 0 {
		return
	}
	const madvPopulateWrite = 23
	var zero T
	b := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), uintptr(len(s))*unsafe.Sizeof(zero))
	syscall.Madvise(b, madvPopulateWrite)
}
