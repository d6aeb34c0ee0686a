package properties

import (
	"cmp"
	"fmt"
	"slices"
)

// EdgeKind is the kind of an edge of the happens-before graph.
type EdgeKind uint8

// The edge kinds. Only ProcessOrder and TransferEdge edges make up the
// happens-before relation of SPEC §5.6; MarkerEdge edges are kept for
// drawing and never constrain a verdict.
const (
	ProcessOrder EdgeKind = iota // consecutive events of one node
	TransferEdge                 // a transfer's send to its receive
	MarkerEdge                   // a control message's send to its receive
)

var edgeKindNames = [...]string{"process", "transfer", "marker"}

func (k EdgeKind) String() string {
	if int(k) < len(edgeKindNames) {
		return edgeKindNames[k]
	}
	return fmt.Sprintf("edge-kind(%d)", k)
}

// HBEdge is one edge of the happens-before graph, between two events of
// the execution by index. Msg is the message's identity (an index into
// Execution.Msgs) for transfer and marker edges, else -1.
type HBEdge struct {
	From, To int
	Kind     EdgeKind
	Msg      int
}

// HBGraph is the happens-before graph of a concrete execution: one vertex
// per event (by index), edges for process order and for every transfer
// from its send to its receive (SPEC §5.6). Marker messages are listed
// separately (Markers) for diagrams. The adjacency is held in flat slices:
// the edges sorted by (From, To), so that the successors of event v are
// the targets of edges[start[v]:start[v+1]].
type HBGraph struct {
	x       *Execution
	edges   []HBEdge // bank edges, sorted by (From, To), at most one per pair
	markers []HBEdge
	start   []int // per event and one more: its first edge in edges
	to      []int // edges' targets, in edges' order
}

// HB builds the happens-before graph of the execution.
func (x *Execution) HB() *HBGraph {
	n := len(x.Events)
	// Every edge goes forward in the execution's order (From < To), so the
	// graph is acyclic by construction.
	h := &HBGraph{x: x}
	edges := make([]HBEdge, 0, n+len(x.Msgs))
	add := func(e HBEdge) {
		if e.From >= e.To {
			panic(fmt.Sprintf("properties: internal error: hb edge %d->%d goes backwards", e.From, e.To))
		}
		edges = append(edges, e)
	}
	last := make([]int, len(x.Sys.Topo.Nodes))
	for i := range last {
		last[i] = -1
	}
	for k, e := range x.Events {
		if p := last[e.Node]; p >= 0 {
			add(HBEdge{From: p, To: k, Kind: ProcessOrder, Msg: -1})
		}
		last[e.Node] = k
	}
	for _, m := range x.Msgs {
		if m.Sent < 0 || m.Recv < 0 {
			continue
		}
		if m.Control {
			h.markers = append(h.markers, HBEdge{From: m.Sent, To: m.Recv, Kind: MarkerEdge, Msg: m.ID})
			continue
		}
		add(HBEdge{From: m.Sent, To: m.Recv, Kind: TransferEdge, Msg: m.ID})
	}
	// Sorted stably, an edge that repeats a pair comes after the first one
	// added (a transfer between consecutive events of one node adds
	// nothing to their process order), and is dropped.
	slices.SortStableFunc(edges, func(a, b HBEdge) int {
		if c := cmp.Compare(a.From, b.From); c != 0 {
			return c
		}
		return cmp.Compare(a.To, b.To)
	})
	h.edges = edges[:0]
	for _, e := range edges {
		if k := len(h.edges); k > 0 && h.edges[k-1].From == e.From && h.edges[k-1].To == e.To {
			continue
		}
		h.edges = append(h.edges, e)
	}
	h.start = make([]int, n+1)
	h.to = make([]int, len(h.edges))
	for k, e := range h.edges {
		h.start[e.From+1]++
		h.to[k] = e.To
	}
	for v := 0; v < n; v++ {
		h.start[v+1] += h.start[v]
	}
	return h
}

// succ lists the bank successors of event v, ascending.
func (h *HBGraph) succ(v int) []int { return h.to[h.start[v]:h.start[v+1]] }

// Len is the number of events (vertices).
func (h *HBGraph) Len() int { return len(h.start) - 1 }

// Edges lists the happens-before edges (process order and transfers),
// sorted by source then target event.
func (h *HBGraph) Edges() []HBEdge { return append([]HBEdge(nil), h.edges...) }

// Markers lists the marker messages as edges from send to receive, for
// drawing; they are not part of the happens-before relation.
func (h *HBGraph) Markers() []HBEdge { return append([]HBEdge(nil), h.markers...) }

// HappensBefore reports whether event a happens before event b: b is
// reachable from a by process order and transfer edges (a ≠ b).
func (h *HBGraph) HappensBefore(a, b int) bool {
	n := h.Len()
	if a < 0 || b < 0 || a >= n || b >= n || a == b {
		return false
	}
	// Every edge goes forward in the real order, so the search never
	// needs to look past b.
	seen := make([]bool, n)
	stack := []int{a}
	seen[a] = true
	for len(stack) > 0 {
		v := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, w := range h.succ(v) {
			if w == b {
				return true
			}
			if w < b && !seen[w] {
				seen[w] = true
				stack = append(stack, w)
			}
		}
	}
	return false
}

// Concurrent reports whether neither of a and b happens before the other.
func (h *HBGraph) Concurrent(a, b int) bool {
	return a != b && !h.HappensBefore(a, b) && !h.HappensBefore(b, a)
}

// Order returns a topological order of the events for which keep reports
// true (all events when keep is nil), respecting the happens-before
// relation restricted to them. It is stable: among the events that may
// come next it always takes the one that came first in the real order, so
// it is the real order wherever the relation allows. Since every edge goes
// forward in the real order, that is the real order of the events kept:
// when the earliest event not yet taken is due, every event it depends on
// came before it and has been taken.
func (h *HBGraph) Order(keep func(int) bool) []int {
	var order []int
	for v := 0; v < h.Len(); v++ {
		if keep == nil || keep(v) {
			order = append(order, v)
		}
	}
	return order
}

// Respects reports whether order (a sequence of distinct events) respects
// the happens-before relation: no event comes after one it happens before.
func (h *HBGraph) Respects(order []int) bool {
	pos := make([]int, h.Len())
	for i := range pos {
		pos[i] = -1
	}
	for i, v := range order {
		if v < 0 || v >= h.Len() || pos[v] >= 0 {
			return false
		}
		pos[v] = i
	}
	for _, e := range h.edges {
		if pos[e.From] >= 0 && pos[e.To] >= 0 && pos[e.From] > pos[e.To] {
			return false
		}
	}
	return true
}
