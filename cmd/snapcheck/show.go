package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/counterexamples"
)

const showHelp = `
Replays the trace file TRACE (it must replay exactly, as for 'snapcheck
replay') and renders it for a person:

  text    a timeline, one column per node and one row per event, with each
          event's place (PRE or POST) relative to its node's recording of each
          snapshot, what each snapshot recorded against what a correct
          snapshot holds, the violated property, and the reordering witness
  svg     a self-contained space-time diagram (open it in any browser)
  dot     the same diagram as a Graphviz graph (dot -Tsvg)
  shiviz  a ShiViz log (https://bestchai.bitbucket.io/shiviz/) with vector
          clocks; paste ShiViz's default parser regex:
          ` + counterexamples.ShiVizRegex + `
  json    the trace and its analysis (places, messages, snapshots, problems)

The output goes to stdout, or with -o to FILE, written whole or not at all.
Exit codes: 0 rendered; 2 bad usage, a malformed trace, or one that diverges.`

type showOptions struct {
	format string
	out    string
}

func showFlags() (*pflag.FlagSet, *showOptions) {
	o := &showOptions{}
	fs := pflag.NewFlagSet("show", pflag.ContinueOnError)
	fs.StringVarP(&o.format, "format", "f", "text", "output format: "+strings.Join(counterexamples.Formats(), ", "))
	fs.StringVarP(&o.out, "output", "o", "", "write to FILE (whole or not at all) instead of stdout")
	return fs, o
}

func runShow(_ context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := showFlags()
	if code, stop := parseFlags(fs, args, 1, "TRACE", showHelp, stdout, stderr); stop {
		return code
	}
	known := false
	for _, f := range counterexamples.Formats() {
		known = known || f == o.format
	}
	if !known {
		return fail(stderr, "show", fmt.Errorf("--format: must be one of %s, got %q", strings.Join(counterexamples.Formats(), ", "), o.format))
	}
	path := fs.Arg(0)
	tr, err := counterexamples.ReadFile(path)
	if err != nil {
		return fail(stderr, "show", err)
	}
	out, err := counterexamples.Replay(tr)
	var div *counterexamples.DivergenceError
	if errors.As(err, &div) {
		return fail(stderr, "show", fmt.Errorf("%s diverges at %v (run 'snapcheck replay %s' for details)", path, div, path))
	}
	if err != nil {
		return fail(stderr, "show", fmt.Errorf("trace %s: %w", path, err))
	}
	var b bytes.Buffer
	if err := counterexamples.Render(&b, o.format, tr, out); err != nil {
		return fail(stderr, "show", err)
	}
	if o.out == "" {
		if _, err := stdout.Write(b.Bytes()); err != nil {
			return fail(stderr, "show", err)
		}
		return exitOK
	}
	if err := counterexamples.WriteFileAtomic(o.out, b.Bytes()); err != nil {
		return fail(stderr, "show", fmt.Errorf("-o: %w", err))
	}
	return exitOK
}
