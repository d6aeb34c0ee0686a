package counterexamples

import (
	"bytes"
	"os"
	"strings"
	"testing"
)

// TestParseRejectsAlgorithmMismatch: a trace whose configuration names
// another algorithm than the trace itself is malformed.
func TestParseRejectsAlgorithmMismatch(t *testing.T) {
	data, err := os.ReadFile("testdata/corpus/no-channel-state-conservation.trace.json")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Parse(data); err != nil {
		t.Fatalf("the corpus trace does not parse: %v", err)
	}
	bad := bytes.Replace(data, []byte(`"algorithm": "no-channel-state"`), []byte(`"algorithm": "chandy-lamport"`), 1)
	if bytes.Equal(bad, data) {
		t.Fatal("the corpus trace has no configuration algorithm to change")
	}
	if _, err := Parse(bad); err == nil || !strings.Contains(err.Error(), "algorithm") {
		t.Errorf("a mismatched algorithm parses (error %v)", err)
	}
}
