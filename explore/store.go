package explore

import (
	"bytes"
	"hash/maphash"
)

// store is the exact visited-state store: an arena of encoded states and an
// open-addressing table of ids. The hash picks the slot; the bytes confirm,
// so two different states are never merged.
type store struct {
	seed  maphash.Seed
	table []uint64 // 0 empty, else (hash>>32)<<32 | (id+1)
	mask  uint64
	arena []byte
	offs  []uint64 // state i is arena[offs[i]:offs[i+1]]
}

func newStore() *store {
	s := &store{seed: maphash.MakeSeed(), offs: []uint64{0}}
	s.table = make([]uint64, 1<<16)
	s.mask = uint64(len(s.table) - 1)
	return s
}

func (s *store) len() int { return len(s.offs) - 1 }

func (s *store) get(id uint32) []byte { return s.arena[s.offs[id]:s.offs[id+1]] }

// bytes is the memory the store holds.
func (s *store) bytes() int64 {
	return int64(cap(s.arena)) + int64(cap(s.offs))*8 + int64(cap(s.table))*8
}

// insert returns the id of b (whose hash is h), adding it when it is new.
func (s *store) insert(b []byte, h uint64) (id uint32, added bool) {
	tag := h >> 32 << 32
	for i := h & s.mask; ; i = (i + 1) & s.mask {
		e := s.table[i]
		if e == 0 {
			id = uint32(s.len())
			s.arena = append(s.arena, b...)
			s.offs = append(s.offs, uint64(len(s.arena)))
			s.table[i] = tag | uint64(id+1)
			if uint64(s.len())*4 > uint64(len(s.table))*3 {
				s.grow()
			}
			return id, true
		}
		if e>>32<<32 == tag {
			cand := uint32(e) - 1
			if bytes.Equal(s.get(cand), b) {
				return cand, false
			}
		}
	}
}

// lookup returns the id of b (whose hash is h), if it is stored.
func (s *store) lookup(b []byte, h uint64) (uint32, bool) {
	tag := h >> 32 << 32
	for i := h & s.mask; ; i = (i + 1) & s.mask {
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

func (s *store) grow() {
	old := s.table
	s.table = make([]uint64, 2*len(old))
	s.mask = uint64(len(s.table) - 1)
	for _, e := range old {
		if e == 0 {
			continue
		}
		id := uint32(e) - 1
		h := maphash.Bytes(s.seed, s.get(id))
		for i := h & s.mask; ; i = (i + 1) & s.mask {
			if s.table[i] == 0 {
				s.table[i] = e
				break
			}
		}
	}
}
