// Package modeltest holds rapid generators for property-based tests of
// snapcheck: small valid bank configurations (2–5 nodes; complete, ring or
// random strongly connected channels; balances, transfers in flight, script
// and "any" workloads, one to three snapshots with one or more initiators,
// FIFO or not) and random maximal schedules of a system. Every value is
// drawn with a label; since rapid prints only a test's top-level draws (a
// configuration as Go syntax), tests call Log right after drawing, so that
// a failing, shrunk case prints its configuration as a JSON file's line.
//
// It is a non-test package so that every package's tests can import it; it
// imports model, pgregory.net/rapid and the standard library, and nothing
// outside tests should import it.
package modeltest
