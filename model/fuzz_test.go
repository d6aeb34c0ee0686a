package model_test

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

var updateFuzzCorpus = flag.Bool("update-fuzz-corpus", false, "rewrite the committed seed corpus testdata/fuzz/FuzzParseConfig from the examples, the bad configurations and the hostile inputs")

// fuzzSeeds are the seed inputs of FuzzParseConfig: every example, every
// bad configuration of the command's tests, and some hostile inputs. They
// are added at run time (so new examples are seeds at once) and committed
// as the seed corpus with -update-fuzz-corpus.
func fuzzSeeds(t testing.TB) map[string][]byte {
	seeds := map[string][]byte{}
	for _, pattern := range []string{"../examples/*.json", "../examples/*/*.json", "../cmd/snapcheck/testdata/bad/*.json"} {
		files, err := filepath.Glob(pattern)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range files {
			b, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			name := strings.TrimSuffix(strings.ReplaceAll(strings.TrimPrefix(p, "../"), "/", "-"), ".json")
			seeds[name] = b
		}
	}
	var many strings.Builder
	many.WriteString(`{"nodes": [`)
	for i := range model.MaxNodes + 1 {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, `{"id": "n%d", "balance": 1}`, i)
	}
	many.WriteString(`], "snapshots": [{"id": "s", "initiators": ["n0"]}]}`)
	for name, s := range map[string]string{
		"hostile-empty":       ``,
		"hostile-null":        `null`,
		"hostile-nesting":     strings.Repeat("[", 10000),
		"hostile-two-values":  `{} {}`,
		"hostile-big-number":  `{"nodes": [{"id": "1", "balance": 1e400}], "snapshots": []}`,
		"hostile-float":       `{"nodes": [{"id": "1", "balance": 1.5}], "snapshots": [{"id": "s", "initiators": ["1"]}]}`,
		"hostile-max-money":   `{"nodes": [{"id": "1", "balance": 2147483647}, {"id": "2", "balance": 1}], "snapshots": [{"id": "s", "initiators": ["1"]}]}`,
		"hostile-too-many":    many.String(),
		"hostile-unicode-ids": `{"nodes": [{"id": "é", "balance": 1}, {"id": "\u0000", "balance": 2}], "snapshots": [{"id": "ß", "initiators": ["é", "\u0000"]}]}`,
		"hostile-any-zero":    `{"nodes": [{"id": "1", "balance": 1}, {"id": "2", "balance": 1}], "workload": {"any": {"amounts": [1], "max_sends": 2147483647}}, "snapshots": [{"id": "s", "initiators": ["1"]}]}`,
	} {
		seeds[name] = []byte(s)
	}
	return seeds
}

// FuzzParseConfig: no input makes ParseConfig panic or hang; a rejection
// is a *model.ConfigError that says what is wrong; an accepted
// configuration validates, re-encodes to a configuration that parses back
// equal, and builds (or is rejected with a *model.ConfigError for its
// algorithm) into a system whose initial state has its events.
func FuzzParseConfig(f *testing.F) {
	seeds := fuzzSeeds(f)
	if *updateFuzzCorpus {
		writeCorpus(f, "FuzzParseConfig", seeds)
	}
	for _, b := range seeds {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := model.ParseConfig(data)
		if err != nil {
			var ce *model.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("rejected with %T, not a *model.ConfigError: %v", err, err)
			}
			if ce.Reason == "" {
				t.Fatalf("rejected with no reason (field %q)", ce.Field)
			}
			return
		}
		if err := cfg.Validate(); err != nil {
			t.Fatalf("accepted but does not validate: %v", err)
		}
		b, err := cfg.Encode()
		if err != nil {
			t.Fatalf("accepted but does not encode: %v", err)
		}
		back, err := model.ParseConfig(b)
		if err != nil {
			t.Fatalf("the re-encoded configuration is rejected: %v\n%s", err, b)
		}
		if !reflect.DeepEqual(cfg, back) {
			t.Fatalf("the configuration changed through encode and parse:\n%s", b)
		}
		sys, err := algorithms.Build(cfg)
		if err != nil {
			var ce *model.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("an accepted configuration fails to build with %T: %v", err, err)
			}
			return
		}
		st := sys.Initial()
		for _, e := range sys.Events(st) {
			next := st.Clone()
			if _, err := sys.Step(next, e); err != nil {
				t.Fatalf("an enabled event is refused: %v", err)
			}
		}
	})
}

// writeCorpus writes seeds as the committed seed corpus of a fuzz target,
// testdata/fuzz/<target>/<seed name>, in the format go test reads.
func writeCorpus(f *testing.F, target string, seeds map[string][]byte) {
	dir := filepath.Join("testdata", "fuzz", target)
	if err := os.RemoveAll(dir); err != nil {
		f.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		f.Fatal(err)
	}
	for name, b := range seeds {
		data := "go test fuzz v1\n[]byte(" + strconv.Quote(string(b)) + ")\n"
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			f.Fatal(err)
		}
	}
}
