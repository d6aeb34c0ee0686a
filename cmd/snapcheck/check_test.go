package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/snapcheck/snapcheck/properties"
)

// cli runs the command line in-process and returns its exit code and
// outputs.
func cli(args ...string) (code int, stdout, stderr string) {
	var o, e bytes.Buffer
	code = run(context.Background(), args, &o, &e)
	return code, o.String(), e.String()
}

// lecture is the path of the lecture's bank from this package.
var lecture = filepath.Join("..", "..", "examples", "lecture.json")

// TestCheckBadConfig runs check on every file of testdata/bad: each must
// exit 2 with one line on stderr naming the file, the field and the
// reason, and print nothing on stdout.
func TestCheckBadConfig(t *testing.T) {
	cases := map[string][]string{
		"malformed-json":             {"invalid JSON at line 3, column 39"},
		"unknown-field":              {"colour: unknown field"},
		"unknown-nested-field":       {"nodes[0].colour: unknown field"},
		"unknown-node-channel":       {`channels[3][1]: unknown node "9"`},
		"unknown-node-in-flight":     {`in_flight[0].from: unknown node "7"`},
		"unknown-node-script":        {`workload.script.4: unknown node "4"`},
		"unknown-node-initiator":     {`snapshots[0].initiators[0]: unknown node "5"`},
		"duplicate-node-id":          {`nodes[2].id: duplicate id "2"`},
		"duplicate-snapshot-id":      {`snapshots[1].id: duplicate id "s1"`},
		"negative-balance":           {"nodes[0].balance: must be ≥ 0, got -5"},
		"negative-amount":            {"in_flight[0].amount: must be ≥ 1, got -10"},
		"zero-amount-script":         {"workload.script.1[0].amount: must be ≥ 1, got 0"},
		"zero-amount-any":            {"workload.any.amounts[0]: must be ≥ 1, got 0"},
		"channel-to-self":            {`channels[2]: channel from node "3" to itself`},
		"duplicate-channel":          {"channels[3]: duplicate channel 1->2"},
		"unreachable-node":           {`snapshots[0]: snapshot "s1" cannot complete: node "3" is unreachable`},
		"unknown-algorithm":          {`algorithm: unknown algorithm "chandy-lampart"`, "chandy-lamport"},
		"snapshot-without-initiator": {`snapshots[0].initiators: snapshot "s1" has no initiator`},
		"script-missing-channel":     {"workload.script.1[0].to: no channel 1->3"},
		"initiate-non-initiator":     {`workload.script.2[0].initiate: node "2" is not an initiator of snapshot "s1"`},
		"initiate-unknown-snapshot":  {`workload.script.1[0].initiate: unknown snapshot "s2"`},
		"total-money":                {"nodes: the bank's total money", "2147483657", "2^31"},
		"wrong-type":                 {`nodes[0].balance: must be an integer, got string "5"`},
		"both-workloads":             {"workload: must be either", "not both"},
		"empty-nodes":                {"nodes: a bank needs at least one node"},
		"missing-snapshots":          {"snapshots: missing"},
		"duplicate-field":            {"nodes[1].balance: duplicate field (line 3): an object holds it twice"},
		"name-line-break":            {`name: must not hold control characters (such as a line break), got "a\nb"`},
		"odd-key":                    {`"work\nload": unknown field`},
	}
	files, err := filepath.Glob(filepath.Join("testdata", "bad", "*.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(cases) {
		t.Errorf("%d files in testdata/bad, %d cases: keep them in step", len(files), len(cases))
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".json")
		t.Run(name, func(t *testing.T) {
			want, ok := cases[name]
			if !ok {
				t.Fatalf("no expected error for %s", f)
			}
			out := t.TempDir()
			code, stdout, stderr := cli("check", "--out", out, f)
			if code != exitBadInput {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout not empty:\n%s", stdout)
			}
			if strings.Count(stderr, "\n") != 1 || !strings.HasSuffix(stderr, "\n") {
				t.Errorf("stderr is not exactly one line:\n%s", stderr)
			}
			if !strings.HasPrefix(stderr, "snapcheck check: ") || !strings.Contains(stderr, f) {
				t.Errorf("stderr %q does not name the command and the file %s", stderr, f)
			}
			for _, w := range want {
				if !strings.Contains(stderr, w) {
					t.Errorf("stderr %q does not contain %q", stderr, w)
				}
			}
			if strings.Contains(stderr, "panic") {
				t.Errorf("stderr mentions a panic: %s", stderr)
			}
			if entries, _ := os.ReadDir(out); len(entries) != 0 {
				t.Errorf("bad input wrote %d files into --out", len(entries))
			}
			// The same with --json: nothing on stdout, the same line.
			code2, stdout2, stderr2 := cli("check", "--json", "--out", out, f)
			if code2 != code || stdout2 != "" || stderr2 != stderr {
				t.Errorf("--json: exit %d, stdout %q, stderr %q; want %d, nothing, %q", code2, stdout2, stderr2, code, stderr)
			}
		})
	}
}

