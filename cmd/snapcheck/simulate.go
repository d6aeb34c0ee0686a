package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"runtime/debug"
	"time"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

const simulateHelp = `
Checks random maximal executions of the bank in CONFIG, for configurations
too large to explore exhaustively: each run starts from the initial state and
picks one enabled event at random (uniformly, or with --bias-markers less
often for markers) until none is enabled. Every property is checked on every
snapshot of every run, as check does. Prints the runs, the distinct recorded
snapshots seen and the violations, each with a trace file that 'snapcheck
replay' accepts. The same CONFIG, --seed and flags give the same runs.

Exit codes as check: 0 no violation in the runs (not a proof: executions that
were not sampled may still violate a property); 1 a violation was found; 2 bad
input; 3 stopped (Ctrl-C, --max-memory) before all runs were done.`

type simulateOptions struct {
	runs     int
	seed     int64
	bias     float64
	maxSteps int
	out      string
	json     bool
	quiet    bool
	every    time.Duration
	memory   int64
	list     int
}

func simulateFlags() (*pflag.FlagSet, *simulateOptions) {
	o := &simulateOptions{}
	fs := pflag.NewFlagSet("simulate", pflag.ContinueOnError)
	fs.IntVar(&o.runs, "runs", 1000, "number of random maximal executions")
	fs.Int64Var(&o.seed, "seed", 1, "random seed; recorded in the output and in every trace file")
	fs.Float64Var(&o.bias, "bias-markers", 1, "weight of marker receives and late-markers' marker sends against 1 for other events, in [0, 1]: lower delays markers (1: uniform)")
	fs.IntVar(&o.maxSteps, "max-steps", 0, "cut a run after this many events (0: no limit); termination is not judged on cut runs")
	fs.StringVar(&o.out, "out", "snapcheck-traces", "folder for counterexample trace files (one per violated property), created if needed")
	fs.BoolVar(&o.json, "json", false, "print one JSON report on stdout instead of text")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines on stderr")
	fs.DurationVar(&o.every, "progress-every", time.Second, "time between progress lines on stderr, e.g. 10s or 1m")
	fs.Int64Var(&o.memory, "max-memory", 0, "stop (exit 3) when the process would hold more than this many MB (of 2^20 bytes), looked at every 65,536 events; 0 means 3/4 of this machine's memory")
	fs.IntVar(&o.list, "list", 10, "distinct snapshots to list in the text output (-1: all)")
	return fs, o
}

func runSimulate(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := simulateFlags()
	if code, stop := parseFlags(fs, args, 1, "CONFIG", simulateHelp, stdout, stderr); stop {
		return code
	}
	switch {
	case o.list < -1:
		return fail(stderr, "simulate", fmt.Errorf("--list: must be -1 (all) or more, got %d", o.list))
	case o.runs < 1:
		return fail(stderr, "simulate", fmt.Errorf("--runs: must be at least 1, got %d", o.runs))
	case o.maxSteps < 0:
		return fail(stderr, "simulate", fmt.Errorf("--max-steps: must not be negative, got %d", o.maxSteps))
	case o.every <= 0:
		return fail(stderr, "simulate", fmt.Errorf("--progress-every: must be positive, got %v (use --quiet for no progress lines)", o.every))
	case o.memory < 0 || o.memory > maxMemoryMB:
		return fail(stderr, "simulate", fmt.Errorf("--max-memory: must be from 0 to %d (MB), got %d", int64(maxMemoryMB), o.memory))
	case math.IsNaN(o.bias) || o.bias < 0 || o.bias > 1:
		return fail(stderr, "simulate", fmt.Errorf("--bias-markers: must be a weight in [0, 1], got %v", o.bias))
	}
	sys, err := algorithms.Load(fs.Arg(0))
	if err != nil {
		return fail(stderr, "simulate", err)
	}
	opts := properties.SimulateOptions{
		Runs:          o.runs,
		Seed:          uint64(o.seed),
		MaxSteps:      o.maxSteps,
		BiasMarkers:   fs.Changed("bias-markers"),
		MarkerWeight:  o.bias,
		ProgressEvery: o.every,
		MaxMemory:     o.memory << 20,
	}
	if o.memory == 0 {
		opts.MaxMemory = defaultMaxMemoryMB() << 20
	}
	if opts.MaxMemory > 0 {
		debug.SetMemoryLimit(opts.MaxMemory) // as check does
	}
	if !o.quiet {
		opts.Progress = func(runs int, steps int64, elapsed time.Duration) {
			fmt.Fprintf(stderr, "progress: %s of %s runs, %s events, %s elapsed\n",
				thousands(int64(runs)), thousands(int64(o.runs)), thousands(steps), elapsed.Round(time.Second))
		}
	}
	rep, err := properties.Simulate(ctx, sys, opts)
	if err != nil {
		return fail(stderr, "simulate", err)
	}
	// As check: the report is printed even when the folder fails (exit 2).
	werr := writeSimTraces(sys, rep, o.out, o.seed, filesName(rep.Config, fs.Arg(0)))
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(rep); err != nil {
			return fail(stderr, "simulate", err)
		}
	} else {
		printSimReport(stdout, sys, rep, o.list)
	}
	if werr != nil {
		return fail(stderr, "simulate", werr)
	}
	return exitCode(rep.Verdict)
}

