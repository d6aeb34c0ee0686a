package counterexamples

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/model/algorithms"
	"github.com/snapcheck/snapcheck/properties"
)

// Format and Version identify trace files. A reader accepts only the
// versions it knows.
const (
	Format  = "snapcheck-trace"
	Version = 1
)

// Kinds of trace.
const (
	KindCounterexample = "counterexample" // an execution that violates Property
	KindWitness        = "witness"        // an execution that records a snapshot correctly
)

// Trace is a self-contained, versioned trace file: the whole configuration,
// the events in order with the state hash after each, and what the trace
// shows.
type Trace struct {
	Format    string          `json:"format"`
	Version   int             `json:"version"`
	Kind      string          `json:"kind"`
	Config    json.RawMessage `json:"config"`
	Algorithm string          `json:"algorithm"`
	// Property and Message: the violated property and a one-line
	// explanation (counterexamples).
	Property string `json:"property,omitempty"`
	Snapshot string `json:"snapshot,omitempty"`
	Message  string `json:"message,omitempty"`
	// Recorded is what the snapshot recorded; Correct what a correct
	// snapshot with the same recording points holds.
	Recorded *properties.SnapshotValue `json:"recorded,omitempty"`
	Correct  *properties.SnapshotValue `json:"correct,omitempty"`
	// Seed is the random seed that produced the trace, if any.
	Seed        *int64  `json:"seed,omitempty"`
	InitialHash string  `json:"initial_hash"`
	Events      []Event `json:"events"`
}

// Event is one event of a trace, named by node and channel ids.
type Event struct {
	Step     int    `json:"step"`
	Kind     string `json:"kind"`
	Node     string `json:"node"`
	From     string `json:"from,omitempty"`
	To       string `json:"to,omitempty"`
	Amount   int32  `json:"amount,omitempty"`
	Index    int    `json:"index,omitempty"`
	Marker   bool   `json:"marker,omitempty"`
	Snapshot string `json:"snapshot,omitempty"`
	Action   int    `json:"action,omitempty"`
	Text     string `json:"text"`
	Hash     string `json:"hash"`
}

// HashString formats a state hash as trace files carry it.
func HashString(h uint64) string { return fmt.Sprintf("%016x", h) }

// New builds a trace of the given events of sys; it replays them to
// compute the state hashes.
func New(sys *model.System, kind string, events []model.Event) (*Trace, error) {
	cfg, err := json.Marshal(sys.Config)
	if err != nil {
		return nil, fmt.Errorf("trace: encode config: %w", err)
	}
	tr := &Trace{Format: Format, Version: Version, Kind: kind, Config: cfg, Algorithm: sys.Algorithm().Name(), Events: []Event{}}
	st := sys.Initial()
	tr.InitialHash = HashString(st.Hash())
	t := &sys.Topo
	for k, e := range events {
		if _, err := sys.Step(st, e); err != nil {
			return nil, fmt.Errorf("trace: step %d: %w", k+1, err)
		}
		te := Event{Step: k + 1, Kind: e.Kind.String(), Node: t.Nodes[e.Node], Text: sys.Describe(e), Hash: HashString(st.Hash())}
		switch e.Kind {
		case model.Send, model.Receive:
			c := t.Chans[e.Chan]
			te.From, te.To, te.Amount = t.Nodes[c.From], t.Nodes[c.To], e.Amount
			if e.Kind == model.Receive {
				te.Index, te.Marker = e.Index, e.Control
				if e.Control {
					te.Snapshot = t.Snapshots[e.Snap]
				}
			}
		case model.Initiate:
			te.Snapshot = t.Snapshots[e.Snap]
		case model.Internal:
			te.Action = e.Action
		}
		tr.Events = append(tr.Events, te)
	}
	return tr, nil
}

// FromViolation builds the counterexample trace of a violation.
func FromViolation(sys *model.System, v properties.Violation) (*Trace, error) {
	tr, err := New(sys, KindCounterexample, v.Events)
	if err != nil {
		return nil, err
	}
	tr.Property, tr.Snapshot, tr.Message = v.Property, v.Snapshot, v.Message
	tr.Recorded, tr.Correct = v.Recorded, v.Correct
	return tr, nil
}

