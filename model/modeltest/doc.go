// Package modeltest holds rapid generators for property-based tests of
// snapcheck: small valid bank configurations (2–5 nodes; complete, ring or
// random strongly connected channels; balances, transfers in flight, script
// and "any" workloads, one to three snapshots with one or more initiators,
// FIFO or not) and random maximal schedules of a system. Every drawn value
// is labelled, so a failing case prints a readable configuration.
//
// It is a non-test package so that every package's tests can import it; it
// imports model, pgregory.net/rapid and the standard library, and nothing
// outside tests should import it.
package modeltest