// TestCheckMissingFile: a file that does not exist is bad input too.
func TestCheckMissingFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "nope.json")
	code, stdout, stderr := cli("check", path)
	if code != exitBadInput || stdout != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, path) {
		t.Errorf("exit %d, stdout %q, stderr %q: want 2, nothing, one line naming %s", code, stdout, stderr, path)
	}
}

// TestCheckEndlessFile: a configuration file without end is refused
// once it passes the size bound, not read until memory runs out.
func TestCheckEndlessFile(t *testing.T) {
	if _, err := os.Stat("/dev/zero"); err != nil {
		t.Skip("no /dev/zero")
	}
	code, stdout, stderr := cli("check", "/dev/zero")
	if code != exitBadInput || stdout != "" || stderr != "snapcheck check: config /dev/zero: larger than 67108864 bytes\n" {
		t.Errorf("exit %d, stdout %q, stderr %q", code, stdout, stderr)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string // in stderr
	}{
		{"no command", nil, "Usage:"},
		{"unknown command", []string{"frobnicate"}, `unknown command "frobnicate"`},
		{"help for an unknown command", []string{"help", "frobnicate"}, `snapcheck help: unknown command "frobnicate"`},
		{"unknown flag", []string{"check", "--frobnicate", lecture}, "unknown flag: --frobnicate"},
		{"unknown shorthand", []string{"check", "-z", lecture}, "unknown shorthand flag: 'z'"},
		{"missing argument", []string{"check"}, "expected 1 argument (CONFIG), got 0"},
		{"two arguments", []string{"check", lecture, lecture}, "expected 1 argument (CONFIG), got 2"},
		{"bad strategy", []string{"check", "--strategy", "random", lecture}, `--strategy: must be bfs or dfs, got "random"`},
		{"flag without value", []string{"check", lecture, "--max-states"}, "flag needs an argument: --max-states"},
		{"bad integer", []string{"check", "--max-states", "many", lecture}, `invalid argument "many" for "--max-states"`},
		{"bad duration", []string{"check", "--time-limit", "soon", lecture}, `invalid argument "soon" for "--time-limit"`},
		{"negative limit", []string{"check", "--max-depth", "-1", lecture}, "must not be negative"},
		{"negative memory", []string{"check", "--max-memory", "-1", lecture}, "--max-memory: must be from 0 to 8796093022207 (MB), got -1"},
		// 2^44 MB would wrap around to 0 bytes (no limit) once made bytes.
		{"memory beyond int64", []string{"check", "--max-memory", "17592186044416", lecture}, "--max-memory: must be from 0 to 8796093022207 (MB), got 17592186044416"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(tc.args...)
			if code != exitBadInput {
				t.Errorf("exit %d, want 2", code)
			}
			if stdout != "" {
				t.Errorf("stdout not empty:\n%s", stdout)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not contain %q", stderr, tc.want)
			}
		})
	}
}

func TestHelpGolden(t *testing.T) {
	for _, tc := range []struct {
		golden string
		args   []string
	}{
		{"help/snapcheck.golden", []string{"--help"}},
		{"help/snapcheck.golden", []string{"-h"}},
		{"help/snapcheck.golden", []string{"help"}},
		{"help/check.golden", []string{"check", "--help"}},
		{"help/check.golden", []string{"check", "-h"}},
		{"help/check.golden", []string{"check", "--json", "--help", lecture}},
		{"help/check.golden", []string{"help", "check"}},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := cli(tc.args...)
			if code != exitOK {
				t.Errorf("exit %d, want 0", code)
			}
			if stderr != "" {
				t.Errorf("stderr not empty: %q", stderr)
			}
			goldenHelp(t, tc.golden, stdout)
		})
	}
	// Every flag of check is explained.
	_, help, _ := cli("check", "--help")
	fs, _ := checkFlags()
	fs.VisitAll(func(f *pflag.Flag) {
		if !strings.Contains(help, "--"+f.Name+" ") && !strings.Contains(help, "--"+f.Name+"[") {
			t.Errorf("check --help does not explain --%s", f.Name)
		}
	})
}

