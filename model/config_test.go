package model_test

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

// BadConfig is one kind of bad input of SPEC §3: the file, the field its
// error must name and words its reason must contain.
type BadConfig struct {
	Name   string
	JSON   string
	Field  string   // ConfigError.Field, exactly
	Reason []string // substrings of ConfigError.Reason
}

// bank is a valid three-node configuration with the parts a case replaces
// written as %NODES%, %CHANNELS%, %INFLIGHT%, %WORKLOAD%, %SNAPSHOTS%,
// %ALG% and %EXTRA% (appended to the top-level object).
const bank = `{
  "name": "t",
  "nodes": %NODES%,
  "channels": %CHANNELS%,
  "fifo": true,
  "in_flight": %INFLIGHT%,
  "workload": %WORKLOAD%,
  "snapshots": %SNAPSHOTS%,
  "algorithm": %ALG%%EXTRA%
}`

var bankDefaults = map[string]string{
	"%NODES%":     `[{"id": "1", "balance": 5}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`,
	"%CHANNELS%":  `"complete"`,
	"%INFLIGHT%":  `[{"from": "2", "to": "1", "amount": 10}]`,
	"%WORKLOAD%":  `{"script": {"1": [{"to": "3", "amount": 4}], "3": [{"to": "2", "amount": 8}]}}`,
	"%SNAPSHOTS%": `[{"id": "s1", "initiators": ["1"]}]`,
	"%ALG%":       `"chandy-lamport"`,
	"%EXTRA%":     ``,
}

// with returns the bank with some parts replaced (pairs of placeholder,
// text).
func with(repl ...string) string {
	parts := map[string]string{}
	for k, v := range bankDefaults {
		parts[k] = v
	}
	for i := 0; i+1 < len(repl); i += 2 {
		parts[repl[i]] = repl[i+1]
	}
	s := bank
	for k, v := range parts {
		s = strings.ReplaceAll(s, k, v)
	}
	return s
}

// ring is a channel list where every node reaches every other.
const ring = `[["1", "2"], ["2", "3"], ["3", "1"]]`

