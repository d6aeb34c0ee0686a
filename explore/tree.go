package explore

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"fmt"
	"os"
	"slices"
)

// tree keeps, for every state but the initial one, the state it was first
// reached from and the index of the event that led to it: a breadth-first
// search's shortest paths.
type tree interface {
	// extend makes room for ids below n, whose events go up to most.
	extend(n int, most uint16)
	// set records a state's parent and event; calls for different ids may
	// run at once (after extend).
	set(id, parent uint32, event uint16)
	// flush is called after each batch of sets (every 2,048 states
	// expanded, breadth-first).
	flush() error
	// paths rebuilds the event indices leading to each occurrence.
	paths(occs []occurrence) ([][]int, error)
	// bytes is the memory the tree holds.
	bytes() int64
	close()
}

// memTree keeps the tree in memory: six bytes a state, or five while the
// events fit in a byte.
type memTree struct {
	parents paged[uint32]
	events  eventPages
}

func (t *memTree) extend(n int, most uint16) {
	t.parents.extend(n)
	t.events.extend(n, most)
}

func (t *memTree) set(id, parent uint32, event uint16) {
	t.parents.set(int(id), parent)
	t.events.set(int(id), event)
}

func (t *memTree) flush() error { return nil }
func (t *memTree) close()       {}
func (t *memTree) bytes() int64 { return t.parents.bytes() + t.events.bytes() }

func (t *memTree) paths(occs []occurrence) ([][]int, error) {
	out := make([][]int, len(occs))
	for k, o := range occs {
		var p []int
		for id := o.state; id != 0; id = t.parents.at(int(id)) {
			p = append(p, int(t.events.at(int(id))))
		}
		slices.Reverse(p)
		if o.event >= 0 {
			p = append(p, o.event)
		}
		out[k] = p
	}
	return out, nil
}

// fileTree keeps the tree in a temporary file, as TLC does: six bytes a
// state (parent, event), written a batch at a time (see tree.flush), in id
// order, and read back only to rebuild paths. It holds only the batch being
// written.
type fileTree struct {
	f     *os.File
	w     *bufio.Writer
	first int    // the first id of the batch
	batch []byte // the parents and events of ids [first, first+len/6)
	n     int
	err   error
	// unlinked: the file's name was removed at once (the open file stays
	// usable), so that a process killed (SIGKILL, the OOM killer) leaves
	// nothing behind; where the system refuses that, close removes it.
	unlinked bool
}

const treeEntry = 6

func newFileTree() (*fileTree, error) {
	f, err := os.CreateTemp("", "snapcheck-tree-*")
	if err != nil {
		return nil, fmt.Errorf("explore: temporary file for the search tree: %w", err)
	}
	return &fileTree{f: f, w: bufio.NewWriterSize(f, 1<<16), unlinked: os.Remove(f.Name()) == nil}, nil
}

func (t *fileTree) extend(n int, _ uint16) {
	if n > t.n {
		t.batch = slices.Grow(t.batch, (n-t.n)*treeEntry)[:(n-t.first)*treeEntry]
		t.n = n
	}
}

func (t *fileTree) set(id, parent uint32, event uint16) {
	e := t.batch[(int(id)-t.first)*treeEntry:]
	binary.LittleEndian.PutUint32(e, parent)
	binary.LittleEndian.PutUint16(e[4:], event)
}

func (t *fileTree) flush() error {
	if t.err == nil {
		_, t.err = t.w.Write(t.batch)
	}
	t.first, t.batch = t.n, t.batch[:0]
	if t.err != nil {
		return fmt.Errorf("explore: writing the search tree to %s: %w", t.f.Name(), t.err)
	}
	return nil
}

func (t *fileTree) bytes() int64 { return int64(cap(t.batch)) + int64(t.w.Size()) }

func (t *fileTree) close() {
	t.f.Close()
	if !t.unlinked {
		os.Remove(t.f.Name())
	}
}

// idHeap is a max-heap of ids.
type idHeap []uint32

func (h idHeap) Len() int           { return len(h) }
func (h idHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h idHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *idHeap) Push(x any)        { *h = append(*h, x.(uint32)) }
func (h *idHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// paths reads the file once, backwards (a parent's id is below its
// child's), for the entries on the paths of the occurrences.
func (t *fileTree) paths(occs []occurrence) ([][]int, error) {
	if err := t.flush(); err != nil {
		return nil, err
	}
	if err := t.w.Flush(); err != nil {
		return nil, fmt.Errorf("explore: writing the search tree to %s: %w", t.f.Name(), err)
	}
	type entry struct {
		parent uint32
		event  uint16
	}
	got := map[uint32]entry{}
	var todo idHeap
	for _, o := range occs {
		if _, ok := got[o.state]; !ok && o.state != 0 {
			got[o.state] = entry{}
			heap.Push(&todo, o.state)
		}
	}
	const block = 1 << 20 // bytes read at a time, a multiple of treeEntry
	blockSize := block / treeEntry * treeEntry
	buf := make([]byte, blockSize)
	at := int64(-1) // the file offset buf holds
	for todo.Len() > 0 {
		id := heap.Pop(&todo).(uint32)
		off := int64(id) * treeEntry
		if at < 0 || off < at || off >= at+int64(blockSize) {
			at = max(off+treeEntry-int64(blockSize), 0)
			n, err := t.f.ReadAt(buf, at)
			if n < int(off-at)+treeEntry {
				return nil, fmt.Errorf("explore: reading the search tree from %s: %w", t.f.Name(), err)
			}
		}
		e := buf[off-at:]
		en := entry{binary.LittleEndian.Uint32(e), binary.LittleEndian.Uint16(e[4:])}
		got[id] = en
		if _, ok := got[en.parent]; !ok && en.parent != 0 {
			got[en.parent] = entry{}
			heap.Push(&todo, en.parent)
		}
	}
	out := make([][]int, len(occs))
	for k, o := range occs {
		var p []int
		for id := o.state; id != 0; id = got[id].parent {
			p = append(p, int(got[id].event))
		}
		slices.Reverse(p)
		if o.event >= 0 {
			p = append(p, o.event)
		}
		out[k] = p
	}
	return out, nil
}
