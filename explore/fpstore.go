package explore

import "hash/maphash"

// stateStore is where a search keeps the states it has seen.
type stateStore interface {
	// insert returns the id of the state b with hash h, adding it when new.
	insert(b []byte, h uint64) (id uint32, added bool)
	// lookup returns the id of b, if stored; known is false when the store
	// cannot tell an id (fingerprint mode, a state of an older level).
	lookup(b []byte, h uint64) (id uint32, found bool)
	// get returns a stored state's encoding; the fingerprint store keeps
	// only the states of the level being expanded and of the next one.
	get(id uint32) []byte
	len() int
	bytes() int64
	// level says that ids below start will not be read again.
	level(start uint32)
	hash(b []byte) uint64
	// touch reads the slot where the probe for h starts (to bring it into
	// the cache early).
	touch(h uint64) uint64
}

func (s *store) hash(b []byte) uint64 { return maphash.Bytes(s.seed, b) }
func (s *store) level(uint32)         {}

// fpStore keeps 64-bit fingerprints of states (TLC's way) with their ids:
// twelve bytes a slot, at the risk that two states with the same
// fingerprint are merged. The encodings of the current and next
// breadth-first levels are kept to expand them.
type fpStore struct {
	seed  maphash.Seed
	table []uint64 // 0 empty, else a fingerprint (never 0)
	ids   []uint32 // the id of each slot's state
	n     int
	// encodings of the states with ids in [base, n)
	base  uint32
	arena []byte
	offs  []uint64
}

func newFPStore() *fpStore {
	s := &fpStore{seed: maphash.MakeSeed(), offs: []uint64{0}}
	s.table, s.ids = make([]uint64, 1<<16), make([]uint32, 1<<16)
	return s
}

// slot and next probe as in the exact store: any table size, growth by half.
func (s *fpStore) slot(h uint64) int { return int((h >> 32) * uint64(len(s.table)) >> 32) }

func (s *fpStore) next(i int) int {
	if i++; i == len(s.table) {
		return 0
	}
	return i
}

func (s *fpStore) hash(b []byte) uint64 {
	h := maphash.Bytes(s.seed, b)
	if h == 0 {
		h = 1
	}
	return h
}

func (s *fpStore) len() int { return s.n }

func (s *fpStore) bytes() int64 {
	return int64(cap(s.table))*8 + int64(cap(s.ids))*4 + int64(cap(s.arena)) + int64(cap(s.offs))*8
}

func (s *fpStore) get(id uint32) []byte {
	i := id - s.base
	return s.arena[s.offs[i]:s.offs[i+1]]
}

func (s *fpStore) touch(h uint64) uint64 { return s.table[s.slot(h)] }

func (s *fpStore) lookup(_ []byte, h uint64) (uint32, bool) {
	for i := s.slot(h); ; i = s.next(i) {
		switch s.table[i] {
		case 0:
			return 0, false
		case h:
			return s.ids[i], true
		}
	}
}

func (s *fpStore) insert(b []byte, h uint64) (uint32, bool) {
	for i := s.slot(h); ; i = s.next(i) {
		switch s.table[i] {
		case h:
			return s.ids[i], false
		case 0:
			id := uint32(s.n)
			s.table[i], s.ids[i] = h, id
			s.n++
			s.arena = append(s.arena, b...)
			s.offs = append(s.offs, uint64(len(s.arena)))
			if uint64(s.n)*20 > uint64(len(s.table))*17 {
				s.grow()
			}
			return id, true
		}
	}
}

func (s *fpStore) grow() {
	old, oldIDs := s.table, s.ids
	n := len(old) + len(old)/2
	s.table, s.ids = make([]uint64, n), make([]uint32, n)
	for k, e := range old {
		if e == 0 {
			continue
		}
		for i := s.slot(e); ; i = s.next(i) {
			if s.table[i] == 0 {
				s.table[i], s.ids[i] = e, oldIDs[k]
				break
			}
		}
	}
}

// level drops the encodings of ids below start.
func (s *fpStore) level(start uint32) {
	if start <= s.base {
		return
	}
	drop := int(start - s.base)
	cut := s.offs[drop]
	s.arena = append(s.arena[:0], s.arena[cut:]...)
	offs := s.offs[drop:]
	for i := range offs {
		offs[i] -= cut
	}
	s.offs = append(s.offs[:0], offs...)
	s.base = start
}