// goldenHelp compares a help text with its golden file. Two defaults of
// check depend on the machine (--workers: its CPUs, --max-memory: its
// memory), and pflag wraps the text around them; so when the text is not
// identical, it is compared again with those two numbers masked and white
// space collapsed.
func goldenHelp(t *testing.T, name, got string) {
	t.Helper()
	if *update {
		goldenFile(t, name, got)
		return
	}
	want, err := os.ReadFile(filepath.Join("testdata", filepath.FromSlash(name)))
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/snapcheck -update to create it)", err)
	}
	if got == string(want) {
		return
	}
	if normHelp(got) != normHelp(string(want)) {
		goldenFile(t, name, got) // reports the difference
	}
}

var (
	machineDefault = regexp.MustCompile(`(?s)(--(?:workers|max-memory) int\s.*?)\(default\s+\d+\)`)
	helpSpace      = regexp.MustCompile(`\s+`)
)

func normHelp(s string) string {
	return helpSpace.ReplaceAllString(machineDefault.ReplaceAllString(s, "${1}(default N)"), " ")
}

// snapshotLine is a snapshot as check prints it: "s1   1:$5 2:$5 3:$2 |
// 2->1:[10] 3->2:[8]  (total $30)".
var snapshotLine = regexp.MustCompile(`^  (\S+)\s+(\S+:\$\d+(?: \S+:\$\d+)*(?: \| \S+:\[[\d,]*\](?: \S+:\[[\d,]*\])*)?)  \(total \$(\d+)\)$`)

var amountRE = regexp.MustCompile(`\$(\d+)|\[([\d,]*)\]`)

// sumAmounts adds the balances and channel amounts of a rendered snapshot.
func sumAmounts(t *testing.T, value string) int64 {
	t.Helper()
	var sum int64
	for _, m := range amountRE.FindAllStringSubmatch(value, -1) {
		var nums []string
		if m[1] != "" {
			nums = []string{m[1]}
		} else if m[2] != "" {
			nums = strings.Split(m[2], ",")
		}
		for _, n := range nums {
			x, err := strconv.ParseInt(n, 10, 64)
			if err != nil {
				t.Fatalf("bad amount %q in %q", n, value)
			}
			sum += x
		}
	}
	return sum
}

// TestCheckLecture is issue 2's first "how we will know": the lecture's
// bank holds, lists the lecture's snapshot, and every listed snapshot
// conserves the bank's $30.
func TestCheckLecture(t *testing.T) {
	code, stdout, stderr := cli("check", "--quiet", "--out", t.TempDir(), lecture)
	if code != exitOK {
		t.Fatalf("exit %d, want 0\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if stderr != "" {
		t.Errorf("--quiet, yet stderr: %q", stderr)
	}
	if !strings.Contains(stdout, "Verdict: ok") {
		t.Errorf("no ok verdict:\n%s", stdout)
	}
	const want = "1:$5 2:$5 3:$2 | 2->1:[10] 3->2:[8]"
	var listed []string
	for _, line := range strings.Split(stdout, "\n") {
		m := snapshotLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		listed = append(listed, m[2])
		if m[1] != "s1" {
			t.Errorf("snapshot id %q, want s1: %s", m[1], line)
		}
		if got := sumAmounts(t, m[2]); got != 30 {
			t.Errorf("snapshot %s sums to $%d, want $30", m[2], got)
		}
		if m[3] != "30" {
			t.Errorf("snapshot %s prints total $%s, want $30", m[2], m[3])
		}
	}
	if !containsString(listed, want) {
		t.Errorf("the lecture's snapshot %q is not listed among %d:\n%s", want, len(listed), stdout)
	}
	if m := regexp.MustCompile(`Distinct recorded snapshots: ([\d,]+)`).FindStringSubmatch(stdout); m == nil || m[1] != strconv.Itoa(len(listed)) {
		t.Errorf("the count of distinct snapshots does not match the %d listed:\n%s", len(listed), stdout)
	}
	for _, fig := range []string{"states", "transitions", "executions", "depth", "time"} {
		if !regexp.MustCompile(`(?m)^  ` + fig + ` +\S`).MatchString(stdout) {
			t.Errorf("no %s figure:\n%s", fig, stdout)
		}
	}
}

func containsString(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// checkJSON runs check --json and decodes the report with exact numbers;
// wantCode -1 accepts any exit code but 2.
func checkJSON(t *testing.T, wantCode int, args ...string) map[string]any {
	t.Helper()
	code, stdout, stderr := cli(append([]string{"check", "--json", "--quiet"}, args...)...)
	if code != wantCode && (wantCode != -1 || code == exitBadInput) {
		t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, wantCode, stdout, stderr)
	}
	dec := json.NewDecoder(strings.NewReader(stdout))
	dec.UseNumber()
	var rep map[string]any
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("--json output does not parse: %v\n%s", err, stdout)
	}
	if dec.More() {
		t.Fatalf("--json printed more than one document:\n%s", stdout)
	}
	return rep
}

