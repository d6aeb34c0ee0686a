package main

import (
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/counterexamples"
	"github.com/snapcheck/snapcheck/explore"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

const checkHelp = `
Explores every interleaving of message deliveries, sends and snapshot
initiations of the bank in CONFIG (a JSON file, see SPEC §3) and checks, for
every snapshot in every execution: termination, conservation, consistent cut
and channel states; feasibility (the reordering witness, SPEC §2.5) is built
for a sample of executions per snapshot and for every counterexample.
Prints the verdict, the figures and every distinct recorded snapshot.
Breadth-first by default, so each counterexample is a shortest one.`

type checkOptions struct {
	json          bool
	strategy      string
	maxStates     int64
	maxDepth      int
	timeLimit     time.Duration
	allViolations bool
	quiet         bool
	progressEvery time.Duration
	out           string
	witnessOpts
	por       bool
	symmetry  bool
	list      int
	workers   int
	store     string
	maxMemory int64
}

func checkFlags() (*pflag.FlagSet, *checkOptions) {
	o := &checkOptions{}
	fs := pflag.NewFlagSet("check", pflag.ContinueOnError)
	fs.BoolVar(&o.json, "json", false, "print one JSON report (SPEC §4.1) on stdout instead of text")
	fs.StringVar(&o.strategy, "strategy", "bfs", "search order: bfs (shortest counterexamples) or dfs")
	fs.Int64Var(&o.maxStates, "max-states", 0, "stop after storing this many states (0: no limit); exit 3")
	fs.IntVar(&o.maxDepth, "max-depth", 0, "store no state more than this many events deep (0: no limit; the events of the deepest states are still checked); exit 3 if it left any state out")
	fs.DurationVar(&o.timeLimit, "time-limit", 0, "stop after this long, e.g. 30s or 5m (0: no limit); exit 3")
	fs.BoolVar(&o.allViolations, "all-violations", false, "keep every distinct violation, not only the first of each property")
	fs.BoolVar(&o.quiet, "quiet", false, "no progress lines on stderr")
	fs.DurationVar(&o.progressEvery, "progress-every", time.Second, "time between progress lines on stderr, e.g. 10s or 1m")
	fs.IntVar(&o.workers, "workers", 0, "goroutines expanding states (breadth-first search), at most 1024; 0 means one per CPU; results, and the store, are identical for every number")
	fs.StringVar(&o.store, "store", "exact", "visited-state store: exact (whole states, no merging ever) or fingerprint (64-bit fingerprints, less memory, reports its collision probability, writes parents to a temporary file; breadth-first only, and it cannot count executions when paths of different lengths meet)")
	fs.Int64Var(&o.maxMemory, "max-memory", 0, "stop (exit 3) when the search would hold more than this many MB (of 2^20 bytes); 0 means 3/4 of this machine's memory")
	fs.IntVar(&o.list, "list", 100, "distinct snapshots to list in the text report (-1: all)")
	fs.BoolVar(&o.por, "por", false, "partial-order reduction: the same verdicts and distinct snapshots from fewer states (figures are the reduced graph's; counterexamples are the shortest in it, not always overall)")
	fs.BoolVar(&o.symmetry, "symmetry", false, "symmetry reduction: keep one state per orbit of the renamings of nodes that map the bank to itself (equal balances and roles, symmetric channels); the same verdicts and distinct snapshots from fewer states (figures are the reduced graph's)")
	fs.StringVar(&o.out, "out", "snapcheck-traces", "folder for counterexample trace files (one per violated property), created if needed")
	witnessFlags(fs, &o.witnessOpts)
	return fs, o
}

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs, o := checkFlags()
	if code, stop := parseFlags(fs, args, 1, "CONFIG", checkHelp, stdout, stderr); stop {
		return code
	}
	var strategy explore.Strategy
	switch o.strategy {
	case "bfs":
		strategy = explore.BFS
	case "dfs":
		strategy = explore.DFS
	default:
		return fail(stderr, "check", fmt.Errorf("--strategy: must be bfs or dfs, got %q", o.strategy))
	}
	if o.store != "exact" && o.store != "fingerprint" {
		return fail(stderr, "check", fmt.Errorf("--store: must be exact or fingerprint, got %q", o.store))
	}
	if o.workers < 0 || o.workers > explore.MaxWorkers {
		return fail(stderr, "check", fmt.Errorf("--workers: must be from 0 to %d, got %d", explore.MaxWorkers, o.workers))
	}
	if o.workers == 0 {
		o.workers = min(runtime.NumCPU(), explore.MaxWorkers)
	}
	if o.store == "fingerprint" && o.strategy != "bfs" {
		return fail(stderr, "check", fmt.Errorf("--store fingerprint needs --strategy bfs"))
	}
	if o.maxMemory < 0 || o.maxMemory > maxMemoryMB {
		return fail(stderr, "check", fmt.Errorf("--max-memory: must be from 0 to %d (MB), got %d", int64(maxMemoryMB), o.maxMemory))
	}
	if o.maxMemory == 0 {
		o.maxMemory = defaultMaxMemoryMB()
	}
	if o.maxMemory > 0 {
		// Make the garbage collector keep the heap under the limit too
		// (this process is the tool's own, so the setting is ours).
		debug.SetMemoryLimit(o.maxMemory << 20)
	}
	if o.list < -1 {
		return fail(stderr, "check", fmt.Errorf("--list: must be -1 (all) or more, got %d", o.list))
	}
	if o.witnessSample < 1 {
		return fail(stderr, "check", fmt.Errorf("--witness-sample: must be at least 1, got %d", o.witnessSample))
	}
	if o.progressEvery <= 0 {
		return fail(stderr, "check", fmt.Errorf("--progress-every: must be positive, got %v (use --quiet for no progress lines)", o.progressEvery))
	}
	if o.maxStates < 0 || o.maxDepth < 0 || o.timeLimit < 0 {
		return fail(stderr, "check", fmt.Errorf("--max-states, --max-depth and --time-limit must not be negative"))
	}
	sys, err := algorithms.Load(fs.Arg(0))
	if err != nil {
		return fail(stderr, "check", err)
	}
	opts := properties.Options{
		AllViolations: o.allViolations,
		Reduce:        o.por,
		Symmetry:      o.symmetry,
		Witnesses:     o.witnessSample,
		Explore: explore.Options{
			Strategy:      strategy,
			MaxStates:     o.maxStates,
			MaxDepth:      o.maxDepth,
			TimeLimit:     o.timeLimit,
			Workers:       o.workers,
			Fingerprints:  o.store == "fingerprint",
			MaxMemory:     o.maxMemory << 20,
			ProgressEvery: o.progressEvery,
		},
	}
	if !o.quiet {
		opts.Explore.Progress = func(s explore.Stats) {
			fmt.Fprintf(stderr, "progress: %s states, %s transitions, queue %s, depth %d, %s states/s, %s elapsed\n",
				thousands(s.States), thousands(s.Transitions), thousands(s.Queue), s.Depth,
				thousands(int64(float64(s.States)/s.Elapsed.Seconds())), s.Elapsed.Round(time.Second))
		}
	}
	rep, err := properties.Check(ctx, sys, opts)
	if err != nil {
		return fail(stderr, "check", err)
	}
	// A folder that cannot be written to is bad input (exit 2), found only
	// now: the report is printed all the same, without the files.
	name := filesName(rep.Config, fs.Arg(0))
	werr := writeTraces(sys, rep, o.out, name)
	if werr == nil {
		werr = writeWitnesses(sys, rep, o.witnessDir, name)
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.SetEscapeHTML(false)
		if err := enc.Encode(rep); err != nil {
			return fail(stderr, "check", err)
		}
	} else {
		printReport(stdout, sys, rep, o.list, o.symmetry)
	}
	if werr != nil {
		return fail(stderr, "check", werr)
	}
	return exitCode(rep.Verdict)
}

