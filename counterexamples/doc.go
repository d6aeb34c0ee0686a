// Package counterexamples is snapcheck's trace files: a versioned,
// self-contained JSON format (the configuration, the events, a state hash
// after each), written whole or not at all, read strictly, replayed through
// the model alone, and rendered for people.
//
// # Replay
//
// Replay (or ReplaySteps, which reports each step as it passes) rebuilds
// the system from the trace's own configuration and algorithm name, runs
// every event, and stops at the first event that is not enabled or whose
// state hash differs, with a *DivergenceError naming the step. Then every
// property is judged on the replayed execution.
//
// # Renderings
//
// Render writes a replayed trace in one of Formats:
//
//   - text: a timeline, one column per node and one row per event, each
//     event PRE or POST of each snapshot (SPEC §5.2), the recorded values
//     against the correct ones, the violated property, and the reordering
//     witness of every completed snapshot;
//   - svg: a self-contained space-time diagram (processes as lines,
//     transfers as solid arrows, markers dashed, each snapshot's cut);
//   - dot: the same as a Graphviz graph;
//   - shiviz: a log for ShiViz (https://bestchai.bitbucket.io/shiviz/):
//     paste the output as the log and ShiVizRegex, which is ShiViz's
//     default, as the parser regular expression;
//   - json: the trace and its Analysis.
//
// The regression corpus, testdata/corpus, holds the counterexample of
// every broken example; `go test ./counterexamples -update` regenerates it
// and the golden renderings under testdata/show.
//
// It imports model, model/algorithms and properties; it replays through the
// model, never through the explorer.
package counterexamples
