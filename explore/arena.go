package explore

import "encoding/binary"

// arena keeps encoded states in id order, in chunks of 64 MB (mapped
// from the kernel where it can: untouched pages take no memory), without an
// offset per state: states lie in groups of 16 (ids 16g to 16g+15) that
// are never split between chunks, and the arena keeps each group's offset
// and each state's length in a byte (longLen: the length is a uvarint in
// the chunk, before the state). A state is found by adding up the lengths
// of at most 15 states before it in its group: about 1.5 bytes a state
// where offsets would take five or eight.
//
// reserve makes room for some states (one at a time in a search), which
// then lie one after another from one offset, and put stores each (at once
// for different states); a view reads the states held while others are
// added. drop gives back the memory of the
// states below an id, for a store that keeps only the last levels.
type arena struct {
	chunks [][]byte      // nil once dropped
	mapped []bool        // per chunk: mapped by mapChunk (release unmaps it)
	lens   paged[uint8]  // each state's length, or longLen
	groups paged[uint64] // each group's offset: chunk<<chunkBits | position
	end    int           // the end of the last state in the last chunk
	ready  int           // the last chunk is populated below ready (when mapped)
	// chunk is the size of a chunk (chunkSize; tests make it small).
	chunk int
}

const (
	pageSize  = 4096
	chunkSize = 1 << 26 // 64 MB
	chunkBits = 32      // an offset's position bits: a chunk larger than chunkSize holds a reservation that does not fit one
	groupBits = 4       // 16 states a group
	longLen   = 255
	// populateStep is the least that reserve populates at once: a state
	// at a time (a depth-first search, or one worker's breadth-first
	// search) then costs a system call every few thousand states, not one
	// each.
	populateStep = 1 << 18
)

func newArena() arena {
	a := arena{chunk: chunkSize}
	a.groups.bits = pageBits - groupBits // a page of groups for a page of lengths
	return a
}

func (a *arena) len() int { return a.lens.len() }

// footprint is the room a state of n bytes takes in the arena.
func footprint(n int) int {
	if n < longLen {
		return n
	}
	return n + uvarintLen(uint64(n))
}

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

func (a *arena) get(id uint32) []byte {
	return stateAt(a.chunks, a.lens.pages, a.groups.at(int(id>>groupBits)), id, true)
}

// stateAt returns state id, given its group's offset g. whole says that
// the lengths of the group's states after id may be read too (they may be
// being written, in the last group of a view).
func stateAt(chunks [][]byte, lens [][]uint8, g uint64, id uint32, whole bool) []byte {
	c := chunks[g>>chunkBits]
	pos := int(g & (1<<chunkBits - 1))
	page := lens[id>>pageBits]
	i := int(id & (1<<pageBits - 1))
	sum, ok := 0, false
	if whole {
		sum, ok = shortSum(page[i&^(1<<groupBits-1):][:1<<groupBits], i&(1<<groupBits-1))
	}
	if ok {
		pos += sum
	} else {
		for j := i &^ (1<<groupBits - 1); j < i; j++ {
			if l := page[j]; l != longLen {
				pos += int(l)
			} else {
				n, k := binary.Uvarint(c[pos:])
				pos += k + int(n)
			}
		}
	}
	if l := int(page[i]); l != longLen {
		return c[pos : pos+l : pos+l]
	}
	n, k := binary.Uvarint(c[pos:])
	pos += k
	return c[pos : pos+int(n) : pos+int(n)]
}

// shortSum adds up the first k of a group's 16 lengths eight at a time,
// unless one of them is longLen.
func shortSum(group []uint8, k int) (int, bool) {
	const ones, highs, evens = 0x0101010101010101, 0x8080808080808080, 0x00ff00ff00ff00ff
	lo, hi := binary.LittleEndian.Uint64(group), binary.LittleEndian.Uint64(group[8:])
	if k < 8 {
		lo &= 1<<(8*k) - 1
		hi = 0
	} else {
		hi &= 1<<(8*(k-8)) - 1
	}
	// A longLen byte is a zero byte of the complement (the bytes masked
	// off are zero, so not).
	if nlo, nhi := ^lo, ^hi; (nlo-ones)&^nlo&highs|(nhi-ones)&^nhi&highs != 0 {
		return 0, false
	}
	lanes := lo&evens + lo>>8&evens + hi&evens + hi>>8&evens // four sums of up to four lengths
	return int(lanes * 0x0001000100010001 >> 48), true
}

// arenaView reads the states the arena held when view made it, while the
// arena goes on adding states (for other goroutines than the one that
// adds): it keeps its own copy of the arena's slices, whose elements for
// those states no longer change, and the offset of the last group, which
// reserve may move to a new chunk (the old copy stays where it was).
type arenaView struct {
	chunks    [][]byte
	lens      [][]uint8
	groups    paged[uint64]
	lastGroup uint32
	lastAt    uint64
}

