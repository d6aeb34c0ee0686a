package explore

import (
	"syscall"
	"unsafe"
)

// populate asks the kernel to back a fresh allocation with memory at once
// (madvise MADV_POPULATE_WRITE, Linux 5.14 on), on nw goroutines: far
// cheaper than a page fault for every page as the search first writes it.
// Errors (an older kernel) are ignored: the pages then come one fault at a
// time.
func populate[T any](s []T, nw int) {
	if len(s) == 0 {
		return
	}
	const (
		madvPopulateWrite = 23
		page              = 4096
	)
	var zero T
	b := unsafe.Slice((*byte)(unsafe.Pointer(&s[0])), uintptr(len(s))*unsafe.Sizeof(zero))
	if uintptr(unsafe.Pointer(&b[0]))%page != 0 || len(b) < 1<<24 {
		nw = 1 // small, or not page-aligned: madvise needs aligned starts
	}
	per := (len(b)/nw + page - 1) / page * page
	parallel(nw, func(k int) {
		if lo := k * per; lo < len(b) {
			syscall.Madvise(b[lo:min(lo+per, len(b))], madvPopulateWrite)
		}
	})
}