func printSimReport(w io.Writer, sys *model.System, rep *properties.SimReport, list int) {
	t := &sys.Topo
	fifo := "FIFO"
	if !t.FIFO {
		fifo = "non-FIFO"
	}
	fmt.Fprintf(w, "snapcheck simulate: %s — %s, %s, %d nodes, %d channels, %d snapshot(s)\n",
		nameOr(rep.Config), rep.Algorithm, fifo, len(t.Nodes), len(t.Chans), len(t.Snapshots))
	fmt.Fprintf(w, "  seed          %d (the same configuration, seed and flags repeat these runs)\n", int64(rep.Seed))
	choice := "uniform among enabled events"
	if rep.MarkerWeight != nil {
		choice = fmt.Sprintf("markers delayed (weight %g against 1)", *rep.MarkerWeight)
	}
	fmt.Fprintf(w, "  choice        %s\n", choice)
	kind := "random maximal executions"
	if rep.Cut > 0 {
		kind = "random executions, maximal unless cut"
	}
	fmt.Fprintf(w, "  runs          %s %s (longest %s events, %s events in all)\n",
		thousands(int64(rep.Runs)), kind, thousands(int64(rep.Longest)), thousands(rep.Steps))
	if rep.Cut > 0 {
		fmt.Fprintf(w, "  cut           %s runs stopped at --max-steps (termination not judged on them)\n", thousands(int64(rep.Cut)))
	}
	fmt.Fprintf(w, "  time          %.3f s\n", rep.ElapsedSeconds)
	fmt.Fprintf(w, "Distinct recorded snapshots seen: %s\n", thousands(int64(len(rep.Snapshots))))
	for i, s := range rep.Snapshots {
		if list >= 0 && i >= list {
			fmt.Fprintf(w, "  … and %s more (--list -1 or --json to see them all)\n", thousands(int64(len(rep.Snapshots)-i)))
			break
		}
		fmt.Fprintf(w, "  %-4s %s  (total $%d)\n", s.ID, s.Format(t), s.Total())
	}
	for _, id := range rep.NeverStarted {
		fmt.Fprintf(w, "Snapshot %s was never started in some run (its scripted initiation is never reached).\n", id)
	}
	for _, v := range rep.Violations {
		fmt.Fprintf(w, "Violation of %s (run %d, trace of %d events): %s\n", v.Property, v.Run+1, v.Length, v.Message)
		if v.Trace != "" {
			fmt.Fprintf(w, "  trace: %s\n", v.Trace)
		}
	}
	switch rep.Verdict {
	case properties.OK:
		fmt.Fprintf(w, "Verdict: no violation in %s random runs. This is not a proof: executions that were not sampled may still violate a property.\n", thousands(int64(rep.Runs)))
	case properties.Violated:
		fmt.Fprintf(w, "Verdict: violation — %d property violation(s) found.\n", len(rep.Violations))
		if rep.Stopped != "" {
			fmt.Fprintf(w, "(The simulation also stopped early: %s, after %s of %s runs.)\n", rep.Stopped, thousands(int64(rep.Runs)), thousands(int64(rep.RunsAsked)))
		}
	default:
		fmt.Fprintf(w, "Verdict: incomplete — %s after %s of %s runs; no violation in the runs done.\n",
			rep.Stopped, thousands(int64(rep.Runs)), thousands(int64(rep.RunsAsked)))
	}
}

// writeSimTraces writes one counterexample trace per violation of a
// simulation into dir, named after name (filesName), with the seed, and
// records their paths in the report.
func writeSimTraces(sys *model.System, rep *properties.SimReport, dir string, seed int64, name string) error {
	vs := make([]*properties.Violation, len(rep.Violations))
	for i := range rep.Violations {
		vs[i] = &rep.Violations[i].Violation
	}
	return writeViolationTraces(sys, vs, dir, safeName(name)+"-sim-", &seed)
}
