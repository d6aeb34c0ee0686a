package counterexamples

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// witnessTrace is the witness trace of the golden files: Chandy–Lamport on
// the lecture's bank, always taking the first enabled event, to the end.
const witnessTrace = "testdata/witness-lecture.trace.json"

func makeWitnessTrace(t *testing.T) []byte {
	t.Helper()
	sys, err := algorithms.Load(filepath.Join("..", "examples", "lecture.json"))
	if err != nil {
		t.Fatal(err)
	}
	st := sys.Initial()
	var events []model.Event
	for evs := sys.Events(st); len(evs) > 0; evs = sys.Events(st) {
		sys.Apply(st, evs[0])
		events = append(events, evs[0])
	}
	tr, err := New(sys, KindWitness, events)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Encode()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestWitnessTraceFile(t *testing.T) {
	want := makeWitnessTrace(t)
	if *update {
		if err := os.WriteFile(witnessTrace, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(witnessTrace)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s is out of date (run go test ./counterexamples -update)", witnessTrace)
	}
	tr, err := Parse(got)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Replay(tr)
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Problems) != 0 || out.Reproduced || !out.Execution.Terminal {
		t.Errorf("witness replay: problems %+v, reproduced %v, maximal %v", out.Problems, out.Reproduced, out.Execution.Terminal)
	}
}

// goldenTraces are the traces whose every rendering is golden.
var goldenTraces = []string{
	"corpus/lecture-late-markers-conservation.trace.json",
	"corpus/no-forward-termination.trace.json", // no snapshot completes: no witness section
	"corpus/non-fifo-consistent-cut.trace.json",
	"witness-lecture.trace.json", // a witness: no violation
}

func replayFile(t *testing.T, path string) (*Trace, *Outcome) {
	t.Helper()
	tr, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return tr, mustReplay(t, tr)
}

// mustReplay replays tr, which must replay.
func mustReplay(t *testing.T, tr *Trace) *Outcome {
	t.Helper()
	out, err := Replay(tr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func render(t *testing.T, format string, tr *Trace, o *Outcome) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := Render(&b, format, tr, o); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestGoldenShow compares every format of every golden trace with
// testdata/show/ (-update rewrites them).
func TestGoldenShow(t *testing.T) {
	ext := map[string]string{"text": "txt", "svg": "svg", "dot": "dot", "shiviz": "shiviz.log", "json": "json"}
	for _, name := range goldenTraces {
		tr, out := replayFile(t, filepath.Join("testdata", name))
		base := strings.TrimSuffix(filepath.Base(name), ".trace.json")
		for _, f := range Formats() {
			t.Run(base+"."+f, func(t *testing.T) {
				got := render(t, f, tr, out)
				path := filepath.Join("testdata", "show", base+"."+ext[f])
				if *update {
					if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
						t.Fatal(err)
					}
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from the rendering (run go test ./counterexamples -update and review the diff)\ngot:\n%s", path, got)
				}
			})
		}
	}
}

func TestRenderUnknownFormat(t *testing.T) {
	tr, out := replayFile(t, witnessTrace)
	if err := Render(io.Discard, "png", tr, out); err == nil || !strings.Contains(err.Error(), `unknown format "png"`) {
		t.Errorf("Render png: %v", err)
	}
}

func TestRenderWriteError(t *testing.T) {
	tr, out := replayFile(t, witnessTrace)
	for _, f := range Formats() {
		if err := Render(failWriter{}, f, tr, out); err == nil {
			t.Errorf("%s: a write error is not reported", f)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("disk full") }

// allTraces lists every trace file under testdata.
func allTraces(t *testing.T) []string {
	t.Helper()
	files, err := filepath.Glob("testdata/corpus/*.trace.json")
	if err != nil {
		t.Fatal(err)
	}
	return append(files, witnessTrace)
}

// TestSVGWellFormed parses every SVG rendering as XML and checks its
// parts: the root, one line per process, one arrow per message with
// markers dashed, a cut per recorded snapshot, a legend.
func TestSVGWellFormed(t *testing.T) {
	for _, path := range allTraces(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, out := replayFile(t, path)
			dec := xml.NewDecoder(bytes.NewReader(render(t, "svg", tr, out)))
			var root string
			groups := map[string]int{}
			var group string
			dashed, solid := 0, 0
			for {
				tok, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("not well-formed XML: %v", err)
				}
				se, ok := tok.(xml.StartElement)
				if !ok {
					continue
				}
				if root == "" {
					root = se.Name.Space + " " + se.Name.Local
				}
				attr := func(n string) string {
					for _, a := range se.Attr {
						if a.Name.Local == n {
							return a.Value
						}
					}
					return ""
				}
				if se.Name.Local == "g" {
					group = attr("id")
				}
				groups[group+"/"+se.Name.Local]++
				if group == "messages" && se.Name.Local == "line" {
					if attr("stroke-dasharray") != "" {
						dashed++
					} else {
						solid++
					}
				}
			}
			if root != "http://www.w3.org/2000/svg svg" {
				t.Errorf("root element %q", root)
			}
			x := out.Execution
			if got, want := groups["processes/line"], len(x.Sys.Topo.Nodes); got != want {
				t.Errorf("%d process lines, want %d", got, want)
			}
			markers := 0
			for _, m := range x.Msgs {
				if m.Control {
					markers++
				}
			}
			if dashed != markers || solid != len(x.Msgs)-markers {
				t.Errorf("%d dashed and %d solid arrows, want %d markers and %d transfers", dashed, solid, markers, len(x.Msgs)-markers)
			}
			if got := groups["events/circle"]; got != len(x.Events) {
				t.Errorf("%d event circles, want %d", got, len(x.Events))
			}
			recorded := 0
			for s := range x.Sys.Topo.Snapshots {
				if anyRecorded(x, s) {
					recorded++
				}
			}
			if got := groups["cuts/polyline"]; got != recorded {
				t.Errorf("%d cuts, want %d", got, recorded)
			}
			if groups["legend/text"] == 0 {
				t.Error("no legend")
			}
		})
	}
}

// TestShiVizClocks parses every ShiViz rendering with ShiViz's default
// regular expression and re-derives every vector clock by ShiViz's rules:
// a host's own counter goes up by one per event; a receive (of a transfer
// or a marker) first merges the clock of the matching send.
func TestShiVizClocks(t *testing.T) {
	re := regexp.MustCompile(ShiVizRegex)
	for _, path := range allTraces(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, out := replayFile(t, path)
			x := out.Execution
			nodes := x.Sys.Topo.Nodes
			text := string(render(t, "shiviz", tr, out))
			ms := re.FindAllStringSubmatch(text, -1)
			if len(ms) != len(x.Events) {
				t.Fatalf("%d ShiViz events, want %d", len(ms), len(x.Events))
			}
			iEvent, iHost, iClock := re.SubexpIndex("event"), re.SubexpIndex("host"), re.SubexpIndex("clock")
			// Independent re-derivation: clocks keyed by host name.
			cur := map[string]map[string]int{}
			at := make([]map[string]int, len(x.Events))
			for k, e := range x.Events {
				host := nodes[e.Node]
				c := map[string]int{}
				for h, v := range cur[host] {
					c[h] = v
				}
				if id := x.Received[k]; id >= 0 && x.Msgs[id].Sent >= 0 {
					for h, v := range at[x.Msgs[id].Sent] {
						c[h] = max(c[h], v)
					}
				}
				c[host]++
				cur[host], at[k] = c, c
				m := ms[k]
				if m[iHost] != host {
					t.Errorf("event %d: host %q, want %q", k+1, m[iHost], host)
				}
				if !strings.Contains(m[iEvent], x.Sys.Describe(e)) {
					t.Errorf("event %d: line %q does not describe %q", k+1, m[iEvent], x.Sys.Describe(e))
				}
				var got map[string]int
				if err := json.Unmarshal([]byte(m[iClock]), &got); err != nil {
					t.Fatalf("event %d: clock %q: %v", k+1, m[iClock], err)
				}
				if !sameClock(got, c) {
					t.Errorf("event %d (%s): clock %v, ShiViz derives %v", k+1, x.Sys.Describe(e), got, c)
				}
			}
		})
	}
}

