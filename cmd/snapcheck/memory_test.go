package main

import (
	"errors"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"syscall"
	"testing"
)

// mainEnv makes the test binary run snapcheck's main instead of the tests
// (TestMain), so that a test can run snapcheck as a process of its own.
const mainEnv = "SNAPCHECK_TEST_RUN_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(mainEnv) == "1" {
		main()
	}
	os.Exit(m.Run())
}

// TestMaxMemoryPeak: a search stopped by --max-memory stops in time: the
// process's peak resident memory, as the kernel counts it, stays within
// the limit (the limit is checked before each round, from a guess of what
// the round will add).
func TestMaxMemoryPeak(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("peak resident memory from the kernel's rusage (Linux)")
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
	for _, c := range runs {
		cmd := exec.Command(os.Args[0], "check", "--quiet", "--list", "0", "--out", t.TempDir(),
			"--max-memory", strconv.Itoa(c.mb), c.file)
		cmd.Env = append(os.Environ(), mainEnv+"=1")
		out, err := cmd.CombinedOutput()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 3 {
			t.Fatalf("%s --max-memory %d: %v, want exit 3\n%s", c.file, c.mb, err, out)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Skip("no rusage")
		}
		peak := ru.Maxrss << 10 // kilobytes on Linux
		t.Logf("%s --max-memory %d: peak %.1f MiB", c.file, c.mb, float64(peak)/(1<<20))
		if peak > int64(c.mb)<<20 {
			t.Errorf("%s --max-memory %d: peak resident memory %.1f MiB is above the limit", c.file, c.mb, float64(peak)/(1<<20))
		}
	}
}