// Encode returns the trace as indented JSON.
func (tr *Trace) Encode() ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false) // channel names such as 1->2 stay readable
	if err := enc.Encode(tr); err != nil {
		return nil, fmt.Errorf("trace: encode: %w", err)
	}
	return buf.Bytes(), nil
}

// WriteFile writes the trace to path whole or not at all (a temporary file
// in the same folder, then a rename).
func (tr *Trace) WriteFile(path string) error {
	b, err := tr.Encode()
	if err != nil {
		return err
	}
	return WriteFileAtomic(path, b)
}

// WriteFileAtomic writes data to path through a temporary file and a rename,
// so that readers see the old file or the whole new one. A symbolic link
// is followed, even a dangling one (the file it names is written, not the
// link replaced), and a path that is not a regular file (a device such as
// /dev/stdout, a named pipe) is written to directly. A new file gets the permissions the process's
// umask leaves of 0666 (the kernel applies it when the temporary file is
// created); a file replaced keeps its own.
func WriteFileAtomic(path string, data []byte) error {
	// The system follows the path first: a link to something that is not
	// a file (/dev/stdout on a pipe names "pipe:[N]") is written through.
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return writeDirect(path, data)
	}
	path = followLinks(path)
	old, _ := os.Stat(path)
	perm := os.FileMode(0o666) // less the umask
	if old != nil {
		perm = old.Mode().Perm()
	}
	f, err := createTemp(path, perm)
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	var merr error
	if old != nil {
		merr = f.Chmod(old.Mode().Perm())
	}
	serr := f.Sync()
	cerr := f.Close()
	if err := errors.Join(werr, merr, serr, cerr); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// followLinks returns the file that path names through symbolic links,
// even one that does not exist yet (a dangling link is followed to the
// file it would name, which is then created, rather than replaced by a
// file); path itself when it is no link, or the links loop.
func followLinks(path string) string {
	if real, err := filepath.EvalSymlinks(path); err == nil {
		return real
	}
	p := path
	for range 40 {
		fi, err := os.Lstat(p)
		if err != nil {
			return path
		}
		if fi.Mode()&os.ModeSymlink == 0 {
			return p
		}
		target, err := os.Readlink(p)
		if err != nil {
			return path
		}
		if !filepath.IsAbs(target) {
			// Relative to the folder the link is in, as the system
			// resolves it (through any links in the folder's path).
			dir := filepath.Dir(p)
			if real, err := filepath.EvalSymlinks(dir); err == nil {
				dir = real
			}
			target = filepath.Join(dir, target)
		}
		if _, err := os.Lstat(target); errors.Is(err, fs.ErrNotExist) {
			return target // the dangling link's file
		}
		p = target
	}
	return path
}

// createTemp creates a new file beside path, named after it, with mode
// perm less the umask. (os.CreateTemp gives 0600 whatever the umask, and
// reading the umask to chmod afterwards either races with other goroutines,
// syscall.Umask, or depends on /proc.)
func createTemp(path string, perm os.FileMode) (*os.File, error) {
	dir, base := filepath.Split(path)
	for range 1000 {
		name := filepath.Join(dir, "."+base+".tmp-"+strconv.FormatUint(uint64(rand.Uint32()), 10))
		f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE|os.O_EXCL, perm)
		if !errors.Is(err, fs.ErrExist) {
			return f, err
		}
	}
	return nil, fmt.Errorf("no unused temporary name beside %s", path)
}

// writeDirect writes data to path, which exists and is not a regular file.
// Its errors are the file system's, which name the path and the operation.
func writeDirect(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return err
	}
	_, werr := f.Write(data)
	return errors.Join(werr, f.Close())
}

// MaxTraceBytes bounds the size of a trace file that Read accepts.
const MaxTraceBytes = 64 << 20

// ReadFile reads and parses the trace file at path.
func ReadFile(path string) (*Trace, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("trace: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxTraceBytes+1))
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", path, err)
	}
	tr, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("trace %s: %w", path, err)
	}
	return tr, nil
}