// snapshotValue is a report snapshot's value without what may be added
// beside it.
type snapshotValue struct {
	ID       string             `json:"id"`
	Nodes    map[string]int64   `json:"nodes"`
	Channels map[string][]int64 `json:"channels"`
}

func snapshotsOf(t *testing.T, rep map[string]any) []snapshotValue {
	t.Helper()
	raw, err := json.Marshal(rep["snapshots"])
	if err != nil {
		t.Fatal(err)
	}
	var out []snapshotValue
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatalf("snapshots: %v", err)
	}
	return out
}

func TestCheckJSON(t *testing.T) {
	rep := checkJSON(t, exitOK, "--out", t.TempDir(), lecture)
	for _, f := range []string{"verdict", "config", "states", "transitions", "executions", "snapshots", "violations", "elapsed_seconds"} {
		if _, ok := rep[f]; !ok {
			t.Errorf("no field %q in the report", f)
		}
	}
	if rep["verdict"] != "ok" || rep["config"] != "lecture" {
		t.Errorf("verdict %v, config %v: want ok, lecture", rep["verdict"], rep["config"])
	}
	for _, f := range []string{"states", "transitions", "executions"} {
		n, ok := rep[f].(json.Number)
		if !ok {
			t.Errorf("%s = %#v, want a JSON number", f, rep[f])
			continue
		}
		if _, err := strconv.ParseUint(n.String(), 10, 64); err != nil {
			t.Errorf("%s = %s, want a whole number", f, n)
		}
	}
	if _, ok := rep["elapsed_seconds"].(json.Number); !ok {
		t.Errorf("elapsed_seconds = %#v, want a number", rep["elapsed_seconds"])
	}
	// The executions figure is the one text mode prints, exactly.
	_, text, _ := cli("check", "--quiet", "--out", t.TempDir(), lecture)
	m := regexp.MustCompile(`executions +([\d,]+) maximal`).FindStringSubmatch(text)
	if m == nil || strings.ReplaceAll(m[1], ",", "") != rep["executions"].(json.Number).String() {
		t.Errorf("executions %v in JSON, text says %v", rep["executions"], m)
	}
	if v, ok := rep["violations"].([]any); !ok || len(v) != 0 {
		t.Errorf("violations = %#v, want an empty list", rep["violations"])
	}
	want := snapshotValue{ID: "s1", Nodes: map[string]int64{"1": 5, "2": 5, "3": 2}, Channels: map[string][]int64{"2->1": {10}, "3->2": {8}}}
	snaps := snapshotsOf(t, rep)
	found := false
	for _, s := range snaps {
		found = found || reflect.DeepEqual(s, want)
		var total int64
		for _, b := range s.Nodes {
			total += b
		}
		for _, c := range s.Channels {
			for _, a := range c {
				total += a
			}
		}
		if total != 30 {
			t.Errorf("snapshot %+v totals $%d, want $30", s, total)
		}
	}
	if !found {
		t.Errorf("the lecture's snapshot %+v is not among the %d in the report", want, len(snaps))
	}
	if strings.Count(text, "(total $") != len(snaps) {
		t.Errorf("text lists %d snapshots, JSON %d", strings.Count(text, "(total $"), len(snaps))
	}
}

