package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/counterexamples"
	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/properties"
)

// witnessOpts are check's options for the reordering witnesses (SPEC
// §2.5, §2.6).
type witnessOpts struct {
	witnessSample int
	witnessDir    string
}

func witnessFlags(fs *pflag.FlagSet, o *witnessOpts) {
	fs.IntVar(&o.witnessSample, "witness-sample", 3, "per distinct snapshot, check this many executions that record it constructively (reordering witness, actual or only feasible)")
	fs.StringVar(&o.witnessDir, "witnesses", "", "write, for each distinct recorded snapshot that some kept execution records correctly (and violates no other property), one such execution as a witness trace file into this folder")
}

// printWitnessCounts prints, under a snapshot, how many of the executions
// examined actually passed through it and how many only could have.
func printWitnessCounts(w io.Writer, s properties.Snapshot) {
	c := s.Witnesses
	if c == nil || c.Examined == 0 {
		return
	}
	fmt.Fprintf(w, "         witnesses (the first %s this search kept): %s actual, %s only feasible", executions(c.Examined), thousands(int64(c.Actual)), thousands(int64(c.FeasibleOnly)))
	if c.Infeasible > 0 {
		fmt.Fprintf(w, ", %s not feasible (a violation)", thousands(int64(c.Infeasible)))
	}
	if s.WitnessTrace != "" {
		fmt.Fprintf(w, "; trace %s", s.WitnessTrace)
	}
	fmt.Fprintln(w)
}

// writeWitnesses writes into dir (when not empty), for each distinct
// recorded snapshot, the first kept execution that records it correctly,
// as a trace of kind "witness" named <name>-<snapshot>-<NNN>.trace.json
// (name: filesName),
// NNN numbering the distinct values of that snapshot in report order (of
// the snapshots whose ids give the same name, when ids differ only in
// characters that file names do not keep: see safeName). A
// value that no kept execution records correctly (a violation of the
// broken variants) gets no witness: its counterexample is in --out.
func writeWitnesses(sys *model.System, rep *properties.Report, dir, name string) error {
	if dir == "" {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("--witnesses: %w", err)
	}
	t := &sys.Topo
	seen := map[string]int{}
	for i := range rep.Snapshots {
		sn := &rep.Snapshots[i]
		evs, err := correctExecution(sys, sn)
		if err != nil {
			return err
		}
		if evs == nil {
			continue
		}
		tr, err := counterexamples.New(sys, counterexamples.KindWitness, evs)
		if err != nil {
			return fmt.Errorf("witness of %s (%s): %w", sn.ID, sn.Format(t), err)
		}
		tr.Snapshot = sn.ID
		v := sn.SnapshotValue
		tr.Recorded = &v
		// Ids that differ may make the same name ("s 1", "s_1"): they
		// share the numbering.
		stem := safeName(name) + "-" + safeName(sn.ID)
		seen[stem]++
		path := filepath.Join(dir, fmt.Sprintf("%s-%03d.trace.json", stem, seen[stem]))
		if err := tr.WriteFile(path); err != nil {
			return fmt.Errorf("--witnesses: %w", err)
		}
		sn.WitnessTrace = path
	}
	return nil
}

// correctExecution returns the first kept execution of sn that is correct
// as replay judges it: no property violated in it (a kept execution ends
// where sn completes: every snapshot completed by then passes every
// property, and termination is judged only if it ended there), and sn's
// snapshot has a reordering witness. It returns nil if there is none.
func correctExecution(sys *model.System, sn *properties.Snapshot) ([]model.Event, error) {
	s := sys.Topo.SnapshotIndex(sn.ID)
	for _, evs := range sn.Executions {
		x, err := properties.Replay(sys, evs)
		if err != nil {
			return nil, fmt.Errorf("witness of %s: %w", sn.ID, err)
		}
		ok := len(x.CheckTermination()) == 0 && x.Witness(s).Feasible
		for other := range sys.Topo.Snapshots {
			ok = ok && len(x.Check(other)) == 0
		}
		if ok {
			return evs, nil
		}
	}
	return nil, nil
}

// printFeasibility prints, under a violation, why its snapshot has no
// reordering witness (SPEC §2.5).
func printFeasibility(w io.Writer, v properties.Violation) {
	if v.Feasibility != "" {
		fmt.Fprintf(w, "  %s\n", v.Feasibility)
	}
}

// printWitnessSummary prints the witness counts over every distinct
// snapshot.
func printWitnessSummary(w io.Writer, rep *properties.Report) {
	var c properties.WitnessCounts
	for _, s := range rep.Snapshots {
		if s.Witnesses != nil {
			c.Examined += s.Witnesses.Examined
			c.Actual += s.Witnesses.Actual
			c.FeasibleOnly += s.Witnesses.FeasibleOnly
			c.Infeasible += s.Witnesses.Infeasible
		}
	}
	if c.Examined == 0 {
		return
	}
	fmt.Fprintf(w, "Reordering witnesses (SPEC §2.5) of a sample of %s (the first this search kept per snapshot; the sample depends on strategy and reduction): the recorded state actually occurred in %s, was only feasible in %s", executions(c.Examined), thousands(int64(c.Actual)), thousands(int64(c.FeasibleOnly)))
	if c.Infeasible > 0 {
		fmt.Fprintf(w, ", and has no witness in %s (violations)", thousands(int64(c.Infeasible)))
	}
	fmt.Fprintln(w, ".")
}

// executions is "1 execution" or "N executions".
func executions(n int) string {
	if n == 1 {
		return "1 execution"
	}
	return thousands(int64(n)) + " executions"
}
