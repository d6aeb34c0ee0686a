package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/counterexamples"
)

const replayHelp = `
Re-executes the trace file TRACE (written by 'snapcheck check --out') through
the model, from the file alone: its configuration, its algorithm and its
events. Every event must be enabled and every state hash must match the one
the file records; the first step that diverges is named and replay stops.
Then every property is judged on the replayed execution.

Exit codes: 1 the violation the trace records is reproduced; 0 the trace
replays and shows no violation (a witness trace); 2 the file is malformed,
diverges, or does not reproduce the violation it records.`

// maxStepWidth bounds the width of replay's step column.
const maxStepWidth = 120

type replayOptions struct {
	quiet bool
}

func replayFlags() (*pflag.FlagSet, *replayOptions) {
	o := &replayOptions{}
	fs := pflag.NewFlagSet("replay", pflag.ContinueOnError)
	fs.BoolVarP(&o.quiet, "quiet", "q", false, "print only the verdict, not each step")
	return fs, o
}

func runReplay(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := replayFlags()
	if code, stop := parseFlags(fs, args, 1, "TRACE", replayHelp, stdout, stderr); stop {
		return code
	}
	path := fs.Arg(0)
	tr, err := counterexamples.ReadFile(path)
	if err != nil {
		return fail(stderr, "replay", err)
	}
	what := "witness"
	if tr.Kind == counterexamples.KindCounterexample {
		what = "counterexample of " + tr.Property
		if tr.Snapshot != "" {
			what += " (snapshot " + tr.Snapshot + ")"
		}
	}
	if !o.quiet {
		fmt.Fprintf(stdout, "replay %s: %s, algorithm %s, %d events\n", path, what, tr.Algorithm, len(tr.Events))
	}
	// The step column is as wide as the longest text the file gives, up
	// to maxStepWidth: the texts are the file's, and an edited one (fmt
	// pads to at most 10^6 and prints %!(BADWIDTH) beyond) must not garble
	// or pad every line.
	width := 0
	for _, e := range tr.Events {
		width = max(width, min(len(e.Text), maxStepWidth))
	}
	step := func(r counterexamples.StepReport) {
		if !o.quiet {
			fmt.Fprintf(stdout, "  step %3d  %-*s  hash %s ok\n", r.Step, width, r.Text, r.Hash)
		}
	}
	out, err := counterexamples.ReplaySteps(tr, step)
	var div *counterexamples.DivergenceError
	if errors.As(err, &div) {
		fmt.Fprintf(stderr, "snapcheck replay: %s diverges at %v\n", path, div)
		return exitBadInput
	}
	if err != nil {
		return fail(stderr, "replay", fmt.Errorf("trace %s: %w", path, err))
	}
	if tr.Kind == counterexamples.KindCounterexample {
		if !out.Reproduced {
			fmt.Fprintf(stdout, "Verdict: not reproduced — the trace replays, but shows no violation of %s.\n", tr.Property)
			for _, p := range out.Problems {
				fmt.Fprintf(stdout, "  it shows instead: %s: %s\n", p.Property, p.Message)
			}
			fmt.Fprintf(stderr, "snapcheck replay: %s does not reproduce the violation of %s it records\n", path, tr.Property)
			return exitBadInput
		}
		for _, p := range out.Problems {
			if p.Property == tr.Property && (tr.Snapshot == "" || p.Snapshot == tr.Snapshot) {
				fmt.Fprintf(stdout, "Verdict: violation reproduced — %s: %s\n", p.Property, p.Message)
				break
			}
		}
		for _, p := range out.Problems {
			if !(p.Property == tr.Property && (tr.Snapshot == "" || p.Snapshot == tr.Snapshot)) {
				fmt.Fprintf(stdout, "  also violated: %s: %s\n", p.Property, p.Message)
			}
		}
		return exitViolation
	}
	if len(out.Problems) > 0 {
		fmt.Fprintf(stdout, "Verdict: violation — the witness trace replays but shows %d violation(s):\n", len(out.Problems))
		for _, p := range out.Problems {
			fmt.Fprintf(stdout, "  %s: %s\n", p.Property, p.Message)
		}
		return exitViolation
	}
	fmt.Fprintln(stdout, "Verdict: ok — the trace replays and shows no violation.")
	return exitOK
}