// brokenLecture writes the lecture's bank with another algorithm into a
// fresh folder.
func brokenLecture(t *testing.T, alg string) string {
	t.Helper()
	data, err := os.ReadFile(lecture)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(data), `"algorithm": "chandy-lamport"`, `"algorithm": "`+alg+`"`, 1)
	if s == string(data) {
		t.Fatal("lecture.json does not name its algorithm as expected")
	}
	path := filepath.Join(t.TempDir(), "lecture-"+alg+".json")
	if err := os.WriteFile(path, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestCheckViolation(t *testing.T) {
	cfg := brokenLecture(t, "late-markers")
	out := filepath.Join(t.TempDir(), "traces")
	code, stdout, _ := cli("check", "--quiet", "--out", out, cfg)
	if code != exitViolation {
		t.Fatalf("exit %d, want 1\n%s", code, stdout)
	}
	if !strings.Contains(stdout, "Verdict: violation") || strings.Contains(stdout, "Verdict: ok") {
		t.Errorf("verdict not a violation:\n%s", stdout)
	}
	traces := regexp.MustCompile(`(?m)^  trace: (.+)$`).FindAllStringSubmatch(stdout, -1)
	if len(traces) == 0 {
		t.Fatalf("no trace named in the report:\n%s", stdout)
	}
	for _, m := range traces {
		if filepath.Dir(m[1]) != out {
			t.Errorf("trace %s is not in --out %s", m[1], out)
		}
		if fi, err := os.Stat(m[1]); err != nil || fi.Size() == 0 {
			t.Errorf("trace %s: %v", m[1], err)
		}
	}
	files, _ := filepath.Glob(filepath.Join(out, "*.trace.json"))
	if len(files) != len(traces) {
		t.Errorf("%d trace files in --out, %d named in the report", len(files), len(traces))
	}

	// --all-violations keeps more, each in its own file.
	out3 := filepath.Join(t.TempDir(), "all")
	code, all, _ := cli("check", "--quiet", "--all-violations", "--out", out3, cfg)
	allTraces := regexp.MustCompile(`(?m)^  trace: (.+)$`).FindAllStringSubmatch(all, -1)
	files, _ = filepath.Glob(filepath.Join(out3, "*.trace.json"))
	if code != exitViolation || len(allTraces) <= len(traces) || len(files) != len(allTraces) {
		t.Errorf("--all-violations: exit %d, %d traces named, %d files; default named %d", code, len(allTraces), len(files), len(traces))
	}

	// The same in JSON: each violation names its property and its file.
	out2 := filepath.Join(t.TempDir(), "traces")
	rep := checkJSON(t, exitViolation, "--out", out2, cfg)
	if rep["verdict"] != "violation" {
		t.Errorf("verdict %v, want violation", rep["verdict"])
	}
	vs, _ := rep["violations"].([]any)
	if len(vs) != len(traces) {
		t.Errorf("%d violations in JSON, %d in text", len(vs), len(traces))
	}
	for _, v := range vs {
		vm, _ := v.(map[string]any)
		p, _ := vm["property"].(string)
		tr, _ := vm["trace"].(string)
		if p == "" || tr == "" {
			t.Errorf("violation %v lacks a property or a trace", v)
			continue
		}
		if _, err := os.Stat(tr); err != nil || filepath.Dir(tr) != out2 {
			t.Errorf("violation of %s: trace %s not in %s: %v", p, tr, out2, err)
		}
	}
}

// TestCheckLimits: a search stopped at a limit exits 3 and is never "ok".
func TestCheckLimits(t *testing.T) {
	anyThree := filepath.Join("..", "..", "examples", "any-three.json")
	for _, tc := range []struct {
		name string
		args []string
		why  string
	}{
		{"max-states", []string{"--max-states", "100", lecture}, "--max-states 100"},
		{"max-depth", []string{"--max-depth", "3", lecture}, "--max-depth 3"},
		{"max-depth dfs", []string{"--strategy", "dfs", "--max-depth", "3", lecture}, "--max-depth 3"},
		{"max-states dfs", []string{"--strategy", "dfs", "--max-states", "100", lecture}, "--max-states 100"},
		// any-three has 134,122 states: no machine explores them in 1ms.
		{"time-limit", []string{"--time-limit", "1ms", anyThree}, "--time-limit 1ms"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			args := append([]string{"check", "--quiet", "--out", t.TempDir()}, tc.args...)
			code, stdout, stderr := cli(args...)
			if code != exitIncomplete {
				t.Errorf("exit %d, want 3\n%s%s", code, stdout, stderr)
			}
			if regexp.MustCompile(`\bok\b`).MatchString(stdout) {
				t.Errorf("an incomplete search printed ok:\n%s", stdout)
			}
			if !strings.Contains(stdout, "Verdict: incomplete") || !strings.Contains(stdout, tc.why) {
				t.Errorf("the verdict does not say incomplete because of %s:\n%s", tc.why, stdout)
			}
			rep := checkJSON(t, exitIncomplete, append([]string{"--out", t.TempDir()}, tc.args...)...)
			if rep["verdict"] != "incomplete" {
				t.Errorf("JSON verdict %v, want incomplete", rep["verdict"])
			}
			if rep["executions"] != nil {
				t.Errorf("executions %v counted over an incomplete search", rep["executions"])
			}
		})
	}
	// A limit the search does not reach changes nothing.
	code, stdout, _ := cli("check", "--quiet", "--max-depth", "100", "--max-states", "1000000", "--time-limit", "1h", lecture)
	if code != exitOK || !strings.Contains(stdout, "Verdict: ok") {
		t.Errorf("limits not reached: exit %d\n%s", code, stdout)
	}
}