func sameClock(a, b map[string]int) bool {
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	for k, v := range b {
		if a[k] != v {
			return false
		}
	}
	return true
}

// TestJSONAnalysis decodes the json rendering and checks it against the
// replayed execution: the embedded trace, places, messages, snapshots.
func TestJSONAnalysis(t *testing.T) {
	for _, path := range allTraces(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, out := replayFile(t, path)
			dec := json.NewDecoder(bytes.NewReader(render(t, "json", tr, out)))
			dec.DisallowUnknownFields()
			var a Analysis
			if err := dec.Decode(&a); err != nil {
				t.Fatal(err)
			}
			x := out.Execution
			if a.Format != ShowFormat || a.Version != ShowVersion || a.Reproduced != out.Reproduced {
				t.Errorf("header %q %d reproduced %v", a.Format, a.Version, a.Reproduced)
			}
			if len(a.Trace.Events) != len(tr.Events) || len(a.Events) != len(x.Events) || len(a.Messages) != len(x.Msgs) {
				t.Fatalf("%d trace events, %d events, %d messages", len(a.Trace.Events), len(a.Events), len(a.Messages))
			}
			for k, e := range a.Events {
				for s, sid := range x.Sys.Topo.Snapshots {
					want := "post"
					if x.Pre(s, k) {
						want = "pre"
					}
					if e.Place[sid] != want {
						t.Errorf("event %d: %s place %q, want %q", k+1, sid, e.Place[sid], want)
					}
				}
			}
			for i, m := range a.Messages {
				xm := x.Msgs[i]
				if (m.Sent == nil) != (xm.Sent < 0) || m.Sent != nil && *m.Sent != xm.Sent+1 ||
					(m.Received == nil) != (xm.Recv < 0) || m.Received != nil && *m.Received != xm.Recv+1 {
					t.Errorf("message %d: sent %v received %v, execution %+v", i, m.Sent, m.Received, xm)
				}
			}
			if len(a.Problems) != len(out.Problems) {
				t.Errorf("%d problems, want %d", len(a.Problems), len(out.Problems))
			}
		})
	}
}