func exitCode(v properties.Verdict) int {
	switch v {
	case properties.OK:
		return exitOK
	case properties.Violated:
		return exitViolation
	}
	return exitIncomplete
}

func printReport(w io.Writer, sys *model.System, rep *properties.Report, list int, symmetry bool) {
	t := &sys.Topo
	fifo := "FIFO"
	if !t.FIFO {
		fifo = "non-FIFO"
	}
	search := rep.Strategy + " search"
	switch rep.Reduction {
	case "por":
		search += ", partial-order reduction (figures are the reduced graph's)"
	case "symmetry":
		search += fmt.Sprintf(", symmetry reduction by %d renaming(s) (figures are the reduced graph's)", rep.Renamings)
	case "por+symmetry":
		search += fmt.Sprintf(", partial-order and symmetry reduction by %d renaming(s) (figures are the reduced graph's)", rep.Renamings)
	}
	fmt.Fprintf(w, "snapcheck: %s — %s, %s, %d nodes, %d channels, %d snapshot(s), %s\n",
		nameOr(rep.Config), rep.Algorithm, fifo, len(t.Nodes), len(t.Chans), len(t.Snapshots), search)
	if symmetry && rep.Renamings == 0 {
		fmt.Fprintf(w, "  symmetry      none used: %s\n", sys.SymmetryNote())
	}
	fmt.Fprintf(w, "  states        %s distinct (%s with no successor)\n", thousands(rep.States), thousands(rep.TerminalStates))
	fmt.Fprintf(w, "  transitions   %s\n", thousands(rep.Transitions))
	if rep.Executions != nil {
		fmt.Fprintf(w, "  executions    %s maximal executions represented\n", bigThousands(rep.Executions.String()))
	} else {
		fmt.Fprintf(w, "  executions    %s\n", rep.ExecutionsNote)
	}
	fmt.Fprintf(w, "  depth         %d events\n", rep.Depth)
	fmt.Fprintf(w, "  time          %.3f s (%s states/s, %d worker(s))\n", rep.ElapsedSeconds, thousands(int64(rep.StatesPerSecond)), rep.Workers)
	if rep.States > 0 {
		fmt.Fprintf(w, "  memory        %s bytes in the %s store (%.1f bytes/state)\n", thousands(rep.StoreBytes), rep.Store, float64(rep.StoreBytes)/float64(rep.States))
	}
	if rep.Store == "fingerprint" {
		fmt.Fprintf(w, "  fingerprints  probability that two states were merged: %.2g (optimistic estimate, as TLC computes it)\n", rep.CollisionProbability)
	}
	fmt.Fprintf(w, "Distinct recorded snapshots: %s\n", thousands(int64(len(rep.Snapshots))))
	for i, s := range rep.Snapshots {
		if list >= 0 && i >= list {
			fmt.Fprintf(w, "  (%s more: --list -1 lists them all, --json reports them all)\n", thousands(int64(len(rep.Snapshots)-i)))
			break
		}
		fmt.Fprintf(w, "  %-4s %s  (total $%d)\n", s.ID, s.Format(t), s.Total())
		printWitnessCounts(w, s)
	}
	printWitnessSummary(w, rep)
	for _, id := range rep.NeverStarted {
		fmt.Fprintf(w, "Snapshot %s was never started in some maximal execution (its scripted initiation is never reached).\n", id)
	}
	for _, v := range rep.Violations {
		fmt.Fprintf(w, "Violation of %s (trace of %d events): %s\n", v.Property, v.Length, v.Message)
		printFeasibility(w, v)
		if v.Trace != "" {
			fmt.Fprintf(w, "  trace: %s\n", v.Trace)
		}
	}
	switch rep.Verdict {
	case properties.OK:
		fmt.Fprintln(w, "Verdict: ok — every property holds in every execution.")
	case properties.Violated:
		fmt.Fprintf(w, "Verdict: violation — %d property violation(s) found.\n", len(rep.Violations))
		switch {
		case rep.Unlisted > 0:
			fmt.Fprintf(w, "(%s of the distinct snapshots are not listed: %s.)\n", thousands(int64(rep.Unlisted)), rep.Stopped)
		case rep.Stopped != "":
			fmt.Fprintf(w, "(The search also stopped early: %s.)\n", rep.Stopped)
		}
	default:
		if rep.Unlisted > 0 {
			fmt.Fprintf(w, "Verdict: incomplete — %s; the search found no violation in the %s states, but %s of the distinct snapshots are not listed.\n", rep.Stopped, thousands(rep.States), thousands(int64(rep.Unlisted)))
			break
		}
		fmt.Fprintf(w, "Verdict: incomplete — %s; no violation in the %s states explored, but the space was not exhausted.\n", rep.Stopped, thousands(rep.States))
	}
}