// volatileFields are the report's fields that may differ from run to run.
var volatileFields = []string{"elapsed_seconds", "states_per_second"}

// TestCheckDeterministic runs check twice on each example and compares the
// JSON reports, and compares BFS with DFS on what must not depend on the
// strategy (SPEC §5.9).
func TestCheckDeterministic(t *testing.T) {
	examples, err := filepath.Glob(filepath.Join("..", "..", "examples", "*.json"))
	if err != nil || len(examples) < 5 {
		t.Fatalf("examples: %v, %v", examples, err)
	}
	broken, err := filepath.Glob(filepath.Join("..", "..", "examples", "broken", "*.json"))
	if err != nil || len(broken) < 5 {
		t.Fatalf("broken examples: %v, %v", broken, err)
	}
	examples = append(examples, broken...)
	for _, ex := range examples {
		t.Run(filepath.Base(filepath.Dir(ex))+"/"+filepath.Base(ex), func(t *testing.T) {
			run := func(args ...string) map[string]any {
				out := t.TempDir()
				args = append(args, "--out", out, ex)
				rep := checkJSON(t, -1, args...)
				for _, f := range volatileFields {
					delete(rep, f)
				}
				// Trace paths differ by --out; their names must not.
				if vs, ok := rep["violations"].([]any); ok {
					for _, v := range vs {
						if vm, ok := v.(map[string]any); ok {
							if p, ok := vm["trace"].(string); ok {
								vm["trace"] = filepath.Base(p)
							}
						}
					}
				}
				return rep
			}
			a, b := run(), run()
			if !reflect.DeepEqual(a, b) {
				ja, _ := json.MarshalIndent(a, "", " ")
				jb, _ := json.MarshalIndent(b, "", " ")
				t.Errorf("two runs differ:\n%s\n---\n%s", ja, jb)
			}
			d := run("--strategy", "dfs")
			for _, f := range []string{"verdict", "states", "transitions", "executions"} {
				if !reflect.DeepEqual(a[f], d[f]) {
					t.Errorf("%s: bfs %v, dfs %v", f, a[f], d[f])
				}
			}
			sa := snapshotsOf(t, a)
			sortSnapshots(sa)
			// What may not depend on the strategy, the store or a
			// reduction (SPEC §5.9): the verdict, the violated properties
			// and the distinct snapshots.
			for _, variant := range [][]string{
				{"--strategy", "dfs"},
				{"--store", "fingerprint"},
				{"--por"},
			} {
				v := run(variant...)
				if v["verdict"] != a["verdict"] || !reflect.DeepEqual(violatedProps(v), violatedProps(a)) {
					t.Errorf("%v: verdict %v %v, default %v %v", variant, v["verdict"], violatedProps(v), a["verdict"], violatedProps(a))
				}
				sv := snapshotsOf(t, v)
				sortSnapshots(sv)
				if !reflect.DeepEqual(sa, sv) {
					t.Errorf("%v finds %d distinct snapshots, the default %d", variant, len(sv), len(sa))
				}
			}
			// Any number of workers gives the same report, but for the
			// memory the store holds: rounds are larger with more workers,
			// and so are the store's chunks and tables at times.
			one := run("--workers", "1")
			for _, f := range []string{"workers", "store_bytes"} {
				delete(one, f)
				delete(a, f)
			}
			if !reflect.DeepEqual(a, one) {
				t.Errorf("--workers 1 gives another report")
			}
		})
	}
}

