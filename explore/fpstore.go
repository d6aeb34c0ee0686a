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

// fpStore keeps 64-bit fingerprints of states (TLC's way): eight bytes a
// state, at the risk that two states with the same fingerprint are merged.
// The encodings of the current and next breadth-first levels are kept to
// expand them; ids of the next level are found through a map.
type fpStore struct {
	seed  maphash.Seed
	table []uint64 // 0 empty, else fingerprint (never 0)
	mask  uint64
	n     int
	// levels: encodings of states with ids in [base, n)
	base  uint32
	arena []byte
	offs  []uint64
	ids   map[uint64]uint32 // fingerprint -> id, for ids >= base
}

func newFPStore() *fpStore {
	s := &fpStore{seed: maphash.MakeSeed(), ids: map[uint64]uint32{}, offs: []uint64{0}}
	s.table = make([]uint64, 1<<16)
	s.mask = uint64(len(s.table) - 1)
	return s
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
	return int64(cap(s.table))*8 + int64(cap(s.arena)) + int64(cap(s.offs))*8 + int64(len(s.ids))*24
}

func (s *fpStore) get(id uint32) []byte {
	i := id - s.base
	return s.arena[s.offs[i]:s.offs[i+1]]
}

func (s *fpStore) lookup(_ []byte, h uint64) (uint32, bool) {
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.table[i]
		if e == 0 {
			return 0, false
		}
		if e == h {
			id, ok := s.ids[h]
			return id, ok
		}
	}
}

func (s *fpStore) insert(b []byte, h uint64) (uint32, bool) {
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.table[i]
		if e == h {
			id, ok := s.ids[h]
			if !ok {
				// Seen in an older level: report it as such.
				return ^uint32(0), false
			}
			return id, false
		}
		if e == 0 {
			s.table[i] = h
			id := uint32(s.n)
			s.n++
			s.ids[h] = id
			s.arena = append(s.arena, b...)
			s.offs = append(s.offs, uint64(len(s.arena)))
			if uint64(s.n)*5 > uint64(len(s.table))*4 {
				s.grow()
			}
			return id, true
		}
	}
}

func (s *fpStore) grow() {
	old := s.table
	s.table = make([]uint64, 2*len(old))
	s.mask = uint64(len(s.table) - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		for i := e & s.mask; ; i = (i + 1) & s.mask {
			if s.table[i] == 0 {
				s.table[i] = e
				break
			}
		}
	}
}

// level drops the encodings and id map entries of ids below start.
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
	for h, id := range s.ids {
		if id < start {
			delete(s.ids, h)
		}
	}
	s.base = start
}

func (s *fpStore) touch(h uint64) uint64 { return s.table[h&s.mask] }
