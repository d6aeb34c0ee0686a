package explore

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"sync/atomic"
)

// store is the exact visited-state store: an arena of encoded states (in
// chunks of 64 MB) and an open-addressing table of ids. The hash picks the
// slot; the bytes confirm, so two different states are never merged. A
// slot keeps the hash's top 32 bits beside the id, and the slot index is
// taken from the top bits too, so the table grows without reading a single
// state.
//
// The arena keeps no offset per state. States lie in id order, and in
// groups of 16 (ids 16g to 16g+15) that are never split between chunks;
// the store keeps each group's offset and each state's length in a byte
// (255: the length is a uvarint in the arena, before the state), so that
// a state is found by adding up the lengths of at most 15 states before it
// in its group: about 1.5 bytes a state where offsets would take five.
type store struct {
	seed   maphash.Seed
	table  []uint64 // 0 empty, else (hash>>32)<<32 | (id+1)
	chunks [][]byte
	lens   paged[uint8]  // each state's length, or longLen
	groups paged[uint64] // each group's offset: chunk<<chunkBits | position
	end    int           // the end of the last state in the last chunk
	// chunk is the size of a chunk (chunkSize; tests make it small).
	chunk int
}

const (
	chunkSize = 1 << 26 // 64 MB
	chunkBits = 32      // an offset's position bits: chunks larger than chunkSize hold a round larger than one
	groupBits = 4       // 16 states a group
	longLen   = 255
)

func newStore() *store {
	s := &store{seed: maphash.MakeSeed(), chunk: chunkSize}
	s.groups.bits = pageBits - groupBits // a page of groups for a page of lengths
	s.table = make([]uint64, 1<<16)
	return s
}

func (s *store) hash(b []byte) uint64 { return maphash.Bytes(s.seed, b) }
func (s *store) level(uint32)         {}

// slot is where the probe for a hash (or a slot's tag) starts: the top 32
// bits scaled to the table's size, so that the table can have any size and
// grow by half without reading states.
func (s *store) slot(h uint64) int { return int((h >> 32) * uint64(len(s.table)) >> 32) }

func (s *store) next(i int) int {
	if i++; i == len(s.table) {
		return 0
	}
	return i
}

func (s *store) len() int { return s.lens.len() }

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

func (s *store) get(id uint32) []byte {
	g := s.groups.at(int(id >> groupBits))
	c := s.chunks[g>>chunkBits]
	pos := int(g & (1<<chunkBits - 1))
	page := s.lens.pages[id>>pageBits]
	i := int(id & (1<<pageBits - 1))
	for j := i &^ (1<<groupBits - 1); j < i; j++ {
		if l := page[j]; l != longLen {
			pos += int(l)
		} else {
			n, k := binary.Uvarint(c[pos:])
			pos += k + int(n)
		}
	}
	if l := int(page[i]); l != longLen {
		return c[pos : pos+l : pos+l]
	}
	n, k := binary.Uvarint(c[pos:])
	pos += k
	return c[pos : pos+int(n) : pos+int(n)]
}

// bytes is the memory the store holds.
func (s *store) bytes() int64 {
	b := s.lens.bytes() + s.groups.bytes() + int64(cap(s.table))*8
	for i, c := range s.chunks {
		if i == len(s.chunks)-1 && i > 0 {
			b += int64(s.end) // the rest of a fresh chunk is untouched memory
		} else {
			b += int64(cap(c))
		}
	}
	return b
}

// reserve makes room for n new states taking size bytes (their
// footprints) in all, one after another from the returned offset, and
// grows the table (on nw goroutines) to take them. It returns their first
// id; put then stores each.
func (s *store) reserve(n, size, nw int) (first uint32, at uint64) {
	first = uint32(s.len())
	last := len(s.chunks) - 1
	switch {
	case last < 0:
		s.chunks = append(s.chunks, make([]byte, max(min(1<<16, s.chunk), size)))
		last = 0
	case s.end+size <= len(s.chunks[last]):
	case last == 0 && len(s.chunks[0]) < s.chunk && s.end+size <= s.chunk:
		// The first chunk doubles, up to a full chunk.
		c := make([]byte, max(min(2*len(s.chunks[0]), s.chunk), s.end+size))
		copy(c, s.chunks[0][:s.end])
		s.chunks[0] = c
	default:
		// A new chunk, where the last group moves if it is not full.
		from := s.end
		if first&(1<<groupBits-1) != 0 {
			from = int(s.groups.at(int(first>>groupBits)) & (1<<chunkBits - 1))
		}
		part := s.end - from
		c := make([]byte, max(s.chunk, part+size))
		copy(c, s.chunks[last][from:s.end])
		s.chunks = append(s.chunks, c)
		last++
		if first&(1<<groupBits-1) != 0 {
			s.groups.set(int(first>>groupBits), uint64(last)<<chunkBits)
		}
		s.end = part
	}
	at = uint64(last)<<chunkBits | uint64(s.end)
	s.end += size
	s.lens.extend(int(first) + n)
	s.groups.extend((int(first) + n + 1<<groupBits - 1) >> groupBits)
	for uint64(s.len())*20 > uint64(len(s.table))*17 {
		s.grow(nw)
	}
	return first, at
}