// violatedProps lists the violated properties of a report, sorted.
func violatedProps(rep map[string]any) []string {
	var out []string
	vs, _ := rep["violations"].([]any)
	for _, v := range vs {
		if vm, ok := v.(map[string]any); ok {
			out = append(out, fmt.Sprint(vm["property"]))
		}
	}
	sort.Strings(out)
	return out
}

func sortSnapshots(s []snapshotValue) {
	key := func(v snapshotValue) string {
		b, _ := json.Marshal(v)
		return string(b)
	}
	sort.Slice(s, func(i, j int) bool { return key(s[i]) < key(s[j]) })
}

// TestCheckSymmetry: --symmetry on a symmetric bank reduces the states and
// keeps the snapshots and the verdict; on a bank without renamings it says
// why nothing was reduced; violations found under it replay.
func TestCheckSymmetry(t *testing.T) {
	anyThree := filepath.Join("..", "..", "examples", "any-three.json")
	code, full, _ := cli("check", "--quiet", "--json", anyThree)
	if code != 0 {
		t.Fatalf("check any-three: exit %d", code)
	}
	code, sym, _ := cli("check", "--quiet", "--json", "--symmetry", anyThree)
	if code != 0 {
		t.Fatalf("check --symmetry any-three: exit %d", code)
	}
	var a, b properties.Report
	if err := json.Unmarshal([]byte(full), &a); err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal([]byte(sym), &b); err != nil {
		t.Fatal(err)
	}
	if b.Reduction != "symmetry" || b.Renamings != 1 || b.States >= a.States || len(b.Snapshots) != len(a.Snapshots) {
		t.Errorf("--symmetry: reduction %q, %d renamings, %d states (full %d), %d snapshots (full %d)",
			b.Reduction, b.Renamings, b.States, a.States, len(b.Snapshots), len(a.Snapshots))
	}
	_, text, _ := cli("check", "--quiet", "--symmetry", "--por", anyThree)
	if !strings.Contains(text, "partial-order and symmetry reduction by 1 renaming(s)") {
		t.Errorf("check --symmetry --por: the header does not name the reductions:\n%s", text)
	}
	_, text, _ = cli("check", "--quiet", "--symmetry", lecture)
	if !strings.Contains(text, "symmetry      none used: no renaming of nodes maps this bank to itself") {
		t.Errorf("check --symmetry on the lecture: no word on the missing symmetry:\n%s", text)
	}
	dir := t.TempDir()
	bank := filepath.Join("..", "..", "properties", "testdata", "symmetric", "complete3-stop-all.json")
	if code, _, errOut := cli("check", "--quiet", "--symmetry", "--out", dir, bank); code != 1 {
		t.Fatalf("check --symmetry on stop-all-on-marker: exit %d, want 1 (%s)", code, errOut)
	}
	traces, _ := filepath.Glob(filepath.Join(dir, "*.trace.json"))
	if len(traces) == 0 {
		t.Fatal("no trace written")
	}
	for _, tr := range traces {
		if code, _, errOut := cli("replay", "--quiet", tr); code != 1 {
			t.Errorf("replay %s: exit %d, want 1 (%s)", tr, code, errOut)
		}
	}
}

// TestCheckWorkersReported: the report gives the workers that searched:
// --workers breadth-first, one depth-first (a sequential search).
func TestCheckWorkersReported(t *testing.T) {
	for _, tc := range []struct {
		strategy string
		want     int
	}{{"bfs", 2}, {"dfs", 1}} {
		code, out, errs := cli("check", "--quiet", "--json", "--workers", "2", "--strategy", tc.strategy, lecture)
		if code != exitOK {
			t.Fatalf("exit %d\n%s", code, errs)
		}
		var rep struct {
			Workers int `json:"workers"`
		}
		if err := json.Unmarshal([]byte(out), &rep); err != nil {
			t.Fatal(err)
		}
		if rep.Workers != tc.want {
			t.Errorf("%s --workers 2: report says %d workers, want %d", tc.strategy, rep.Workers, tc.want)
		}
	}
}
