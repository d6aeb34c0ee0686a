package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
)

// mainEnv makes the test binary run snapcheck (run) instead of the tests
// (TestMain), so that a test can run snapcheck as a process of its own;
// peakEnv names a file where that process then writes its peak resident
// memory (VmHWM, in kB: the kernel's rusage of a child would count the
// test binary's own memory, which the child shares until it execs).
const (
	mainEnv = "SNAPCHECK_TEST_RUN_MAIN"
	peakEnv = "SNAPCHECK_TEST_PEAK_FILE"
)

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		code := run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)
		if path := os.Getenv(peakEnv); path != "" {
			status, err := os.ReadFile("/proc/self/status")
			if err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(125)
			}
			for line := range strings.SplitSeq(string(status), "\n") {
				if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
					_ = os.WriteFile(path, []byte(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB"))), 0o644)
				}
			}
		}
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestMaxMemoryPeak: a search stopped by --max-memory stops in time: the
// process's peak resident memory, as the kernel counts it, stays within
// the limit (the limit is checked at each level, every 2,048 states
// settled and every 64th of the limit their successors take, from a guess
// of what the next ones will add).
func TestMaxMemoryPeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak resident memory from /proc/self/status (Linux)")
	}
	type run struct {
		file string
		mb   int
	}
	var runs []run
	// Limits every 5 MB: where a round crosses a limit moves with the
	// machine and the binary, so a sweep finds the rounds that nearly fit.
	for mb := 30; mb <= 130; mb += 5 {
		runs = append(runs, run{"../../examples/bench/any3n_ms2_a1.json", mb}, run{"../../examples/bench/any3n_ms2_b2.json", mb})
	}
	// 16 nodes, every pair linked: states of some 600 bytes, about 700
	// successors each, so 64 states' successors take some 27 MB. Before
	// segments had fewer states then, the workers' buffers took their
	// memory from what the limit leaves (search.room) and large successors
	// brought the next look forward (lookBytes), --max-memory 100 peaked at
	// 146-178 MiB.
	for mb := 40; mb <= 250; mb += 30 {
		runs = append(runs, run{"testdata/memory/wide16.json", mb})
	}
	stopped := 0
	for _, c := range runs {
		dir := t.TempDir()
		peakFile := filepath.Join(dir, "peak")
		cmd := exec.Command(os.Args[0], "check", "--quiet", "--list", "0", "--out", dir,
			"--max-memory", strconv.Itoa(c.mb), c.file)
		cmd.Env = append(os.Environ(), mainEnv+"=1", peakEnv+"="+peakFile)
		out, err := cmd.CombinedOutput()
		// A run whose whole search fits may end (exit 0); it too must
		// stay within the limit.
		var exit *exec.ExitError
		switch {
		case err == nil:
		case errors.As(err, &exit) && exit.ExitCode() == 3:
			stopped++
		default:
			t.Fatalf("%s --max-memory %d: %v, want exit 3 (or 0)\n%s", c.file, c.mb, err, out)
		}
		kb, err := os.ReadFile(peakFile)
		if err != nil {
			t.Fatal(err)
		}
		n, err := strconv.ParseInt(string(kb), 10, 64)
		if err != nil {
			t.Fatalf("VmHWM %q: %v", kb, err)
		}
		peak := n << 10
		t.Logf("%s --max-memory %d: peak %.1f MiB", c.file, c.mb, float64(peak)/(1<<20))
		if peak > int64(c.mb)<<20 {
			t.Errorf("%s --max-memory %d: peak resident memory %.1f MiB is above the limit", c.file, c.mb, float64(peak)/(1<<20))
		}
	}
	// any3n_ms2_b2 needs some 700 MB: all its runs stop.
	if stopped < len(runs)/2 {
		t.Errorf("only %d of %d runs stopped at the memory limit", stopped, len(runs))
	}
}
