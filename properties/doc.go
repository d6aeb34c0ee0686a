// Package properties holds the snapshot properties of SPEC §2: checked on
// states during the exhaustive search (Check), and on concrete executions
// (Replay, Execution.Check) to explain a violation, build the
// happens-before graph and the reordering witness. Simulate checks random
// maximal executions of configurations too large to exhaust.
//
// It imports model and explore, and github.com/dominikbraun/graph
// internally (no graph types in its API).
package properties
