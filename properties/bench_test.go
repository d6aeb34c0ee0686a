package properties_test

import (
	"bufio"
	"context"
	"maps"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// benchDir holds the benchmark configurations, one JSON file each
// (examples/bench/README.md says what each one is).
const benchDir = "../examples/bench"

// benchAllEnv, set to 1, also runs the configurations in heavyBench when
// partial-order reduction is off.
const benchAllEnv = "SNAPCHECK_BENCH_ALL"

// heavyBench are the configurations too big for the suite without
// partial-order reduction (SNAPCHECK_BENCH_POR=0): any4n_ms1 then has
// more than the 124,696,807 states an earlier, weaker reduction kept in
// 13 GB (the any3n_ms2 banks take tens of seconds and gigabytes too). With
// reduction, the default, none is.
var heavyBench = map[string]bool{
	"any4n_ms1": true,
}

// benchOptions are the options every benchmark checks with: an exhaustive
// search with the default strategy and store. Engine options (workers,
// reduction, store mode) belong here, in one place.
//
// The environment chooses the engine: SNAPCHECK_BENCH_POR=0 turns
// partial-order reduction off (default on), SNAPCHECK_BENCH_WORKERS=N sets
// the workers (default the number of CPUs), SNAPCHECK_BENCH_STORE=fingerprint
// the fingerprint store (default exact), SNAPCHECK_BENCH_SYMMETRY=1 symmetry
// reduction (default off).
func benchOptions() properties.Options {
	o := properties.Options{Reduce: os.Getenv("SNAPCHECK_BENCH_POR") != "0", Symmetry: os.Getenv("SNAPCHECK_BENCH_SYMMETRY") == "1"}
	o.Explore.Workers = runtime.NumCPU()
	if w, err := strconv.Atoi(os.Getenv("SNAPCHECK_BENCH_WORKERS")); err == nil && w > 0 {
		o.Explore.Workers = w
	}
	o.Explore.Fingerprints = os.Getenv("SNAPCHECK_BENCH_STORE") == "fingerprint"
	return o
}

// benchConfigs lists the configuration files of benchDir, sorted by name.
func benchConfigs(tb testing.TB) []string {
	tb.Helper()
	files, err := filepath.Glob(filepath.Join(benchDir, "*.json"))
	if err != nil {
		tb.Fatalf("listing %s: %v", benchDir, err)
	}
	if len(files) == 0 {
		tb.Fatalf("no benchmark configurations in %s", benchDir)
	}
	return files // Glob sorts its matches
}

func configName(path string) string {
	return strings.TrimSuffix(filepath.Base(path), ".json")
}

// TestBenchConfigs checks that every benchmark configuration loads and
// that its "name" field is its file name, so that benchmark lines, SPIN's
// results and the README's table all use the same names.
func TestBenchConfigs(t *testing.T) {
	for _, path := range benchConfigs(t) {
		t.Run(configName(path), func(t *testing.T) {
			sys, err := algorithms.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			if got, want := sys.Config.Name, configName(path); got != want {
				t.Errorf("%s: name is %q, want the file name %q", path, got, want)
			}
		})
	}
	for _, name := range slices.Sorted(maps.Keys(heavyBench)) {
		if _, err := os.Stat(filepath.Join(benchDir, name+".json")); err != nil {
			t.Errorf("heavy configuration %s: %v", name, err)
		}
	}
}

// BenchmarkCheck checks each configuration of benchDir exhaustively and
// reports its figures: states, transitions, their rates over the search's
// own elapsed time, the store's bytes per state, the Go heap's peak bytes
// per state, and the process's peak resident memory (VmHWM, which is per
// process: run one configuration per process for a figure per
// configuration, as `make bench` does; otherwise it is the peak so far).
func BenchmarkCheck(b *testing.B) {
	eachBenchConfig(b, func(b *testing.B, name string, sys *model.System) {
		var rep *properties.Report
		var err error
		var heap uint64
		for range b.N {
			b.StopTimer()
			runtime.GC() // so that the heap's peak is this check's
			b.StartTimer()
			stop := sampleHeap()
			rep, err = properties.Check(context.Background(), sys, benchOptions())
			heap = stop()
			if err != nil {
				b.Fatal(err)
			}
			if rep.Verdict != properties.OK {
				b.Fatalf("%s: verdict %s (stopped: %q), want ok: the benchmark must exhaust the space", name, rep.Verdict, rep.Stopped)
			}
		}
		states := float64(rep.States)
		b.ReportMetric(states, "states")
		b.ReportMetric(float64(rep.Transitions), "transitions")
		if s := rep.ElapsedSeconds; s > 0 {
			b.ReportMetric(states/s, "states/s")
			b.ReportMetric(float64(rep.Transitions)/s, "transitions/s")
		}
		if states > 0 {
			b.ReportMetric(float64(rep.StoreBytes)/states, "store-B/state")
			b.ReportMetric(float64(heap)/states, "heap-B/state")
		}
		if kb, ok := peakRSSKB(); ok {
			b.ReportMetric(float64(kb)/1024, "peak-RSS-MB")
		}
	})
}

// eachBenchConfig runs f as a sub-benchmark on every configuration of
// benchDir (by name), but the heavy ones unless they are asked for.
func eachBenchConfig(b *testing.B, f func(b *testing.B, name string, sys *model.System)) {
	all := os.Getenv(benchAllEnv) == "1"
	for _, path := range benchConfigs(b) {
		name := configName(path)
		b.Run(name, func(b *testing.B) {
			if heavyBench[name] && !all && !benchOptions().Reduce {
				b.Skipf("heavy configuration; set %s=1 to run it", benchAllEnv)
			}
			sys, err := algorithms.Load(path)
			if err != nil {
				b.Fatal(err)
			}
			f(b, name, sys)
		})
	}
}

// BenchmarkPostSearch measures what Check does after the search (see
// properties.PostSearch): the search runs once per configuration, outside
// the timer.
func BenchmarkPostSearch(b *testing.B) {
	eachBenchConfig(b, func(b *testing.B, _ string, sys *model.System) {
		post, err := properties.PostSearch(context.Background(), sys, benchOptions())
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		var rep *properties.Report
		for range b.N {
			if rep, err = post(context.Background()); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(rep.Snapshots)), "snapshots")
	})
}

// sampleHeap samples the Go heap in use until the returned function is
// called; that function returns the highest figure seen.
func sampleHeap() (stop func() uint64) {
	// Only the sampling goroutine touches peak until finished is closed.
	var (
		peak uint64
		ms   runtime.MemStats
	)
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapInuse)
	}
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-tick.C:
				sample()
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		sample()
		return peak
	}
}

// peakRSSKB reads the process's peak resident set size (VmHWM, in kB) from
// /proc/self/status; ok is false where there is no such file.
func peakRSSKB() (kb int64, ok bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, found := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !found {
			continue
		}
		fields := strings.Fields(rest)
		if len(fields) == 0 {
			return 0, false
		}
		n, err := strconv.ParseInt(fields[0], 10, 64)
		return n, err == nil
	}
	return 0, false
}
