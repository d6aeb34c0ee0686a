// Package counterexamples is snapcheck's trace files: a versioned,
// self-contained JSON format (the configuration, the events, a state hash
// after each), written whole or not at all, read strictly, replayed through
// the model alone, and rendered for people.
//
// It imports model, model/algorithms and properties; it replays through the
// model, never through the explorer.
package counterexamples
