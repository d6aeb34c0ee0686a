package explore

import (
	"bytes"
	"hash/maphash"
)

// store is the exact visited-state store: an arena of encoded states and
// an open-addressing table of ids. The hash picks the slot; the bytes
// confirm, so two different states are never merged. A slot keeps the
// hash's top 32 bits beside the id, and the slot index is taken from the
// top bits too, so the table grows without reading a single state.
type store struct {
	arena
	h     hasher
	table []uint64 // 0 empty, else (hash>>32)<<32 | (id+1)
}

func newStore() *store {
	s := &store{arena: newArena(), h: hasher{seed: maphash.MakeSeed()}}
	s.table = make([]uint64, 1<<16)
	return s
}

func (s *store) hash(b []byte) uint64 { return s.h.hash(b) }
func (s *store) hasher() hasher       { return s.h }

// hasher hashes states as a store does, from a copy of its seed. Each
// worker hashes the successors it generates with a hasher of its own:
// with the store's, every hash read the cache line of the store that
// settling writes at every new state (the arena's end), which then went
// back and forth between the processors. Without that (and the level's
// counters on lines of their own), any3n_ms2_b2 with 2 workers took
// 7.27 s against 8.03 s, best of 3 alternate runs with the line fast
// (examples/bench/SCALING.md).
type hasher struct {
	seed    maphash.Seed
	nonZero bool // never 0 (the fingerprint store's hashes)
}

func (h hasher) hash(b []byte) uint64 {
	x := maphash.Bytes(h.seed, b)
	if x == 0 && h.nonZero {
		x = 1
	}
	return x
}
func (s *store) level(uint32)        {}
func (s *store) footprint(n int) int { return footprint(n) }

// slot is where the probe for a hash (or a slot's tag) starts: the top 32
// bits scaled to the table's size, so that the table can have any size and
// grow without reading states.
func (s *store) slot(h uint64) int { return int((h >> 32) * uint64(len(s.table)) >> 32) }

func (s *store) next(i int) int {
	if i++; i == len(s.table) {
		return 0
	}
	return i
}

// bytes is the memory the store holds.
func (s *store) bytes() int64 { return s.arena.bytes() + int64(cap(s.table))*8 }

func (s *store) growth(n int) int64 { return tableGrowth(s.len()+n, len(s.table)) }

// overfull reports whether a table of slots slots holding n entries is
// loaded beyond 0.85, where it grows (both stores, and tableGrowth's guess).
func overfull(n, slots int) bool { return uint64(n)*20 > uint64(slots)*17 }

// tableGrowth is the memory a table of slots 8-byte slots grows by (the
// new table's) when it comes to hold n entries.
func tableGrowth(n, slots int) int64 {
	var b int64
	for overfull(n, slots) {
		slots += slots / 2
		b += int64(slots) * 8
	}
	return b
}

// reserve makes room in the arena for n new states taking size bytes in
// all, and grows the table to take them.
func (s *store) reserve(n, size int) (first uint32, at uint64) {
	first, at = s.arena.reserve(n, size)
	for overfull(s.len(), len(s.table)) {
		s.grow()
	}
	return first, at
}

// put stores the reserved state id, b with hash h, at offset at (it
// returns the next state's) and enters it in the table.
func (s *store) put(id uint32, at uint64, b []byte, h uint64) uint64 {
	at = s.arena.put(id, at, b)
	claim(s.table, h>>32<<32|uint64(id+1))
	return at
}

// insert returns the id of b (whose hash is h), adding it when it is new.
func (s *store) insert(b []byte, h uint64) (id uint32, added bool) {
	if id, ok := s.lookup(b, h); ok {
		return id, false
	}
	id, at := s.reserve(1, footprint(len(b)))
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
// 0.57 after growing).
func (s *store) grow() {
	old := s.table
	s.table = make([]uint64, len(old)+len(old)/2)
	populate(s.table)
	rehash(s.table, nil, old, nil)
}

// rehash enters the entries of old (0 is empty) into table, which is
// empty, with their ids (when ids is not nil), each at the first free slot
// from where the top 32 bits of the entry put it (claim).
func rehash(table []uint64, ids []uint32, old []uint64, oldIDs []uint32) {
	for k, e := range old {
		if e == 0 {
			continue
		}
		if i := claim(table, e); ids != nil {
			ids[i] = oldIDs[k]
		}
	}
}

// prefetch asks for the slot where the probe for h starts, and for the
// next cache line, where a probe of a few slots often ends.
func (s *store) prefetch(h uint64) {
	i := s.slot(h)
	prefetch(&s.table[i])
	prefetch(&s.table[min(i+7, len(s.table)-1)])
}
