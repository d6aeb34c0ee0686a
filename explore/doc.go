// Package explore searches any state space given as encoded states
// (Space): breadth-first or depth-first, with an exact visited-state store,
// limits, figures and progress, and the first occurrences of every finding
// with the paths that lead to them.
//
// It knows no model and no algorithm by name; it imports only the standard
// library.
package explore