// Parse decodes a trace and checks its form (not its replay): the format
// and version, the configuration, and every event's fields.
func Parse(data []byte) (*Trace, error) {
	if len(data) > MaxTraceBytes {
		return nil, fmt.Errorf("larger than %d bytes", MaxTraceBytes)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var tr Trace
	if err := dec.Decode(&tr); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return nil, fmt.Errorf("invalid JSON at byte %d: %w", se.Offset, err)
		}
		return nil, fmt.Errorf("invalid trace: %w", err)
	}
	if dec.More() {
		return nil, errors.New("invalid trace: more than one JSON value")
	}
	if tr.Format != Format {
		return nil, fmt.Errorf("format: want %q, got %q", Format, tr.Format)
	}
	if tr.Version != Version {
		return nil, fmt.Errorf("version: this snapcheck reads version %d, the file is version %d", Version, tr.Version)
	}
	if tr.Kind != KindCounterexample && tr.Kind != KindWitness {
		return nil, fmt.Errorf("kind: must be %q or %q, got %q", KindCounterexample, KindWitness, tr.Kind)
	}
	if len(tr.Config) == 0 {
		return nil, errors.New("config: missing")
	}
	cfg, err := model.ParseConfig(tr.Config)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	if cfg.Algorithm != "" && cfg.Algorithm != tr.Algorithm {
		return nil, fmt.Errorf("algorithm: the trace says %q, its configuration says %q", tr.Algorithm, cfg.Algorithm)
	}
	if tr.Kind == KindCounterexample {
		if !slices.Contains(properties.Names(), tr.Property) {
			return nil, fmt.Errorf("property: unknown property %q", tr.Property)
		}
	}
	if !isHash(tr.InitialHash) {
		return nil, fmt.Errorf("initial_hash: must be 16 lower-case hex digits, got %q", tr.InitialHash)
	}
	for i, e := range tr.Events {
		if e.Step != i+1 {
			return nil, fmt.Errorf("events[%d].step: want %d, got %d", i, i+1, e.Step)
		}
		if _, ok := model.ParseEventKind(e.Kind); !ok {
			return nil, fmt.Errorf("events[%d].kind: unknown kind %q", i, e.Kind)
		}
		if e.Action < 0 {
			return nil, fmt.Errorf("events[%d].action: must be 0 or more, got %d", i, e.Action)
		}
		if !isHash(e.Hash) {
			return nil, fmt.Errorf("events[%d].hash: must be 16 lower-case hex digits, got %q", i, e.Hash)
		}
	}
	return &tr, nil
}

// isHash reports whether h is a state hash as HashString writes it: 16
// lower-case hex digits (replay compares the text, so "ABC…" would not
// match "abc…").
func isHash(h string) bool {
	if len(h) != 16 {
		return false
	}
	for _, c := range []byte(h) {
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// System compiles the trace's configuration with the algorithm it names.
func (tr *Trace) System() (*model.System, error) {
	cfg, err := model.ParseConfig(tr.Config)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	alg, err := algorithms.Lookup(tr.Algorithm)
	if err != nil {
		return nil, err
	}
	sys, err := model.Build(cfg, alg)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	return sys, nil
}

// ModelEvent resolves trace event i against sys; it does not check that
// the event is enabled.
func (tr *Trace) ModelEvent(sys *model.System, i int) (model.Event, error) {
	te := tr.Events[i]
	t := &sys.Topo
	f := func(format string, args ...any) (model.Event, error) {
		return model.Event{}, fmt.Errorf(format, args...)
	}
	kind, _ := model.ParseEventKind(te.Kind)
	e := model.Event{Kind: kind, Node: t.NodeIndex(te.Node), Chan: -1, Snap: -1}
	if e.Node < 0 {
		return f("unknown node %q", te.Node)
	}
	switch kind {
	case model.Send, model.Receive:
		a, b := t.NodeIndex(te.From), t.NodeIndex(te.To)
		e.Chan = t.ChannelIndex(a, b)
		if e.Chan < 0 {
			return f("no channel %s->%s", te.From, te.To)
		}
		e.Amount = te.Amount
		if kind == model.Receive {
			e.Index, e.Control = te.Index, te.Marker
			if te.Marker {
				if e.Snap = t.SnapshotIndex(te.Snapshot); e.Snap < 0 {
					return f("unknown snapshot %q", te.Snapshot)
				}
			}
		}
	case model.Initiate:
		if e.Snap = t.SnapshotIndex(te.Snapshot); e.Snap < 0 {
			return f("unknown snapshot %q", te.Snapshot)
		}
	case model.Internal:
		e.Action = te.Action
	}
	return e, nil
}
