package counterexamples

import (
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseReplay feeds arbitrary bytes to Parse, and what parses to
// Replay and every renderer: none may panic; a trace that parses encodes
// and parses back the same; replay fails only with a divergence or a
// configuration error.
func FuzzParseReplay(f *testing.F) {
	files, _ := filepath.Glob("testdata/corpus/*.trace.json")
	for _, p := range append(files, witnessTrace) {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		tr, err := Parse(data)
		if err != nil {
			return
		}
		b, err := tr.Encode()
		if err != nil {
			t.Fatal(err)
		}
		if _, err := Parse(b); err != nil {
			t.Fatalf("a parsed trace does not parse back: %v", err)
		}
		out, err := Replay(tr)
		if err != nil {
			var div *DivergenceError
			if !errors.As(err, &div) && err.Error() == "" {
				t.Fatal("an empty error")
			}
			return
		}
		for _, format := range Formats() {
			if err := Render(discard{}, format, tr, out); err != nil {
				t.Fatalf("%s: %v", format, err)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
