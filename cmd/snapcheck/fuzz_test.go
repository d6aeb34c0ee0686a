package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var updateFuzzCLI = flag.Bool("update-fuzz-cli", false, "rewrite the committed seed corpus testdata/fuzz/FuzzCommandLine")

// fuzzFixtures are the only files a fuzzed command line can name: tiny
// configurations and a trace, copied into a fresh folder for every input.
var fuzzFixtures = map[string]string{
	"lecture.json": "../../examples/lecture.json",
	"broken.json":  "../../examples/broken/late-markers.json",
	"two.json":     "../../examples/two-nodes.json",
	"bad.json":     "testdata/bad/unknown-field.json",
	"trace.json":   "../../counterexamples/testdata/corpus/late-markers-conservation.trace.json",
}

// fuzzCLISeeds are command lines, one argument per line.
var fuzzCLISeeds = map[string]string{
	"check":              "check\nlecture.json",
	"check-json":         "check\n--json\nbroken.json",
	"check-dfs-por":      "check\n--strategy\ndfs\n--por\ntwo.json",
	"check-bad-strategy": "check\n--strategy=xyz\nlecture.json",
	"check-bad-config":   "check\nbad.json",
	"check-missing":      "check\nmissing.json",
	"check-witnesses":    "check\n--witnesses\nw\n--out\nt\nlecture.json",
	"check-two-args":     "check\nlecture.json\ntwo.json",
	"check-dashdash":     "check\n--\nlecture.json",
	"simulate":           "simulate\n--runs\n5\n--seed\n7\nbroken.json",
	"simulate-bias":      "simulate\n--bias-markers\n0.1\n--json\nlecture.json",
	"simulate-bad-bias":  "simulate\n--bias-markers=2\nlecture.json",
	"replay":             "replay\ntrace.json",
	"replay-quiet":       "replay\n-q\ntrace.json",
	"replay-config":      "replay\nlecture.json",
	"show":               "show\n--format\nsvg\ntrace.json",
	"show-output":        "show\n-f\ndot\n-o\nout.dot\ntrace.json",
	"show-bad-format":    "show\n--format\npdf\ntrace.json",
	"help":               "--help",
	"help-check":         "check\n--help",
	"unknown":            "frobnicate",
	"empty":              "",
}

// FuzzCommandLine runs the whole command line in-process on arbitrary
// arguments: it must never panic, must exit 0, 1, 2 or 3, and must say
// something on stderr when it exits 2. The work is bounded: arguments are
// at most 16 of at most 64 bytes and may not name paths (every file
// argument resolves in a fresh folder holding only tiny fixtures), check
// always gets --max-states 10000, simulate at most 3 runs.
func FuzzCommandLine(f *testing.F) {
	if *updateFuzzCLI {
		dir := filepath.Join("testdata", "fuzz", "FuzzCommandLine")
		if err := os.RemoveAll(dir); err != nil {
			f.Fatal(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			f.Fatal(err)
		}
		for name, line := range fuzzCLISeeds {
			data := "go test fuzz v1\nstring(" + strconv.Quote(line) + ")\n"
			if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
				f.Fatal(err)
			}
		}
	}
	for _, line := range fuzzCLISeeds {
		f.Add(line)
	}
	fixtures := map[string][]byte{}
	for name, src := range fuzzFixtures {
		b, err := os.ReadFile(src)
		if err != nil {
			f.Fatal(err)
		}
		fixtures[name] = b
	}
	f.Fuzz(func(t *testing.T, line string) {
		var args []string
		if line != "" {
			args = strings.Split(line, "\n")
		}
		if len(args) > 16 {
			t.Skip("more than 16 arguments")
		}
		for _, a := range args {
			if len(a) > 64 || strings.ContainsAny(a, `/\`) || strings.Contains(a, "..") {
				t.Skip("an argument that is long or names a path")
			}
		}
		dir := t.TempDir()
		for name, b := range fixtures {
			if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		t.Chdir(dir)
		if len(args) > 0 {
			switch args[0] {
			case "check":
				args = append(args, "--max-states=10000", "--workers=2", "--max-memory=512", "--quiet")
			case "simulate":
				args = append(args, "--runs=3", "--max-steps=1000", "--quiet")
			}
		}
		var stdout, stderr bytes.Buffer
		code := run(context.Background(), args, &stdout, &stderr)
		if code < exitOK || code > exitIncomplete {
			t.Fatalf("%q: exit code %d", args, code)
		}
		if code == exitBadInput && stderr.Len() == 0 {
			t.Fatalf("%q: exit 2 with nothing on stderr", args)
		}
	})
}
