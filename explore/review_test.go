package explore

import (
	"bytes"
	"context"
	"math/rand/v2"
	"reflect"
	"testing"
)

// TestReviewFPStoreGivesBackLevels stores levels of random states in a
// fingerprint store with small chunks, as the breadth-first search does
// (a level of rounds, then level): the states of the current and next
// levels always read back, and the chunks of older levels are given back
// (the off-heap bytes stay within the two levels' bytes and two chunks).
func TestReviewFPStoreGivesBackLevels(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	s := newFPStore()
	s.chunk = 1 << 12
	defer s.release()
	var all [][]byte
	levelStart := 0
	for level := range 60 {
		next := len(all)
		for range 1 + r.IntN(4) { // rounds of this level
			var round [][]byte
			size := 0
			for range r.IntN(80) {
				b := make([]byte, r.IntN(300))
				for j := range b {
					b[j] = byte(r.IntN(256))
				}
				b = append(b, byte(len(all)+len(round)), byte((len(all)+len(round))>>8)) // distinct
				round = append(round, b)
				size += s.footprint(len(b))
			}
			first, at := s.reserve(len(round), size)
			for i, b := range round {
				at = s.put(first+uint32(i), at, b, s.hash(b))
			}
			all = append(all, round...)
			for i := levelStart; i < len(all); i++ {
				if got := s.get(uint32(i)); !bytes.Equal(got, all[i]) {
					t.Fatalf("level %d: get(%d) = %d bytes, want %d", level, i, len(got), len(all[i]))
				}
			}
		}
		s.level(uint32(next))
		levelStart = next
		held := 0
		for i := levelStart; i < len(all); i++ {
			held += s.footprint(len(all[i]))
		}
		if off := s.offHeap(); off > int64(held+2*s.chunk) {
			t.Fatalf("level %d: %d bytes off the heap for %d bytes of states in the last level", level, off, held)
		}
	}
}

// TestReviewRunWorkersAndStores: on random layered and unlayered graphs
// with findings, Run gives the same result (figures, findings, paths) for
// 1, 2, 3 and 8 workers, and the fingerprint store the exact store's.
func TestReviewRunWorkersAndStores(t *testing.T) {
	for seed := range uint64(12) {
		var g func() *graph
		if seed%2 == 0 {
			g = wideGraph(seed, 6, 3000)
		} else {
			g = randomGraph(seed, 4000, false)
		}
		one := mustRun(t, context.Background(), g(), Options{Keep: 2})
		for _, w := range []int{2, 3, 8} {
			for _, fp := range []bool{false, true} {
				o := Options{Keep: 2, Workers: w, Fingerprints: fp, NewSpace: func() Space { return g() }}
				res := mustRun(t, context.Background(), g(), o)
				a, b := *one, *res
				a.Elapsed, b.Elapsed, a.StoreBytes, b.StoreBytes = 0, 0, 0, 0
				b.CollisionProbability = 0
				if fp && b.Executions == nil {
					// The fingerprint store cannot count an unlayered graph.
					a.Executions, a.ExecutionsNote, b.ExecutionsNote = nil, "", ""
				}
				if !reflect.DeepEqual(a, b) {
					t.Errorf("seed %d, %d workers, fingerprints %v: result differs from one worker's:\n%+v\n%+v", seed, w, fp, a.Stats, b.Stats)
				}
			}
		}
	}
}

// TestArenaOffHeapCountsMappedChunksOnly: a chunk that is an ordinary
// slice (no mmap) is in the runtime's figures already, so offHeap leaves
// it out while bytes counts it.
func TestArenaOffHeapCountsMappedChunksOnly(t *testing.T) {
	a := newArena()
	a.chunk = 1 << 20
	a.reserve(1, 10)
	defer a.release()
	a.chunks = append([][]byte{make([]byte, 1<<20)}, a.chunks...)
	a.mapped = append([]bool{false}, a.mapped...)
	want := int64(10)
	if !a.mapped[1] {
		want = 0 // mmap failed here: no chunk is off the heap
	}
	if got := a.offHeap(); got != want {
		t.Errorf("offHeap = %d, want %d (the heap chunk must not count)", got, want)
	}
	if got := a.chunkBytes(false); got != 1<<20+10 {
		t.Errorf("chunk bytes = %d, want %d", got, 1<<20+10)
	}
}

// TestArenaViewWhileGrowing: a view reads back every state held when it
// was made while another goroutine goes on adding states one at a time,
// as settling does during a level, in chunks small enough that the last
// group of the view often moves to a new chunk (run it with -race too).
func TestArenaViewWhileGrowing(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	a := newArena()
	a.chunk = 300
	defer a.release()
	var all [][]byte
	add := func() {
		b := make([]byte, r.IntN(40))
		for j := range b {
			b[j] = byte(r.IntN(256))
		}
		id, at := a.reserve(1, footprint(len(b)))
		a.put(id, at, b)
		all = append(all, b)
	}
	for level := range 40 {
		view := a.view()
		held := all[:len(all):len(all)]
		done := make(chan int)
		go func() {
			bad := -1
			for range 3 {
				for id, want := range held {
					if got := view.get(uint32(id)); !bytes.Equal(got, want) && bad < 0 {
						bad = id
					}
				}
			}
			done <- bad
		}()
		for range 1 + r.IntN(50) {
			add()
		}
		if bad := <-done; bad >= 0 {
			t.Fatalf("level %d: view.get(%d) differs from the state stored", level, bad)
		}
	}
	if len(a.chunks) < 10 {
		t.Fatalf("only %d chunks: the test should make many", len(a.chunks))
	}
}
