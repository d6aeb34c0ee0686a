package main

import (
	"strings"
	"testing"
)

// TestEngineFlags: the memory limit stops a search with exit 3 and says
// so; the fingerprint store reports its collision probability; reduction
// says the figures are the reduced graph's; bad engine flags exit 2.
func TestEngineFlags(t *testing.T) {
	out := t.TempDir()
	tests := []struct {
		name string
		args []string
		code int
		want string
	}{
		{"memory limit", []string{"check", "--quiet", "--max-memory", "30", "--out", out, "../../examples/bench/any3n_ms2_a1.json"}, 3, "memory limit (--max-memory 30 MB) reached"},
		{"fingerprints", []string{"check", "--quiet", "--store", "fingerprint", "--out", out, "../../examples/lecture.json"}, 0, "probability that two states were merged"},
		{"reduction", []string{"check", "--quiet", "--por", "--out", out, "../../examples/lecture.json"}, 0, "partial-order reduction (figures are the reduced graph's)"},
		{"one worker", []string{"check", "--quiet", "--workers", "1", "--out", out, "../../examples/lecture.json"}, 0, "1 worker(s)"},
		{"bad store", []string{"check", "--store", "disk", "../../examples/lecture.json"}, 2, "--store: must be exact or fingerprint"},
		{"negative workers", []string{"check", "--workers", "-1", "../../examples/lecture.json"}, 2, "--workers: must be from 0 to 1024, got -1"},
		{"fingerprints need bfs", []string{"check", "--store", "fingerprint", "--strategy", "dfs", "../../examples/lecture.json"}, 2, "needs --strategy bfs"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := cli(tc.args...)
			if code != tc.code {
				t.Fatalf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tc.code, stdout, stderr)
			}
			if !strings.Contains(stdout+stderr, tc.want) {
				t.Errorf("output lacks %q:\n%s%s", tc.want, stdout, stderr)
			}
			if code == 3 && strings.Contains(stdout, "Verdict: ok") {
				t.Errorf("a stopped search says ok")
			}
		})
	}
}