// view returns a view of the states held now.
func (a *arena) view() *arenaView {
	v := &arenaView{chunks: a.chunks, lens: a.lens.pages, groups: a.groups}
	if n := a.len(); n > 0 {
		v.lastGroup = uint32(n-1) >> groupBits
		v.lastAt = a.groups.at(int(v.lastGroup))
	}
	return v
}

// get returns state id, which the arena held when the view was made.
func (v *arenaView) get(id uint32) []byte {
	g := id >> groupBits
	at := v.lastAt
	if g != v.lastGroup {
		at = v.groups.at(int(g))
	}
	return stateAt(v.chunks, v.lens, at, id, g != v.lastGroup)
}

// bytes is the memory the arena holds.
func (a *arena) bytes() int64 {
	return a.lens.bytes() + a.groups.bytes() + a.chunkBytes(false)
}

// offHeap is the memory of the chunks that lie outside the Go heap (those
// the kernel mapped).
func (a *arena) offHeap() int64 { return a.chunkBytes(true) }

// chunkBytes is the memory of the chunks (only the mapped ones, if
// mappedOnly): the last counts up to its end (the rest is untouched).
func (a *arena) chunkBytes(mappedOnly bool) int64 {
	var b int64
	for i, c := range a.chunks {
		switch {
		case mappedOnly && !a.mapped[i]:
		case i == len(a.chunks)-1:
			b += int64(a.end)
		default:
			b += int64(cap(c))
		}
	}
	return b
}

// newChunk maps a chunk of n bytes.
func (a *arena) newChunk(n int) []byte {
	c, mapped := mapChunk(n)
	a.chunks = append(a.chunks, c)
	a.mapped = append(a.mapped, mapped)
	return c
}

// release gives back the chunks' memory; the arena must not be used again,
// nor any state it returned.
func (a *arena) release() {
	for k := range a.chunks {
		a.freeChunk(k)
	}
}

func (a *arena) freeChunk(k int) {
	if a.chunks[k] != nil && a.mapped[k] {
		unmapChunk(a.chunks[k])
	}
	a.chunks[k] = nil
}

// reserve makes room for n new states taking size bytes (their
// footprints) in all. It returns their first id and the offset of the
// first; put stores each.
func (a *arena) reserve(n, size int) (first uint32, at uint64) {
	first = uint32(a.len())
	last := len(a.chunks) - 1
	switch {
	case last < 0:
		a.newChunk(max(a.chunk, size))
		last = 0
	case a.end+size <= len(a.chunks[last]):
	default:
		// A new chunk, where the last group moves if it is not full.
		from := a.end
		if first&(1<<groupBits-1) != 0 {
			from = int(a.groups.at(int(first>>groupBits)) & (1<<chunkBits - 1))
		}
		part := a.end - from
		c := a.newChunk(max(a.chunk, part+size))
		copy(c, a.chunks[last][from:a.end])
		last++
		if first&(1<<groupBits-1) != 0 {
			a.groups.set(int(first>>groupBits), uint64(last)<<chunkBits)
		}
		a.end, a.ready = part, 0
	}
	at = uint64(last)<<chunkBits | uint64(a.end)
	if c := a.chunks[last]; a.mapped[last] && a.end+size > a.ready {
		// The new states' pages at once (and at least populateStep):
		// cheaper than a fault for each as the states are stored.
		lo := max(a.ready, a.end&^(pageSize-1))
		a.ready = min(max(a.end+size, lo+populateStep)+pageSize-1, len(c)) &^ (pageSize - 1)
		populate(c[lo:max(a.ready, min(a.end+size, len(c)))])
	}
	a.end += size
	a.lens.extend(int(first) + n)
	a.groups.extend((int(first) + n + 1<<groupBits - 1) >> groupBits)
	return first, at
}

// put stores the reserved state id, b, at offset at, and returns the
// offset of the next state. Calls for different ids may run at once.
func (a *arena) put(id uint32, at uint64, b []byte) uint64 {
	if id&(1<<groupBits-1) == 0 {
		a.groups.set(int(id>>groupBits), at)
	}
	c := a.chunks[at>>chunkBits]
	pos := int(at & (1<<chunkBits - 1))
	if len(b) < longLen {
		a.lens.set(int(id), uint8(len(b)))
	} else {
		a.lens.set(int(id), longLen)
		pos += binary.PutUvarint(c[pos:], uint64(len(b)))
	}
	pos += copy(c[pos:], b)
	return at&^(1<<chunkBits-1) | uint64(pos)
}

// drop gives back the chunks and pages that only hold states below id.
func (a *arena) drop(id uint32) {
	g := id >> groupBits
	if int(g) >= a.groups.len() {
		return
	}
	for k := range int(a.groups.at(int(g)) >> chunkBits) {
		a.freeChunk(k)
	}
	a.lens.drop(int(g << groupBits))
	a.groups.drop(int(g))
}