// BadConfigs lists the bad configurations every layer must reject with one
// error naming the field and the reason. The CLI test in cmd/snapcheck has
// its own copy of the files (testdata/bad) so that each layer is tested on
// its own.
func BadConfigs() []BadConfig {
	return []BadConfig{
		{"malformed JSON", "{\n  \"name\": \"t\",\n  \"nodes\": [}\n", "", []string{"invalid JSON", "line 3, column 13"}},
		{"truncated JSON", `{"name": "t", "nodes": [`, "", []string{"invalid JSON", "unexpected end"}},
		{"two JSON values", `{} {}`, "", []string{"invalid JSON", "more than one value"}},
		{"a stray bracket", `{}]`, "", []string{"invalid JSON", "more than one value", "stray bracket"}},
		{"a stray brace", `{}}`, "", []string{"invalid JSON", "stray bracket"}},
		{"not an object", `[1, 2]`, "", []string{"must be an object", "list"}},
		{"unknown top-level field", with("%EXTRA%", `, "colour": "red"`), "colour", []string{"unknown field"}},
		{"unknown nested field in nodes", with("%NODES%", `[{"id": "1", "balance": 5, "colour": "red"}, {"id": "2", "balance": 0}, {"id": "3", "balance": 1}]`), "nodes[0].colour", []string{"unknown field"}},
		{"unknown nested field in a step", with("%WORKLOAD%", `{"script": {"1": [{"to": "3", "amount": 4, "delay": 1}]}}`), "workload.script.1[0].delay", []string{"unknown field"}},
		{"unknown nested field in snapshots", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": ["1"], "when": 3}]`), "snapshots[0].when", []string{"unknown field"}},
		{"unknown workload kind", with("%WORKLOAD%", `{"random": {}}`), "workload.random", []string{"unknown field"}},
		{"unknown node in channels (from)", with("%CHANNELS%", `[["9", "1"], ["1", "2"], ["2", "3"], ["3", "1"]]`), "channels[0][0]", []string{"unknown node", `"9"`}},
		{"unknown node in channels (to)", with("%CHANNELS%", `[["1", "2"], ["2", "3"], ["3", "1"], ["1", "x"]]`), "channels[3][1]", []string{"unknown node", `"x"`}},
		{"unknown node in in_flight (from)", with("%INFLIGHT%", `[{"from": "7", "to": "1", "amount": 10}]`), "in_flight[0].from", []string{"unknown node", `"7"`}},
		{"unknown node in in_flight (to)", with("%INFLIGHT%", `[{"from": "2", "to": "7", "amount": 10}]`), "in_flight[0].to", []string{"unknown node", `"7"`}},
		{"unknown node as script owner", with("%WORKLOAD%", `{"script": {"4": [{"to": "1", "amount": 1}]}}`), "workload.script.4", []string{"unknown node", `"4"`}},
		{"script step to self", with("%WORKLOAD%", `{"script": {"1": [{"to": "1", "amount": 1}, {"to": "4", "amount": 1}]}}`), "workload.script.1[0].to", []string{"no channel 1->1"}},
		{"unknown node as script target (second step)", with("%WORKLOAD%", `{"script": {"1": [{"to": "2", "amount": 1}, {"to": "4", "amount": 1}]}}`), "workload.script.1[1].to", []string{"unknown node", `"4"`}},
		{"unknown node as initiator", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": ["1", "5"]}]`), "snapshots[0].initiators[1]", []string{"unknown node", `"5"`}},
		{"duplicate node id", with("%NODES%", `[{"id": "1", "balance": 5}, {"id": "2", "balance": 0}, {"id": "1", "balance": 10}]`), "nodes[2].id", []string{"duplicate id", `"1"`}},
		{"empty node id", with("%NODES%", `[{"id": "", "balance": 5}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0].id", []string{"must not be empty"}},
		{"arrow in a node id", with("%NODES%", `[{"id": "1", "balance": 5}, {"id": "2->3", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[1].id", []string{`"2->3"`, `must not contain "->"`}},
		{"missing node id", with("%NODES%", `[{"balance": 5}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0]", []string{"missing field id"}},
		{"missing balance", with("%NODES%", `[{"id": "1"}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0]", []string{"missing field balance"}},
		{"duplicate snapshot id", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": ["1"]}, {"id": "s1", "initiators": ["2"]}]`), "snapshots[1].id", []string{"duplicate id", `"s1"`}},
		{"duplicate initiator", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": ["1", "1"]}]`), "snapshots[0].initiators[1]", []string{"duplicate initiator", `"1"`}},
		{"negative balance", with("%NODES%", `[{"id": "1", "balance": 5}, {"id": "2", "balance": -1}, {"id": "3", "balance": 10}]`), "nodes[1].balance", []string{"≥ 0", "-1"}},
		{"in_flight amount 0", with("%INFLIGHT%", `[{"from": "2", "to": "1", "amount": 0}]`), "in_flight[0].amount", []string{"≥ 1", "got 0"}},
		{"in_flight amount negative", with("%INFLIGHT%", `[{"from": "2", "to": "1", "amount": 3}, {"from": "2", "to": "1", "amount": -3}]`), "in_flight[1].amount", []string{"≥ 1", "got -3"}},
		{"in_flight on a missing channel", with("%CHANNELS%", ring, "%INFLIGHT%", `[{"from": "2", "to": "1", "amount": 10}]`, "%WORKLOAD%", `{}`), "in_flight[0]", []string{"no channel 2->1"}},
		{"script amount 0", with("%WORKLOAD%", `{"script": {"1": [{"to": "3", "amount": 0}]}}`), "workload.script.1[0].amount", []string{"≥ 1", "got 0"}},
		{"script amount negative", with("%WORKLOAD%", `{"script": {"3": [{"to": "2", "amount": 8}, {"to": "1", "amount": -2}]}}`), "workload.script.3[1].amount", []string{"≥ 1", "got -2"}},
		{"script step without amount", with("%WORKLOAD%", `{"script": {"1": [{"to": "3"}]}}`), "workload.script.1[0]", []string{"missing field amount"}},
		{"any amount 0", with("%WORKLOAD%", `{"any": {"amounts": [1, 0], "max_sends": 1}}`), "workload.any.amounts[1]", []string{"≥ 1", "got 0"}},
		{"any amount negative", with("%WORKLOAD%", `{"any": {"amounts": [-4], "max_sends": 1}}`), "workload.any.amounts[0]", []string{"≥ 1", "got -4"}},
		{"any without amounts", with("%WORKLOAD%", `{"any": {"amounts": [], "max_sends": 1}}`), "workload.any.amounts", []string{"at least one amount"}},
		{"any duplicate amount", with("%WORKLOAD%", `{"any": {"amounts": [2, 2], "max_sends": 1}}`), "workload.any.amounts[1]", []string{"duplicate amount 2"}},
		{"any negative max_sends", with("%WORKLOAD%", `{"any": {"amounts": [1], "max_sends": -1}}`), "workload.any.max_sends", []string{"≥ 0", "-1"}},
		{"any missing max_sends", with("%WORKLOAD%", `{"any": {"amounts": [1]}}`), "workload.any", []string{"missing field max_sends"}},
		{"channel to self", with("%CHANNELS%", `[["1", "2"], ["2", "2"], ["2", "3"], ["3", "1"]]`), "channels[1]", []string{"itself", `"2"`}},
		{"duplicate channel", with("%CHANNELS%", `[["1", "2"], ["2", "3"], ["3", "1"], ["2", "1"], ["2", "3"]]`), "channels[4]", []string{"duplicate channel 2->3"}},
		{"channel not a pair", with("%CHANNELS%", `[["1", "2", "3"]]`), "channels[0]", []string{"pair", "3 elements"}},
		{"channels neither complete nor a list", with("%CHANNELS%", `"ring"`), "channels", []string{`"complete"`, `"ring"`}},
		{"unreachable node", with("%CHANNELS%", `[["1", "2"], ["2", "1"], ["3", "1"]]`, "%WORKLOAD%", `{}`, "%INFLIGHT%", `[]`), "snapshots[0]", []string{"cannot complete", `node "3" is unreachable`}},
		{"unreachable node (second snapshot)", with("%CHANNELS%", `[["1", "2"], ["2", "3"], ["3", "2"]]`, "%WORKLOAD%", `{}`, "%INFLIGHT%", `[]`, "%SNAPSHOTS%", `[{"id": "a", "initiators": ["1"]}, {"id": "b", "initiators": ["2"]}]`), "snapshots[1]", []string{`"b" cannot complete`, `node "1" is unreachable`}},
		{"snapshot without initiator", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": []}]`), "snapshots[0].initiators", []string{"no initiator"}},
		{"snapshot with initiators missing", with("%SNAPSHOTS%", `[{"id": "s1"}]`), "snapshots[0].initiators", []string{"no initiator"}},
		{"snapshot without id", with("%SNAPSHOTS%", `[{"initiators": ["1"]}]`), "snapshots[0]", []string{"missing field id"}},
		{"script step to a missing channel", with("%CHANNELS%", ring, "%INFLIGHT%", `[]`, "%WORKLOAD%", `{"script": {"1": [{"to": "3", "amount": 4}]}}`), "workload.script.1[0].to", []string{"no channel 1->3"}},
		{"initiate step by a non-initiator", with("%WORKLOAD%", `{"script": {"2": [{"initiate": "s1"}]}}`), "workload.script.2[0].initiate", []string{`node "2" is not an initiator of snapshot "s1"`}},
		{"initiate of an unknown snapshot", with("%WORKLOAD%", `{"script": {"1": [{"initiate": "s9"}]}}`), "workload.script.1[0].initiate", []string{"unknown snapshot", `"s9"`}},
		{"initiate of an empty snapshot id", with("%WORKLOAD%", `{"script": {"1": [{"initiate": ""}]}}`), "workload.script.1[0].initiate", []string{"must name a snapshot"}},
		{"step both send and initiate", with("%WORKLOAD%", `{"script": {"1": [{"initiate": "s1", "to": "2", "amount": 1}]}}`), "workload.script.1[0]", []string{"not both"}},
		{"total money 2^31", with("%NODES%", `[{"id": "1", "balance": 1073741824}, {"id": "2", "balance": 1073741824}, {"id": "3", "balance": 0}]`, "%INFLIGHT%", `[]`), "nodes", []string{"total money", "2147483648", "2^31"}},
		{"total money over 2^31 with in_flight", with("%NODES%", `[{"id": "1", "balance": 2147483000}, {"id": "2", "balance": 0}, {"id": "3", "balance": 0}]`, "%INFLIGHT%", `[{"from": "2", "to": "1", "amount": 1000}]`), "nodes", []string{"total money", "2147484000", "2^31"}},
		{"balance beyond 32 bits", with("%NODES%", `[{"id": "1", "balance": 5000000000}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0].balance", []string{"out of range", "2^31"}},
		{"balance a string", with("%NODES%", `[{"id": "1", "balance": "5"}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0].balance", []string{"must be an integer", `string "5"`}},
		{"balance a fraction", with("%NODES%", `[{"id": "1", "balance": 2.5}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0].balance", []string{"must be an integer", "2.5"}},
		{"node id a number", with("%NODES%", `[{"id": 1, "balance": 5}, {"id": "2", "balance": 0}, {"id": "3", "balance": 10}]`), "nodes[0].id", []string{"must be a string", "number 1"}},
		{"nodes an object", with("%NODES%", `{"1": 5}`), "nodes", []string{"must be a list", "object"}},
		{"fifo a string", strings.Replace(with(), `"fifo": true`, `"fifo": "yes"`, 1), "fifo", []string{"must be true or false", `"yes"`}},
		{"in_flight amount a string", with("%INFLIGHT%", `[{"from": "2", "to": "1", "amount": "10"}]`), "in_flight[0].amount", []string{"must be an integer"}},
		{"name a number", strings.Replace(with(), `"name": "t"`, `"name": 7`, 1), "name", []string{"must be a string"}},
		{"algorithm null", with("%ALG%", `null`), "algorithm", []string{"must be a string", "null"}},
		{"initiators a string", with("%SNAPSHOTS%", `[{"id": "s1", "initiators": "1"}]`), "snapshots[0].initiators", []string{"must be a list"}},
		{"script not an object", with("%WORKLOAD%", `{"script": [1]}`), "workload.script", []string{"must be an object"}},
		{"both workloads at once", with("%WORKLOAD%", `{"script": {"1": [{"to": "3", "amount": 4}]}, "any": {"amounts": [1], "max_sends": 1}}`), "workload", []string{"either", "not both"}},
		{"empty nodes", with("%NODES%", `[]`, "%INFLIGHT%", `[]`, "%WORKLOAD%", `{}`), "nodes", []string{"at least one node"}},
		{"missing nodes", `{"snapshots": [{"id": "s1", "initiators": ["1"]}]}`, "nodes", []string{"missing"}},
		{"missing snapshots", `{"nodes": [{"id": "1", "balance": 1}]}`, "snapshots", []string{"missing", "at least one snapshot"}},
		{"empty snapshots", with("%SNAPSHOTS%", `[]`, "%WORKLOAD%", `{}`), "snapshots", []string{"at least one snapshot"}},
		{"unknown algorithm", with("%ALG%", `"chandy-lampart"`), "algorithm", []string{"unknown algorithm", `"chandy-lampart"`, "known: ", "chandy-lamport"}},
	}
}

// parseAndBuild is what snapcheck check does with a file: parse, validate,
// compile with the named algorithm.
func parseAndBuild(data []byte) (*model.System, error) {
	cfg, err := model.ParseConfig(data)
	if err != nil {
		return nil, err
	}
	return algorithms.Build(cfg)
}

func TestBadConfigs(t *testing.T) {
	seen := map[string]bool{}
	for _, tc := range BadConfigs() {
		t.Run(tc.Name, func(t *testing.T) {
			if seen[tc.Name] {
				t.Fatalf("two cases named %q", tc.Name)
			}
			seen[tc.Name] = true
			_, err := parseAndBuild([]byte(tc.JSON))
			if err == nil {
				t.Fatalf("accepted:\n%s", tc.JSON)
			}
			var ce *model.ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("error %q (%T) is not a *model.ConfigError", err, err)
			}
			if ce.Field != tc.Field {
				t.Errorf("field = %q, want %q (error: %v)", ce.Field, tc.Field, err)
			}
			for _, want := range tc.Reason {
				if !strings.Contains(ce.Reason, want) {
					t.Errorf("reason %q does not contain %q", ce.Reason, want)
				}
			}
			msg := err.Error()
			if strings.Contains(msg, "\n") {
				t.Errorf("error is more than one line: %q", msg)
			}
			if tc.Field != "" && !strings.HasPrefix(msg, tc.Field+": ") {
				t.Errorf("error %q does not start with the field %q", msg, tc.Field)
			}
		})
	}
}

// TestBadConfigFile checks that LoadConfig and algorithms.Load name the
// file as well as the field.
func TestBadConfigFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.json")
	if err := os.WriteFile(path, []byte(with("%CHANNELS%", `[["1", "1"]]`)), 0o644); err != nil {
		t.Fatal(err)
	}
	for name, load := range map[string]func(string) error{
		"model.LoadConfig": func(p string) error { _, err := model.LoadConfig(p); return err },
		"algorithms.Load":  func(p string) error { _, err := algorithms.Load(p); return err },
	} {
		err := load(path)
		if err == nil {
			t.Fatalf("%s accepted a channel to self", name)
		}
		if msg := err.Error(); !strings.Contains(msg, path) || !strings.Contains(msg, "channels[0]: channel from node \"1\" to itself") {
			t.Errorf("%s: %q does not name the file and the field", name, msg)
		}
	}
	path = filepath.Join(t.TempDir(), "alg.json")
	if err := os.WriteFile(path, []byte(with("%ALG%", `"nope"`)), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := algorithms.Load(path)
	if err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), `algorithm: unknown algorithm "nope"`) {
		t.Errorf("algorithms.Load: got %v, want the file and the unknown algorithm", err)
	}
	if _, err := model.LoadConfig(filepath.Join(t.TempDir(), "missing.json")); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing file: got %v, want an error wrapping os.ErrNotExist", err)
	}
}

func TestConfigDefaults(t *testing.T) {
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "a", "balance": 1}, {"id": "b", "balance": 0}], "snapshots": [{"id": "s", "initiators": ["a"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.Channels.Complete || cfg.Channels.List != nil {
		t.Errorf("channels = %+v, want complete", cfg.Channels)
	}
	if !cfg.FIFO {
		t.Error("fifo defaults to false, want true")
	}
	if cfg.InFlight != nil || cfg.Workload.Script != nil || cfg.Workload.Any != nil {
		t.Errorf("in_flight %v, workload %+v: want none", cfg.InFlight, cfg.Workload)
	}
	if cfg.Algorithm != "" || cfg.Name != "" {
		t.Errorf("algorithm %q, name %q: want empty", cfg.Algorithm, cfg.Name)
	}
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if got := sys.Algorithm().Name(); got != "chandy-lamport" {
		t.Errorf("default algorithm %q, want chandy-lamport", got)
	}
	if len(sys.Topo.Chans) != 2 || !sys.Topo.FIFO {
		t.Errorf("topology %d channels, FIFO %v: want 2, true", len(sys.Topo.Chans), sys.Topo.FIFO)
	}
	if sys.Total() != 1 {
		t.Errorf("total %d, want 1", sys.Total())
	}
}

// TestConfigLimits checks the edges of the valid range: zero balances,
// zero max_sends, total money just below 2^31, a channel list.
func TestConfigLimits(t *testing.T) {
	for _, tc := range []struct{ name, json string }{
		{"zero balances", with("%NODES%", `[{"id": "1", "balance": 0}, {"id": "2", "balance": 0}, {"id": "3", "balance": 0}]`, "%INFLIGHT%", `[]`)},
		{"total money 2^31-1", with("%NODES%", `[{"id": "1", "balance": 2147483637}, {"id": "2", "balance": 0}, {"id": "3", "balance": 0}]`)},
		{"max_sends 0", with("%WORKLOAD%", `{"any": {"amounts": [1], "max_sends": 0}}`)},
		{"ring channels", with("%CHANNELS%", ring, "%INFLIGHT%", `[]`, "%WORKLOAD%", `{"script": {"1": [{"to": "2", "amount": 1}]}}`)},
		{"scripted initiation", with("%WORKLOAD%", `{"script": {"1": [{"to": "3", "amount": 4}, {"initiate": "s1"}]}}`)},
		{"non-FIFO", strings.Replace(with(), `"fifo": true`, `"fifo": false`, 1)},
		{"empty script", with("%WORKLOAD%", `{"script": {}}`)},
		{"several snapshots and initiators", with("%SNAPSHOTS%", `[{"id": "a", "initiators": ["1", "3"]}, {"id": "b", "initiators": ["2"]}]`)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := parseAndBuild([]byte(tc.json)); err != nil {
				t.Errorf("rejected: %v", err)
			}
		})
	}
}

// TestLecture checks that examples/lecture.json is SPEC §3's example.
func TestLecture(t *testing.T) {
	cfg, err := model.LoadConfig(filepath.Join("..", "examples", "lecture.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &model.Config{
		Name:     "lecture",
		Nodes:    []model.NodeSpec{{ID: "1", Balance: 5}, {ID: "2", Balance: 0}, {ID: "3", Balance: 10}},
		Channels: model.Channels{Complete: true},
		FIFO:     true,
		InFlight: []model.TransferSpec{{From: "2", To: "1", Amount: 10}, {From: "1", To: "2", Amount: 5}},
		Workload: model.Workload{Script: map[string][]model.Step{
			"1": {{To: "3", Amount: 4}},
			"3": {{To: "2", Amount: 8}},
		}},
		Snapshots: []model.SnapshotSpec{{ID: "s1", Initiators: []string{"1"}}},
		Algorithm: "chandy-lamport",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("lecture.json = %+v\nwant %+v", cfg, want)
	}
}

// TestExamplesLoad loads every configuration under examples/ and checks
// that encoding it and parsing it back gives the same configuration.
func TestExamplesLoad(t *testing.T) {
	var paths []string
	err := filepath.WalkDir(filepath.Join("..", "examples"), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(p, ".json") {
			paths = append(paths, p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(paths) < 5 {
		t.Fatalf("only %d examples found: %v", len(paths), paths)
	}
	for _, p := range paths {
		t.Run(filepath.ToSlash(p), func(t *testing.T) {
			sys, err := algorithms.Load(p)
			if err != nil {
				t.Fatal(err)
			}
			out, err := sys.Config.Encode()
			if err != nil {
				t.Fatal(err)
			}
			back, err := model.ParseConfig(out)
			if err != nil {
				t.Fatalf("encoded config does not parse: %v\n%s", err, out)
			}
			// Empty lists and nil ones encode alike; compare encodings.
			again, err := back.Encode()
			if err != nil {
				t.Fatal(err)
			}
			if string(again) != string(out) {
				t.Errorf("round trip differs:\n%s\nwant\n%s", again, out)
			}
		})
	}
}

// TestExamplesDocumented checks that examples/README.md has a line for
// every configuration in examples/ (the subfolders have their own).
func TestExamplesDocumented(t *testing.T) {
	readme, err := os.ReadFile(filepath.Join("..", "examples", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob(filepath.Join("..", "examples", "*.json"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no examples: %v", err)
	}
	for _, f := range files {
		if !strings.Contains(string(readme), "`"+filepath.Base(f)+"`") {
			t.Errorf("examples/README.md does not describe %s", filepath.Base(f))
		}
	}
}
