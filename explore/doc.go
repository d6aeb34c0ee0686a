// Package explore searches any state space given as encoded states
// (Space): breadth-first (on parallel workers, with results that do not
// depend on their number) or depth-first, with an exact visited-state store
// or a fingerprint store, limits (states, depth, time, memory), figures
// (including the exact number of maximal executions) and progress, and the
// first occurrences of every finding with the paths that lead to them.
// Simulate walks random maximal executions of the same spaces.
//
// It knows no model and no algorithm by name; it imports only the standard
// library.
package explore
