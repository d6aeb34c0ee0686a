package model

import "testing"

// TestDescribeActionOutOfRange: an internal action that names no pending
// marker (from a hand-edited trace, say) is described, never a panic.
func TestDescribeActionOutOfRange(t *testing.T) {
	topo := &Topology{
		Nodes:     []string{"a", "b"},
		Chans:     []Channel{{From: 0, To: 1}, {From: 1, To: 0}},
		Out:       [][]int{{0}, {1}},
		Snapshots: []string{"s1"},
	}
	c := ChandyLamport{Variant: LateMarkers}
	for _, tc := range []struct {
		action int
		want   string
	}{
		{0, "send marker(s1) a->b"},
		{1, "internal 1 at a"},
		{MaxNodes, "internal 64 at a"},
		{-1, "internal -1 at a"},
		{-MaxNodes - 1, "internal -65 at a"},
	} {
		if got := c.DescribeAction(topo, 0, tc.action); got != tc.want {
			t.Errorf("action %d: %q, want %q", tc.action, got, tc.want)
		}
	}
}
