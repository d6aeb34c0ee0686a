package explore

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
)

// store is the exact visited-state store: an arena of encoded states (in
// 64 MB chunks, each state behind its length) and an open-addressing table
// of ids. The hash picks the slot; the bytes confirm, so two different
// states are never merged. A slot keeps the hash's top 32 bits beside the
// id, and the slot index is taken from the top bits too, so the table grows
// without reading a single state.
type store struct {
	seed   maphash.Seed
	table  []uint64 // 0 empty, else (hash>>32)<<32 | (id+1)
	chunks [][]byte
	lo     paged[uint32] // state i starts at offset hi[i]<<32 | lo[i]
	hi     paged[uint8]
}

const chunkBits = 26 // 64 MB

func newStore() *store {
	s := &store{seed: maphash.MakeSeed()}
	s.resize(1 << 16)
	return s
}

func (s *store) resize(n int) { s.table = make([]uint64, n) }

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

func (s *store) len() int { return s.lo.len() }

func (s *store) get(id uint32) []byte {
	off := uint64(s.hi.at(int(id)))<<32 | uint64(s.lo.at(int(id)))
	c := s.chunks[off>>chunkBits][off&(1<<chunkBits-1):]
	n, k := binary.Uvarint(c)
	return c[k : k+int(n)]
}

// bytes is the memory the store holds.
func (s *store) bytes() int64 {
	b := s.lo.bytes() + s.hi.bytes() + int64(cap(s.table))*8
	for i, c := range s.chunks {
		if i == len(s.chunks)-1 && i > 0 {
			b += int64(len(c)) // the rest of a fresh chunk is untouched memory
		} else {
			b += int64(cap(c))
		}
	}
	return b
}

func (s *store) add(b []byte) uint32 {
	need := len(b) + binary.MaxVarintLen64
	switch last := len(s.chunks) - 1; {
	case last < 0:
		s.chunks = append(s.chunks, make([]byte, 0, 1<<16))
	case len(s.chunks[last])+need > 1<<chunkBits:
		s.chunks = append(s.chunks, make([]byte, 0, 1<<chunkBits))
	case len(s.chunks[last])+need > cap(s.chunks[last]):
		// The first chunk doubles, up to a full chunk.
		c := make([]byte, len(s.chunks[last]), min(2*cap(s.chunks[last]), 1<<chunkBits))
		copy(c, s.chunks[last])
		s.chunks[last] = c
	}
	last := len(s.chunks) - 1
	c := s.chunks[last]
	off := uint64(last)<<chunkBits | uint64(len(c))
	c = binary.AppendUvarint(c, uint64(len(b)))
	s.chunks[last] = append(c, b...)
	id := uint32(s.lo.len())
	s.lo.append(uint32(off))
	s.hi.append(uint8(off >> 32))
	return id
}

// insert returns the id of b (whose hash is h), adding it when it is new.
func (s *store) insert(b []byte, h uint64) (id uint32, added bool) {
	tag := h >> 32 << 32
	for i := s.slot(h); ; i = s.next(i) {
		e := s.table[i]
		if e == 0 {
			id = s.add(b)
			s.table[i] = tag | uint64(id+1)
			if uint64(s.len())*20 > uint64(len(s.table))*17 {
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
	s.resize(len(old) + len(old)/2)
	for _, e := range old {
		if e == 0 {
			continue
		}
		for i := s.slot(e); ; i = s.next(i) {
			if s.table[i] == 0 {
				s.table[i] = e
				break
			}
		}
	}
}

func (s *store) touch(h uint64) uint64 { return s.table[s.slot(h)] }
