package counterexamples

import (
	"fmt"
	"io"
	"strings"

	"github.com/snapcheck/snapcheck/model"
	"github.com/snapcheck/snapcheck/properties"
)

// Formats lists the formats Render knows, the default first.
func Formats() []string { return []string{"text", "svg", "dot", "shiviz", "json"} }

// Render writes the replayed trace tr (o is its Outcome) to w in format:
// text, svg, dot, shiviz or json.
func Render(w io.Writer, format string, tr *Trace, o *Outcome) error {
	switch format {
	case "text":
		return WriteText(w, tr, o)
	case "svg":
		return WriteSVG(w, tr, o)
	case "dot":
		return WriteDOT(w, tr, o)
	case "shiviz":
		return WriteShiViz(w, tr, o)
	case "json":
		return WriteJSON(w, tr, o)
	}
	return fmt.Errorf("unknown format %q (known: %s)", format, strings.Join(Formats(), ", "))
}

// errWriter remembers the first write error, so renderers can write
// freely and check once.
type errWriter struct {
	w   io.Writer
	err error
}

func (e *errWriter) printf(format string, args ...any) {
	if e.err == nil {
		_, e.err = fmt.Fprintf(e.w, format, args...)
	}
}

func (e *errWriter) Write(p []byte) (int, error) {
	if e.err != nil {
		return 0, e.err
	}
	n, err := e.w.Write(p)
	e.err = err
	return n, err
}

// headline says what the trace is, in one line.
func headline(tr *Trace, o *Outcome) string {
	name := o.System.Config.Name
	if name == "" {
		name = "(unnamed)"
	}
	what := "witness"
	if tr.Kind == KindCounterexample {
		what = "counterexample of " + tr.Property
		if tr.Snapshot != "" {
			what += " for snapshot " + tr.Snapshot
		}
	}
	return fmt.Sprintf("%s — %s, algorithm %s, %d events", name, what, tr.Algorithm, len(tr.Events))
}

// channelKind names the channel discipline.
func channelKind(t *model.Topology) string {
	if t.FIFO {
		return "FIFO"
	}
	return "non-FIFO"
}

// transferText describes message m of x briefly, e.g. "a->b $3" or
// "a->b marker(s1)".
func transferText(x *properties.Execution, m properties.Msg) string {
	t := &x.Sys.Topo
	if m.Control {
		if m.Snap >= 0 && m.Snap < len(t.Snapshots) {
			return fmt.Sprintf("%s marker(%s)", t.ChannelName(m.Chan), t.Snapshots[m.Snap])
		}
		return fmt.Sprintf("%s control(%d)", t.ChannelName(m.Chan), m.Amount)
	}
	return fmt.Sprintf("%s $%d", t.ChannelName(m.Chan), m.Amount)
}

// problemFor returns the problem that the trace records, if the replay
// shows it.
func problemFor(tr *Trace, o *Outcome) (properties.Problem, bool) {
	for _, p := range o.Problems {
		if p.Property == tr.Property && (tr.Snapshot == "" || p.Snapshot == tr.Snapshot) {
			return p, true
		}
	}
	return properties.Problem{}, false
}