func nameOr(s string) string {
	if s == "" {
		return "(unnamed)"
	}
	return s
}

func thousands(n int64) string {
	if n < 0 {
		return "-" + thousands(-n)
	}
	return bigThousands(fmt.Sprint(n))
}

func bigThousands(s string) string {
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// writeTraces writes one counterexample trace per violation of a check
// into dir, with stable names (after name: filesName), and records their
// paths in the report.
func writeTraces(sys *model.System, rep *properties.Report, dir, name string) error {
	vs := make([]*properties.Violation, len(rep.Violations))
	for i := range rep.Violations {
		vs[i] = &rep.Violations[i]
	}
	return writeViolationTraces(sys, vs, dir, safeName(name)+"-", nil)
}

// writeViolationTraces writes one trace file per violation into dir, named
// prefix + property (+ "-N" for the N-th of a property), with the seed if
// any, and records each path in its violation. Each file is written whole
// or not at all.
func writeViolationTraces(sys *model.System, vs []*properties.Violation, dir, prefix string, seed *int64) error {
	if len(vs) == 0 {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	seen := map[string]int{}
	for _, v := range vs {
		tr, err := counterexamples.FromViolation(sys, *v)
		if err != nil {
			return err
		}
		tr.Seed = seed
		base := prefix + safeName(v.Property)
		seen[base]++
		if n := seen[base]; n > 1 {
			base += fmt.Sprintf("-%d", n)
		}
		path := filepath.Join(dir, base+".trace.json")
		if err := tr.WriteFile(path); err != nil {
			return err
		}
		v.Trace = path
	}
	return nil
}

// filesName is what the files a run writes are named after: the
// configuration's name, or else its file's name less ".json" (so that two
// unnamed configurations in one folder do not write the same files), or
// else "config".
func filesName(name, path string) string {
	if name != "" {
		return name
	}
	if stem := strings.TrimSuffix(filepath.Base(path), ".json"); stem != "" && stem != "." && stem != string(filepath.Separator) {
		return stem
	}
	return "config"
}

// safeName is s for a file name: letters, digits, '-', '_' and '.' are
// kept, any other byte becomes '_', and a name longer than maxNameBytes
// keeps its first bytes and ends with a hash of the whole (so that file
// names stay within what file systems allow, and long names that differ
// give different files).
func safeName(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if len(b) > maxNameBytes {
		h := fnv.New32a()
		h.Write([]byte(s))
		b = fmt.Appendf(b[:maxNameBytes-9], "-%08x", h.Sum32())
	}
	return string(b)
}

// maxMemoryMB is the largest --max-memory: its bytes fit an int64.
const maxMemoryMB = math.MaxInt64 >> 20

// maxNameBytes bounds each part (configuration name, snapshot id) of a
// file name that snapcheck makes.
const maxNameBytes = 64

// defaultMaxMemoryMB is three quarters of the machine's memory, or 0 (no
// limit) when it cannot be read.
func defaultMaxMemoryMB() int64 {
	data, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		var kb int64
		if _, err := fmt.Sscanf(line, "MemTotal: %d kB", &kb); err == nil {
			return kb / 1024 * 3 / 4
		}
	}
	return 0
}
