package explore

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestSegmentLines: two segments generated and summarized in turn, whose
// allocations interleave as two workers' do on one processor, keep their
// slices (candidates, remarks, findings, summaries) in cache lines of their
// own (lines.go), so that a worker writing one never writes a line of the
// other; and the summaries count every finding, with few keys a segment
// (looked through one by one) and with many (indexed, see entry).
func TestSegmentLines(t *testing.T) {
	const n = 4096
	sp := &graph{
		succ: func(k int) []int {
			out := make([]int, k%5)
			for i := range out {
				out[i] = (k*7 + i) % n
			}
			return out
		},
		trans: func(from, _, ev int) []Finding {
			if (from+ev)%3 != 0 {
				return nil
			}
			keys := 4 // few keys in the first half, many in the second
			if from >= n/2 {
				keys = 40
			}
			return []Finding{{Key: fmt.Sprintf("t%d", (from+ev)%keys)}}
		},
		term: func(k int) []Finding { return []Finding{{Key: fmt.Sprintf("end%d", k%3)}} },
	}
	st := newStore()
	defer st.release()
	for k := range n {
		st.insert(enc(k), st.hash(enc(k)))
	}
	cur := &counts{}
	cur.reset(n)
	for k := range n {
		cur.one(k)
	}
	w := &worker{space: sp, st: st, s: &search{}}
	w.init()
	w.view = st.view()
	segs := [2]*segment{{}, {}}
	for lo := uint32(0); lo < n; lo += segmentStates {
		g := segs[lo/segmentStates%2]
		w.generate(g, lo, lo+segmentStates)
		g.summarize(cur, 0, 2)
		want := map[string]int64{}
		for _, c := range g.cands {
			for _, f := range g.findings[c.f0:c.f1] {
				want[f.Key]++
			}
		}
		got := map[string]int64{}
		for _, e := range g.found {
			if _, ok := got[e.f.Key]; ok {
				t.Errorf("states %d+: finding %q summarized twice", lo, e.f.Key)
			}
			got[e.f.Key] = e.count
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Fatalf("states %d+: summary %v, want %v", lo, got, want)
		}
	}
	type span struct {
		name       string
		start, end uintptr
	}
	spans := func(g *segment) []span {
		var out []span
		add := func(name string, p unsafe.Pointer, bytes uintptr) {
			if bytes > 0 {
				out = append(out, span{name, uintptr(p), uintptr(p) + bytes})
			}
		}
		add("cands", unsafe.Pointer(unsafe.SliceData(g.cands)), uintptr(cap(g.cands))*unsafe.Sizeof(candidate{}))
		add("remarks", unsafe.Pointer(unsafe.SliceData(g.remarks)), uintptr(cap(g.remarks))*4)
		add("findings", unsafe.Pointer(unsafe.SliceData(g.findings)), uintptr(cap(g.findings))*unsafe.Sizeof(Finding{}))
		add("found", unsafe.Pointer(unsafe.SliceData(g.found)), uintptr(cap(g.found))*unsafe.Sizeof(segFound{}))
		for k, e := range g.found[:cap(g.found)] {
			add(fmt.Sprintf("found[%d].occ", k), unsafe.Pointer(unsafe.SliceData(e.occ)), uintptr(cap(e.occ))*unsafe.Sizeof(occurrence{}))
		}
		return out
	}
	a, b := spans(segs[0]), spans(segs[1])
	if len(a) < 5 || len(b) < 5 {
		t.Fatalf("segments hold %d and %d slices", len(a), len(b))
	}
	for _, r := range a {
		for _, q := range b {
			if r.start/cacheLine <= (q.end-1)/cacheLine && q.start/cacheLine <= (r.end-1)/cacheLine {
				t.Errorf("segment 0's %s [%#x, %#x) and segment 1's %s [%#x, %#x) share a cache line", r.name, r.start, r.end, q.name, q.start, q.end)
			}
		}
	}
}
