package explore

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"math/bits"
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
	shift  uint     // index = hash >> shift
	mask   uint64
	chunks [][]byte
	lo     []uint32 // state i starts at offset hi[i]<<32 | lo[i]
	hi     []uint8
}

const chunkBits = 26 // 64 MB

func newStore() *store {
	s := &store{seed: maphash.MakeSeed()}
	s.resize(1 << 16)
	return s
}

func (s *store) resize(n int) {
	s.table = make([]uint64, n)
	s.mask = uint64(n - 1)
	s.shift = uint(64 - bits.TrailingZeros(uint(n)))
}

func (s *store) len() int { return len(s.lo) }

func (s *store) get(id uint32) []byte {
	off := uint64(s.hi[id])<<32 | uint64(s.lo[id])
	c := s.chunks[off>>chunkBits][off&(1<<chunkBits-1):]
	n, k := binary.Uvarint(c)
	return c[k : k+int(n)]
}

// bytes is the memory the store holds.
func (s *store) bytes() int64 {
	b := int64(cap(s.lo))*4 + int64(cap(s.hi)) + int64(cap(s.table))*8
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
	switch {
	case len(s.chunks) == 0:
		// The first chunk grows as append grows it, up to a full chunk.
		s.chunks = append(s.chunks, make([]byte, 0, 1<<16))
	case len(s.chunks[len(s.chunks)-1])+need > 1<<chunkBits:
		s.chunks = append(s.chunks, make([]byte, 0, 1<<chunkBits))
	}
	last := len(s.chunks) - 1
	c := s.chunks[last]
	off := uint64(last)<<chunkBits | uint64(len(c))
	c = binary.AppendUvarint(c, uint64(len(b)))
	s.chunks[last] = append(c, b...)
	id := uint32(len(s.lo))
	s.lo = append(s.lo, uint32(off))
	s.hi = append(s.hi, uint8(off>>32))
	return id
}

// insert returns the id of b (whose hash is h), adding it when it is new.
func (s *store) insert(b []byte, h uint64) (id uint32, added bool) {
	tag := h >> 32 << 32
	for i := h >> s.shift; ; i = (i + 1) & s.mask {
		e := s.table[i]
		if e == 0 {
			id = s.add(b)
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
	for i := h >> s.shift; ; i = (i + 1) & s.mask {
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
	s.resize(2 * len(old))
	for _, e := range old {
		if e == 0 {
			continue
		}
		for i := e >> s.shift; ; i = (i + 1) & s.mask {
			if s.table[i] == 0 {
				s.table[i] = e
				break
			}
		}
	}
}
