// Command snapcheck is a model checker for distributed snapshot algorithms:
//
//	snapcheck check CONFIG      explore every execution, check the properties
//	snapcheck replay TRACE      re-execute a trace file on its own
//	snapcheck show TRACE        render a trace (timeline, space-time diagram, ...)
//	snapcheck simulate CONFIG   random runs, for banks too large to exhaust
//
// This package is the command line only: flags, reports, exit codes and the
// files it writes. The checker itself is in the packages model (banks,
// states, events, algorithms), explore (the search), properties (the
// checks) and counterexamples (trace files), for library users as much as
// for this command.
package main