// TestTextTimeline checks the text rendering's shape on every trace: a
// row per event with its description in its node's column, and the
// witness section only for completed snapshots.
func TestTextTimeline(t *testing.T) {
	for _, path := range allTraces(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			tr, out := replayFile(t, path)
			text := string(render(t, "text", tr, out))
			x := out.Execution
			for k, e := range x.Events {
				if !strings.Contains(text, x.Sys.Describe(e)) {
					t.Errorf("event %d %q missing", k+1, x.Sys.Describe(e))
				}
			}
			var ws bytes.Buffer
			for s := range x.Sys.Topo.Snapshots {
				if x.CompleteAt[s] >= 0 {
					if err := properties.WriteWitness(&ws, x, s); err != nil {
						t.Fatal(err)
					}
				}
			}
			if !strings.Contains(text, ws.String()) {
				t.Errorf("the witness section is missing")
			}
			if tr.Kind == KindCounterexample && !strings.Contains(text, tr.Message) {
				t.Errorf("the violation message is missing")
			}
		})
	}
}

// TestDOTWithGraphviz lays out every DOT rendering with Graphviz's dot,
// when it is installed.
func TestDOTWithGraphviz(t *testing.T) {
	dot, err := exec.LookPath("dot")
	if err != nil {
		t.Skip("Graphviz dot not installed")
	}
	for _, path := range allTraces(t) {
		tr, out := replayFile(t, path)
		cmd := exec.Command(dot, "-Tsvg")
		cmd.Stdin = bytes.NewReader(render(t, "dot", tr, out))
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil || stderr.Len() > 0 {
			t.Errorf("%s: dot: %v %s", filepath.Base(path), err, stderr.String())
		}
	}
}

