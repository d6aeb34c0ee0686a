package counterexamples

import (
	"fmt"
	"io"
	"strings"
	"unicode"
)

// WriteDOT renders the replayed trace as a Graphviz digraph: one cluster
// per node holding its events in order (with a start node showing the
// initial balance), transfers as solid blue edges from send to receive,
// markers as dashed red edges, each event marked PRE or POST of each
// snapshot, and the recording events highlighted with the snapshot's cut
// colour. Render it with
// `dot -Tsvg`.
func WriteDOT(w io.Writer, tr *Trace, o *Outcome) error {
	ew := &errWriter{w: w}
	x := o.Execution
	t := &o.System.Topo
	cols := cutColours()
	label := headline(tr, o)
	if tr.Kind == KindCounterexample {
		label += "\nViolation of " + tr.Property + ": " + tr.Message
	}
	ew.printf("digraph trace {\n")
	ew.printf("  rankdir=LR;\n  newrank=true;\n  labelloc=t;\n  label=%s;\n", dotQuote(label))
	ew.printf("  node [shape=box, style=rounded, fontname=\"sans-serif\", fontsize=10];\n")
	ew.printf("  edge [fontname=\"sans-serif\", fontsize=9];\n")
	for i, id := range t.Nodes {
		ew.printf("  subgraph cluster_%d {\n", i)
		ew.printf("    label=%s;\n", dotQuote("node "+id))
		ew.printf("    n%d_start [shape=plaintext, label=%s];\n", i, dotQuote(fmt.Sprintf("%s $%d", id, x.State(0).Balance[i])))
		prev := fmt.Sprintf("n%d_start", i)
		for k, e := range x.Events {
			if e.Node != i {
				continue
			}
			lbl := fmt.Sprintf("%d: %s", k+1, x.Sys.Describe(e))
			var places []string
			attrs := ""
			for s, sid := range t.Snapshots {
				pl := "POST"
				if x.Pre(s, k) {
					pl = "PRE"
				}
				places = append(places, pl+" "+sid)
				if x.RecordAt[s][i] == k {
					lbl += "\nrecords " + sid
					attrs = fmt.Sprintf(", style=\"rounded,filled\", fillcolor=%s, color=%s, penwidth=2", dotQuote(cols[s%len(cols)]+"60"), dotQuote(cols[s%len(cols)]))
				}
				if x.CompleteAt[s] == k {
					lbl += "\ncompletes " + sid
				}
			}
			if len(places) > 0 {
				lbl += "\n" + strings.Join(places, ", ")
			}
			ew.printf("    e%d [label=%s%s];\n", k+1, dotQuote(lbl), attrs)
			ew.printf("    %s -> e%d [color=gray, weight=10];\n", prev, k+1)
			prev = fmt.Sprintf("e%d", k+1)
		}
		ew.printf("    n%d_end [shape=plaintext, label=%s];\n", i, dotQuote(fmt.Sprintf("$%d", x.Final().Balance[i])))
		ew.printf("    %s -> n%d_end [color=gray, weight=10];\n", prev, i)
		ew.printf("  }\n")
	}
	for _, m := range x.Msgs {
		c := t.Chans[m.Chan]
		from := fmt.Sprintf("n%d_start", c.From)
		if m.Sent >= 0 {
			from = fmt.Sprintf("e%d", m.Sent+1)
		}
		to := fmt.Sprintf("n%d_end", c.To)
		if m.Recv >= 0 {
			to = fmt.Sprintf("e%d", m.Recv+1)
		}
		attrs := fmt.Sprintf("color=%s, fontcolor=%s, label=%s", dotQuote(transferCol), dotQuote(transferCol), dotQuote(fmt.Sprintf("$%d", m.Amount)))
		if m.Control {
			lbl := "marker"
			if m.Snap >= 0 && m.Snap < len(t.Snapshots) {
				lbl = "m(" + t.Snapshots[m.Snap] + ")"
			}
			attrs = fmt.Sprintf("color=%s, fontcolor=%s, style=dashed, label=%s", dotQuote(markerCol), dotQuote(markerCol), dotQuote(lbl))
		}
		if m.Recv < 0 {
			attrs += ", style=dotted"
		}
		ew.printf("  %s -> %s [%s, constraint=false, tooltip=%s];\n", from, to, attrs, dotQuote(msgTitle(x, m)))
	}
	ew.printf("}\n")
	return ew.err
}

// dotQuote quotes s as a DOT string: a backslash and a quote are escaped,
// a newline becomes a line break (\n), another control character a space;
// the rest, Unicode included, stays as it is (DOT reads UTF-8).
func dotQuote(s string) string {
	var b strings.Builder
	b.WriteByte('"')
	for _, r := range s {
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\n':
			b.WriteString(`\n`)
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029':
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}
