package main

import (
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// update regenerates the golden files under testdata/ that goldenFile
// compares with: go test ./cmd/snapcheck -update, then review the diff.
var update = flag.Bool("update", false, "regenerate the golden files under testdata/ (review the diff)")

// goldenFile compares got with the golden file testdata/name, or writes
// it there under -update.
func goldenFile(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(name))
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/snapcheck -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run go test ./cmd/snapcheck -update and review the diff)\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}