// put stores the reserved state id, b with hash h, at offset at (which it
// returns moved past the state) and enters it in the table. Calls for
// different ids may run at once: slots are claimed by compare-and-swap, so
// where a state lands in the table may depend on the schedule, but every
// probe still finds it.
func (s *store) put(id uint32, at uint64, b []byte, h uint64) uint64 {
	if id&(1<<groupBits-1) == 0 {
		s.groups.set(int(id>>groupBits), at)
	}
	c := s.chunks[at>>chunkBits]
	pos := int(at & (1<<chunkBits - 1))
	if len(b) < longLen {
		s.lens.set(int(id), uint8(len(b)))
	} else {
		s.lens.set(int(id), longLen)
		pos += binary.PutUvarint(c[pos:], uint64(len(b)))
	}
	pos += copy(c[pos:], b)
	e := h>>32<<32 | uint64(id+1)
	for i := s.slot(h); ; i = s.next(i) {
		if atomic.LoadUint64(&s.table[i]) == 0 && atomic.CompareAndSwapUint64(&s.table[i], 0, e) {
			break
		}
	}
	return at&^(1<<chunkBits-1) | uint64(pos)
}

// insert returns the id of b (whose hash is h), adding it when it is new.
func (s *store) insert(b []byte, h uint64) (id uint32, added bool) {
	if id, ok := s.lookup(b, h); ok {
		return id, false
	}
	id, at := s.reserve(1, footprint(len(b)), 1)
	s.put(id, at, b, h)
	return id, true
}

// lookup returns the id of b (whose hash is h), if it is stored.
func (s *store) lookup(b []byte, h uint64) (uint32, bool) {
	tag := h >> 32 << 32
	for i := s.slot(h); ; i = s.next(i) {
		e := s.table[i]
		if e == 0 {
			return 0, false
		}
		if e>>32<<32 == tag {
			if cand := uint32(e) - 1; bytes.Equal(s.get(cand), b) {
				return cand, true
			}
		}
	}
}

// grow makes the table half as large again (load at most 0.85, at least
// 0.57 after growing), on nw goroutines.
func (s *store) grow(nw int) {
	old := s.table
	s.table = make([]uint64, len(old)+len(old)/2)
	rehash(s.table, nil, old, nil, nw)
}

// rehash enters the entries of old (0 is empty) into table, which is
// empty, with their ids (when ids is not nil), each at the first free slot
// from where the top 32 bits of the entry put it: on nw goroutines, each
// taking a range of old and claiming slots by compare-and-swap.
func rehash(table []uint64, ids []uint32, old []uint64, oldIDs []uint32, nw int) {
	n := uint64(len(table))
	enter := func(lo, hi int, atomically bool) {
		for k := lo; k < hi; k++ {
			e := old[k]
			if e == 0 {
				continue
			}
			for i := (e >> 32) * n >> 32; ; i++ {
				if i == n {
					i = 0
				}
				if atomically {
					if atomic.LoadUint64(&table[i]) != 0 || !atomic.CompareAndSwapUint64(&table[i], 0, e) {
						continue
					}
				} else if table[i] != 0 {
					continue
				} else {
					table[i] = e
				}
				if ids != nil {
					ids[i] = oldIDs[k]
				}
				break
			}
		}
	}
	if nw <= 1 || len(old) < 1<<16 {
		enter(0, len(old), false)
		return
	}
	per := (len(old) + nw - 1) / nw
	parallel(nw, func(k int) { enter(min(k*per, len(old)), min((k+1)*per, len(old)), true) })
}

func (s *store) touch(h uint64) uint64 { return s.table[s.slot(h)] }
