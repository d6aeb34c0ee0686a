package explore

import (
	"hash/maphash"
)

// stateStore is where a search keeps the states it has seen.
type stateStore interface {
	// insert returns the id of the state b with hash h, adding it when new.
	insert(b []byte, h uint64) (id uint32, added bool)
	// lookup returns the id of b, if stored; the id is ^0 when the store
	// cannot tell it (the fingerprint store, for a state of an older
	// level).
	lookup(b []byte, h uint64) (id uint32, found bool)
	// footprint is the room a state of n bytes takes; reserve makes room
	// for n new states of size bytes in all and grows the table to take
	// them, and returns the first id and an offset;
	// put stores each reserved state in id order from that offset (it
	// returns the next state's); one goroutine at a time may put.
	footprint(n int) int
	reserve(n, size int) (first uint32, at uint64)
	put(id uint32, at uint64, b []byte, h uint64) uint64
	// get returns a stored state's encoding; the fingerprint store keeps
	// only the states of the level being expanded and of the next one.
	get(id uint32) []byte
	// view reads the states held now while others are added (see
	// arenaView).
	view() *arenaView
	len() int
	bytes() int64
	// offHeap is the part of bytes outside the Go heap; release gives the
	// store's memory back at the end of the search (no state it returned
	// may be read after that).
	offHeap() int64
	release()
	// growth is the memory that storing n more states would add at once
	// (a table that grows holds its old and its new slots for a while).
	growth(n int) int64
	// level says that ids below start will not be read again, and that
	// the states added from now on are those of the next level.
	level(start uint32)
	hash(b []byte) uint64
	// hasher returns a copy of what hash hashes with.
	hasher() hasher
	// prefetch asks the processor for the table slots where the probe for
	// h starts, so that a lookup soon after finds them in the cache; it
	// does not wait for them.
	prefetch(h uint64)
}

// fpStore keeps 64-bit fingerprints of states (TLC's way): eight bytes a
// slot, at the risk that two states with the same fingerprint are merged.
// It keeps no id per state: the search needs the id of a state it finds
// again only when that state is in the next level (to count paths; an
// older one only tells that the graph is not layered), so a small table of
// the next level's fingerprints and ids, emptied at each level, is enough.
// The encodings of the current and next levels are kept (in an arena that
// gives back its chunks as levels pass) to expand them.
type fpStore struct {
	arena
	h     hasher   // never 0: 0 marks an empty slot
	table []uint64 // 0 empty, else a fingerprint (never 0)
	// the next level: fingerprints and ids of the states added since
	// level was called (from id nextStart), at load at most one half
	next      []uint64
	nextIDs   []uint32
	nextStart int
}

func newFPStore() *fpStore {
	s := &fpStore{arena: newArena(), h: hasher{seed: maphash.MakeSeed(), nonZero: true}}
	s.chunk = fpChunkSize
	s.table = make([]uint64, 1<<16)
	s.next, s.nextIDs = make([]uint64, 1<<10), make([]uint32, 1<<10)
	return s
}

// slot probes as in the exact store: any table size, growth by half.
func (s *fpStore) slot(h uint64) int { return int((h >> 32) * uint64(len(s.table)) >> 32) }

func (s *fpStore) hash(b []byte) uint64 { return s.h.hash(b) }
func (s *fpStore) hasher() hasher       { return s.h }

func (s *fpStore) bytes() int64 {
	return int64(cap(s.table))*8 + int64(cap(s.next))*8 + int64(cap(s.nextIDs))*4 + s.arena.bytes()
}

// prefetch asks for the slots of both tables (see store.prefetch).
func (s *fpStore) prefetch(h uint64) {
	prefetch(&s.table[s.slot(h)])
	prefetch(&s.next[(h>>32)*uint64(len(s.next))>>32])
}

// probe returns the slot of h in table (where it is, or the empty slot
// where it would go).
func probe(table []uint64, h uint64) int {
	n := uint64(len(table))
	for i := (h >> 32) * n >> 32; ; i++ {
		if i == n {
			i = 0
		}
		if e := table[i]; e == 0 || e == h {
			return int(i)
		}
	}
}

func (s *fpStore) lookup(_ []byte, h uint64) (uint32, bool) {
	if s.table[probe(s.table, h)] == 0 {
		return 0, false
	}
	if i := probe(s.next, h); s.next[i] != 0 {
		return s.nextIDs[i], true
	}
	return ^uint32(0), true
}

func (s *fpStore) footprint(n int) int { return footprint(n) }

// growth is the memory the two tables grow by when n more states come:
// the table's steps, and the next level's table doubling (8-byte slots and
// 4-byte ids) as reserve doubles it.
func (s *fpStore) growth(n int) int64 {
	b := tableGrowth(s.len()+n, len(s.table))
	for slots := len(s.next); 2*(s.len()+n-s.nextStart) > slots; slots *= 2 {
		b += int64(2*slots) * 12
	}
	return b
}

func (s *fpStore) reserve(n, size int) (uint32, uint64) {
	first, at := s.arena.reserve(n, size)
	for overfull(s.len(), len(s.table)) {
		old := s.table
		s.table = make([]uint64, len(old)+len(old)/2)
		populate(s.table)
		rehash(s.table, nil, old, nil)
	}
	for 2*(s.len()-s.nextStart) > len(s.next) {
		old, oldIDs := s.next, s.nextIDs
		s.next, s.nextIDs = make([]uint64, 2*len(old)), make([]uint32, 2*len(old))
		rehash(s.next, s.nextIDs, old, oldIDs)
	}
	return first, at
}

// put is the exact store's.
func (s *fpStore) put(id uint32, at uint64, b []byte, h uint64) uint64 {
	at = s.arena.put(id, at, b)
	claim(s.table, h)
	s.nextIDs[claim(s.next, h)] = id
	return at
}

// claim enters e, which table does not hold, at the first free slot of
// its probe (from its top 32 bits), and returns the slot. One goroutine at
// a time may claim (the search settles one segment at a time).
func claim(table []uint64, e uint64) int {
	n := uint64(len(table))
	for i := (e >> 32) * n >> 32; ; i++ {
		if i == n {
			i = 0
		}
		if table[i] == 0 {
			table[i] = e
			return int(i)
		}
	}
}

func (s *fpStore) insert(b []byte, h uint64) (uint32, bool) {
	if id, ok := s.lookup(b, h); ok {
		return id, false
	}
	id, at := s.reserve(1, footprint(len(b)))
	s.put(id, at, b, h)
	return id, true
}

// fpChunkSize is the size of the fingerprint store's arena chunks: small,
// so that the memory of passed levels goes back soon (with 4 MB chunks,
// check --por --store fingerprint examples/bench/any3n_ms2.json ended
// holding 16.6 bytes a state, 15.1 with 1 MB ones, at the same speed).
const fpChunkSize = 1 << 20

// level gives back the encodings of ids below start and empties the table
// of the next level, sized for a level as wide as this one.
func (s *fpStore) level(start uint32) {
	s.arena.drop(start)
	size := max(1<<10, 2*(s.len()-int(start)))
	if size <= len(s.next) && len(s.next) <= 2*size {
		clear(s.next)
	} else {
		s.next, s.nextIDs = nil, nil // give them back before making the new ones
		s.next, s.nextIDs = make([]uint64, size), make([]uint32, size)
	}
	s.nextStart = s.len()
}
