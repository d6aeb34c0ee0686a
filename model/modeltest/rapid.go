package modeltest

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

// Failure is what FindFailure saw rapid report.
type Failure struct {
	// Found is true when rapid found a failing case.
	Found bool
	// Passed is how many cases passed before the first failing one.
	Passed int
	// Report is rapid's failure report; Log the log of the minimised
	// failing case (its labelled draws and what the property logged).
	Report string
	Log    []string
}

// FindFailure runs rapid.Check on prop, which is expected to fail, and
// returns what rapid found instead of failing t: so a test can assert
// that a property is falsified (for example that the checker finds a
// broken variant's bug) and look at the shrunk case.
//
// It is deterministic: unless -rapid.seed was given, rapid starts from
// seed (rapid tries seed, seed+1, seed+3, … in turn, up to -rapid.checks
// cases, then shrinks deterministically). It writes no fail file. It sets
// rapid's command-line flags for the duration of the call, so it must not
// run in parallel with other rapid checks of the same test binary.
func FindFailure(t *testing.T, seed uint64, prop func(*rapid.T)) Failure {
	t.Helper()
	restore := setFlags(t, map[string]string{"rapid.seed": fmt.Sprint(seed), "rapid.nofailfile": "true"})
	defer restore()
	r := &recorder{name: t.Name() + "/expected-failure"}
	rapid.Check(r, prop)
	f := Failure{Found: r.failed, Report: strings.Join(r.errors, "\n"), Log: r.logs}
	if i := strings.Index(f.Report, "failed after "); i >= 0 {
		fmt.Sscanf(f.Report[i:], "failed after %d tests", &f.Passed)
	}
	return f
}

// setFlags sets rapid's flags (a flag already given a non-default value
// on the command line is kept) and returns a function that restores them.
func setFlags(t *testing.T, values map[string]string) func() {
	t.Helper()
	var undo []func()
	for name, v := range values {
		fl := flag.Lookup(name)
		if fl == nil {
			t.Fatalf("rapid flag -%s is not registered", name)
		}
		old := fl.Value.String()
		if name == "rapid.seed" && old != fl.DefValue {
			continue // the user's -rapid.seed wins
		}
		if err := fl.Value.Set(v); err != nil {
			t.Fatalf("set -%s: %v", name, err)
		}
		undo = append(undo, func() { _ = fl.Value.Set(old) })
	}
	return func() {
		for _, u := range undo {
			u()
		}
	}
}

// recorder is a rapid.TB that records failures instead of failing.
type recorder struct {
	name   string
	failed bool
	errors []string
	logs   []string
}

func (r *recorder) Helper()                      {}
func (r *recorder) Name() string                 { return r.name }
func (r *recorder) Logf(format string, a ...any) { r.logs = append(r.logs, fmt.Sprintf(format, a...)) }
func (r *recorder) Log(a ...any)                 { r.logs = append(r.logs, fmt.Sprint(a...)) }
func (r *recorder) Skipf(format string, a ...any) {
	r.logs = append(r.logs, "skip: "+fmt.Sprintf(format, a...))
}
func (r *recorder) Skip(a ...any) { r.logs = append(r.logs, "skip: "+fmt.Sprint(a...)) }
func (r *recorder) SkipNow()      {}
func (r *recorder) Errorf(format string, a ...any) {
	r.failed = true
	r.errors = append(r.errors, fmt.Sprintf(format, a...))
}
func (r *recorder) Error(a ...any) { r.Errorf("%s", fmt.Sprint(a...)) }
func (r *recorder) Fatalf(format string, a ...any) {
	r.Errorf(format, a...)
}
func (r *recorder) Fatal(a ...any) { r.Error(a...) }
func (r *recorder) FailNow()       { r.failed = true }
func (r *recorder) Fail()          { r.failed = true }
func (r *recorder) Failed() bool   { return r.failed }

var testFunc = regexp.MustCompile(`(?m)^func (Test\w+)\(`)

// CheckFailFiles fails t for every rapid fail file under the package's
// testdata/rapid that no test of the package replays. rapid.Check replays
// testdata/rapid/<Test>/<Test>-*.fail before its random cases (so `make
// test` keeps replaying a failure until it is fixed), but only while a test
// of that name exists: a renamed test would silently drop its fail files.
// It returns the number of fail files found.
func CheckFailFiles(t *testing.T) int {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "rapid", "*", "*.fail"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		return 0
	}
	sources, err := filepath.Glob("*_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var tests []string
	for _, src := range sources {
		b, err := os.ReadFile(src)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range testFunc.FindAllSubmatch(b, -1) {
			tests = append(tests, string(m[1]))
		}
	}
	for _, f := range files {
		dir := filepath.Base(filepath.Dir(f))
		found := false
		for _, name := range tests {
			if dir == name || strings.HasPrefix(dir, name+"_") {
				found = found || strings.HasPrefix(filepath.Base(f), dir+"-")
			}
		}
		if !found {
			t.Errorf("%s: no test of this package replays this rapid fail file (test renamed or removed?)", f)
		}
	}
	return len(files)
}