// TestTextWitnessWithViolation: a witness trace whose execution violates a
// property says so in its verdict.
func TestTextWitnessWithViolation(t *testing.T) {
	tr := readCorpus(t, "late-markers-conservation.trace.json")
	tr.Kind, tr.Property, tr.Snapshot, tr.Message, tr.Recorded, tr.Correct = KindWitness, "", "", "", nil, nil
	out, err := Replay(tr)
	if err != nil {
		t.Fatal(err)
	}
	if out.Reproduced || len(out.Problems) == 0 {
		t.Fatalf("reproduced %v, problems %+v", out.Reproduced, out.Problems)
	}
	text := string(render(t, "text", tr, out))
	for _, want := range []string{"Verdict: violation — the trace records none, but the execution violates 2 propert(ies).", "Violated: conservation — ", "Violated: consistent-cut — "} {
		if !strings.Contains(text, want) {
			t.Errorf("text does not say %q", want)
		}
	}
}

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
	return maximalTrace(t, sys, func(en []model.Event) model.Event { return en[len(en)-1] })
}

// maximalTrace is the witness trace of the maximal execution of sys that
// takes pick(the enabled events) at each step, and its replay.
func maximalTrace(t *testing.T, sys *model.System, pick func([]model.Event) model.Event) (*Trace, *Outcome) {
	t.Helper()
	var evs []model.Event
	st := sys.Initial()
	for en := sys.Events(st); len(en) > 0; en = sys.Events(st) {
		e := pick(en)
		if _, err := sys.Step(st, e); err != nil {
			t.Fatal(err)
		}
		evs = append(evs, e)
	}
	tr, err := New(sys, KindWitness, evs)
	if err != nil {
		t.Fatal(err)
	}
	return tr, mustReplay(t, tr)
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
	// The umask is the process's: no test of this package runs in parallel.
	defer syscall.Umask(syscall.Umask(0o022))
	for _, mask := range []int{0o022, 0o077, 0o002} {
		syscall.Umask(mask)
		fresh := filepath.Join(dir, fmt.Sprintf("new%o.txt", mask))
		if err := WriteFileAtomic(fresh, []byte("a")); err != nil {
			t.Fatal(err)
		}
		if got, want := mode(fresh).Perm(), os.FileMode(0o666&^mask); got != want {
			t.Errorf("new file, umask %03o: %v, want %v", mask, got, want)
		}
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*")); len(left) > 0 {
		t.Errorf("temporary files left: %v", left)
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
	dangling := filepath.Join(dir, "dangling.txt")
	if err := os.Symlink("made.txt", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(dangling, []byte("through a dangling link")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "made.txt")); string(b) != "through a dangling link" || mode(dangling)&os.ModeSymlink == 0 {
		t.Errorf("after writing through a dangling link: target holds %q, link mode %v", b, mode(dangling))
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

// TestWriteFileAtomicAnonymousPipe: /dev/stdout when standard output is a
// pipe (show -o /dev/stdout | wc) is a link, through /proc/self/fd, to
// "pipe:[N]", which names no file: the pipe is written to.
func TestWriteFileAtomicAnonymousPipe(t *testing.T) {
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	path := fmt.Sprintf("/proc/self/fd/%d", w.Fd())
	if _, err := os.Stat(path); err != nil {
		w.Close()
		t.Skipf("no %s: %v", path, err)
	}
	got := make(chan string, 1)
	go func() {
		b, _ := io.ReadAll(r)
		got <- string(b)
	}()
	werr := WriteFileAtomic(path, []byte("piped"))
	w.Close()
	if werr != nil {
		t.Fatal(werr)
	}
	if s := <-got; s != "piped" {
		t.Errorf("read %q from the pipe, want %q", s, "piped")
	}
}

// TestWriteFileAtomicLinkInLinkedDir: a link's relative target is taken
// from the folder the link really is in, through a linked folder.
func TestWriteFileAtomicLinkInLinkedDir(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.MkdirAll("real/sub", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("real/target.json", []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("real/sub", "dirlink"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../target.json", "real/sub/out.json"); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("../made.json", "real/sub/dangling.json"); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, target string }{
		{filepath.Join("dirlink", "out.json"), "real/target.json"},
		{filepath.Join("dirlink", "dangling.json"), "real/made.json"},
	} {
		if err := WriteFileAtomic(tc.path, []byte("new")); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(tc.target); string(b) != "new" {
			t.Errorf("writing %s: %s holds %q", tc.path, tc.target, b)
		}
	}
}
