package properties

import (
	"fmt"
	"io"
)

// Witness is the reordering witness of SPEC §2.5 for one snapshot of a
// concrete execution, and whether the recorded state actually occurred
// (§2.6).
//
// PLACEHOLDER: the helper building issue 4 replaces this file.
type Witness struct {
	Snapshot string
	// Pre and Post are event indices (original positions), in witness order.
	Pre, Post []int
	Feasible  bool
	Reason    string // when not feasible: the first offending event or differing part of the state
	Actual    bool
	// ActualReason names, when not actual, the pair of events whose real
	// order kept the recorded state from occurring.
	ActualReason string
}

// Witness computes the witness of snapshot s.
func (x *Execution) Witness(s int) *Witness {
	return &Witness{Snapshot: x.Sys.Topo.Snapshots[s], Reason: "not computed yet"}
}

// WriteWitness renders the witness of snapshot s as text: the real order
// with PRE/POST labels, the reordered sequence (pre… | snapshot | post…)
// and the actual-or-feasible verdict.
func WriteWitness(w io.Writer, x *Execution, s int) error {
	wt := x.Witness(s)
	_, err := fmt.Fprintf(w, "witness for %s: %s\n", wt.Snapshot, wt.Reason)
	return err
}
