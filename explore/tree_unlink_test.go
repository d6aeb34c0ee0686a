package explore

import (
	"os"
	"reflect"
	"testing"
)

// TestFileTreeLeavesNoFile: the fingerprint search's file of parents has
// no name once created, so that a killed process leaves nothing in the
// temporary folder; the tree still reads back what was set.
func TestFileTreeLeavesNoFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("TMPDIR", dir)
	tr, err := newFileTree()
	if err != nil {
		t.Fatal(err)
	}
	defer tr.close()
	if es, _ := os.ReadDir(dir); len(es) != 0 {
		t.Fatalf("the open search tree left %d file(s) in the temporary folder: %v", len(es), es)
	}
	tr.extend(3, 0)
	tr.set(0, 0, 0)
	tr.set(1, 0, 3)
	tr.set(2, 1, 5)
	ps, err := tr.paths([]occurrence{{state: 2, event: 7}})
	if err != nil {
		t.Fatal(err)
	}
	if want := [][]int{{3, 5, 7}}; !reflect.DeepEqual(ps, want) {
		t.Fatalf("paths = %v, want %v", ps, want)
	}
}
