package properties

import (
	"container/heap"
	"errors"
	"fmt"
	"sort"

	"github.com/dominikbraun/graph"
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

// String is the kind's name.
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
// separately (Markers) for diagrams.
type HBGraph struct {
	x       *Execution
	g       graph.Graph[int, int]
	edges   []HBEdge // bank edges, sorted by (From, To)
	markers []HBEdge
	succ    [][]int // bank successors per event, ascending
	pred    [][]int // bank predecessors per event, ascending
}

// HB builds the happens-before graph of the execution.
func (x *Execution) HB() *HBGraph {
	n := len(x.Events)
	// Every edge goes forward in the execution's order (From < To), so the
	// graph is acyclic by construction; graph.Acyclic() would search for a
	// cycle at every AddEdge.
	h := &HBGraph{x: x, g: graph.New(graph.IntHash, graph.Directed())}
	for k := 0; k < n; k++ {
		if err := h.g.AddVertex(k); err != nil {
			panic(fmt.Sprintf("properties: internal error: hb vertex %d: %v", k, err))
		}
	}
	add := func(e HBEdge) {
		if e.From >= e.To {
			panic(fmt.Sprintf("properties: internal error: hb edge %d->%d goes backwards", e.From, e.To))
		}
		err := h.g.AddEdge(e.From, e.To, graph.EdgeData(e))
		if errors.Is(err, graph.ErrEdgeAlreadyExists) {
			return // a transfer between consecutive events of one node adds nothing
		}
		if err != nil {
			panic(fmt.Sprintf("properties: internal error: hb edge %d->%d: %v", e.From, e.To, err))
		}
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
	adj, err := h.g.AdjacencyMap()
	if err != nil {
		panic(fmt.Sprintf("properties: internal error: hb adjacency: %v", err))
	}
	h.succ = make([][]int, n)
	h.pred = make([][]int, n)
	for from, tos := range adj {
		for to, e := range tos {
			h.succ[from] = append(h.succ[from], to)
			h.pred[to] = append(h.pred[to], from)
			h.edges = append(h.edges, e.Properties.Data.(HBEdge))
		}
	}
	for k := 0; k < n; k++ {
		sort.Ints(h.succ[k])
		sort.Ints(h.pred[k])
	}
	sort.Slice(h.edges, func(i, j int) bool {
		a, b := h.edges[i], h.edges[j]
		if a.From != b.From {
			return a.From < b.From
		}
		return a.To < b.To
	})
	return h
}

// Len is the number of events (vertices).
func (h *HBGraph) Len() int { return len(h.succ) }

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
		for _, w := range h.succ[v] {
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
// it is the real order wherever the relation allows.
func (h *HBGraph) Order(keep func(int) bool) []int {
	n := h.Len()
	in := make([]int, n)
	kept := make([]bool, n)
	for v := 0; v < n; v++ {
		kept[v] = keep == nil || keep(v)
	}
	for v := 0; v < n; v++ {
		if !kept[v] {
			continue
		}
		for _, w := range h.succ[v] {
			if kept[w] {
				in[w]++
			}
		}
	}
	var q minHeap
	for v := 0; v < n; v++ {
		if kept[v] && in[v] == 0 {
			q = append(q, v)
		}
	}
	heap.Init(&q)
	var order []int
	for q.Len() > 0 {
		v := heap.Pop(&q).(int)
		order = append(order, v)
		for _, w := range h.succ[v] {
			if !kept[w] {
				continue
			}
			if in[w]--; in[w] == 0 {
				heap.Push(&q, w)
			}
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

type minHeap []int

func (q minHeap) Len() int           { return len(q) }
func (q minHeap) Less(i, j int) bool { return q[i] < q[j] }
func (q minHeap) Swap(i, j int)      { q[i], q[j] = q[j], q[i] }
func (q *minHeap) Push(v any)        { *q = append(*q, v.(int)) }
func (q *minHeap) Pop() any {
	old := *q
	v := old[len(old)-1]
	*q = old[:len(old)-1]
	return v
}
