package counterexamples

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
)

func TestDotQuote(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"node a", `"node a"`},
		{`C:\new`, `"C:\\new"`},
		{`a"b`, `"a\"b"`},
		{"two\nlines", `"two\nlines"`},
		{"ü b", `"ü b"`},
		{"bell\x07 and\u2028", `"bell  and "`},
	} {
		if got := dotQuote(tc.in); got != tc.want {
			t.Errorf("dotQuote(%q) = %s, want %s", tc.in, got, tc.want)
		}
	}
}

// oddTrace is a trace of a bank whose node ids need care: "ü b" and "ü_b"
// make the same host name, and one id holds a line break.
func oddTrace(t *testing.T) (*Trace, *Outcome) {
	t.Helper()
	cfg, err := model.ParseConfig([]byte(`{"nodes": [{"id": "ü b", "balance": 2}, {"id": "ü_b", "balance": 1}, {"id": "x\ny", "balance": 0}],
		"workload": {"script": {"ü b": [{"to": "ü_b", "amount": 1}], "ü_b": [{"to": "x\ny", "amount": 1}]}},
		"snapshots": [{"id": "s", "initiators": ["ü b"]}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sys, err := algorithms.Build(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var evs []model.Event
	st := sys.Initial()
	for {
		en := sys.Events(st)
		if len(en) == 0 {
			break
		}
		e := en[len(en)-1]
		if _, err := sys.Step(st, e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	tr, err := New(sys, KindWitness, evs)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Replay(tr)
	if err != nil {
		t.Fatal(err)
	}
	return tr, out
}

// TestShiVizOddIds: every node gets a host name of its own, and every
// event stays two lines that ShiViz's expression reads.
func TestShiVizOddIds(t *testing.T) {
	tr, out := oddTrace(t)
	text := string(render(t, "shiviz", tr, out))
	re := regexp.MustCompile(ShiVizRegex)
	ms := re.FindAllStringSubmatch(text, -1)
	if len(ms) != len(out.Execution.Events) || strings.Count(text, "\n") != 2*len(ms) {
		t.Fatalf("%d events read and %d lines, want %d and %d:\n%s", len(ms), strings.Count(text, "\n"), len(out.Execution.Events), 2*len(out.Execution.Events), text)
	}
	hosts := map[int]string{}
	for k, e := range out.Execution.Events {
		h := ms[k][re.SubexpIndex("host")]
		if old, ok := hosts[e.Node]; ok && old != h {
			t.Errorf("node %d is host %q and %q", e.Node, old, h)
		}
		hosts[e.Node] = h
	}
	seen := map[string]bool{}
	for _, h := range hosts {
		if seen[h] {
			t.Errorf("host %q names two nodes:\n%s", h, text)
		}
		seen[h] = true
	}
	if len(hosts) < 3 {
		t.Errorf("events of %d nodes, want 3:\n%s", len(hosts), text)
	}
}

// TestWriteFileAtomicTargets: a new file gets the umask's permissions, a
// replaced one keeps its own, a symbolic link is followed, and a path
// that is not a regular file is written to, never replaced.
func TestWriteFileAtomicTargets(t *testing.T) {
	dir := t.TempDir()
	mode := func(p string) os.FileMode {
		fi, err := os.Lstat(p)
		if err != nil {
			t.Fatal(err)
		}
		return fi.Mode()
	}
	fresh := filepath.Join(dir, "new.txt")
	if err := WriteFileAtomic(fresh, []byte("a")); err != nil {
		t.Fatal(err)
	}
	if got, want := mode(fresh).Perm(), 0o666&^umask(); got != want {
		t.Errorf("new file: %v, want %v", got, want)
	}
	old := filepath.Join(dir, "old.txt")
	if err := os.WriteFile(old, []byte("x"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(old, 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(old, []byte("y")); err != nil {
		t.Fatal(err)
	}
	if got := mode(old).Perm(); got != 0o640 {
		t.Errorf("replaced file: %v, want -rw-r-----", got)
	}
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(old, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(link, []byte("through the link")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(old); string(b) != "through the link" || mode(link)&os.ModeSymlink == 0 {
		t.Errorf("after writing through a link: target holds %q, link mode %v", b, mode(link))
	}
	fifo := filepath.Join(dir, "fifo")
	if err := exec.Command("mkfifo", fifo).Run(); err == nil {
		got := make(chan string, 1)
		go func() {
			b, _ := os.ReadFile(fifo)
			got <- string(b)
		}()
		if err := WriteFileAtomic(fifo, []byte("piped")); err != nil {
			t.Fatal(err)
		}
		select {
		case s := <-got:
			if s != "piped" || mode(fifo)&os.ModeNamedPipe == 0 {
				t.Errorf("named pipe: read %q, mode %v", s, mode(fifo))
			}
		case <-time.After(10 * time.Second):
			t.Errorf("named pipe: nothing read, mode %v", mode(fifo))
		}
	}
	if err := WriteFileAtomic(dir, []byte("d")); err == nil {
		t.Error("writing over a folder succeeded")
	}
}
