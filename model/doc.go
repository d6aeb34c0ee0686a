// Package model is snapcheck's bank: configurations (SPEC §3), the global
// state (§1.1), the events (§1.2), the workloads (§1.3) and the snapshot
// algorithms, which plug in through the small Algorithm interface (the
// optional InternalActions interface spares asking every node for internal
// actions). An Expander generates the successors of encoded states for a
// search, all of them or, reduced, those of a stubborn set (por.go; the
// optional ControlPlanner and PassiveTransfers interfaces sharpen the
// reduction), and with symmetry reduction each as the canonical state of
// its orbit under the bank's renamings of nodes (symmetry.go; algorithms
// opt in with the Symmetric interface).
//
// Nodes are deterministic state machines: an event in, effects out. The
// package has no goroutines, clocks, randomness or logging, and imports
// only the standard library.
package model
