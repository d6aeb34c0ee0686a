package counterexamples

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/snapcheck/snapcheck/properties"
)

// WriteText renders the replayed trace as a text timeline: one column per
// node and one row per event, a column per snapshot with the event's place
// (PRE or POST of its node's recording, SPEC §5.2), then for each snapshot
// what it recorded against what a correct snapshot holds, the violated
// property, and the reordering witness of each completed snapshot.
func WriteText(w io.Writer, tr *Trace, o *Outcome) error {
	ew := &errWriter{w: w}
	x := o.Execution
	t := &o.System.Topo
	ew.printf("Trace: %s\n", headline(tr, o))
	ew.printf("Bank: %d nodes, %d channels (%s), total $%d\n", len(t.Nodes), len(t.Chans), channelKind(t), o.System.Total())
	if tr.Kind == KindCounterexample {
		ew.printf("Violation: %s — %s\n", tr.Property, tr.Message)
	}
	var flying []string
	for _, m := range x.Msgs {
		if m.Sent < 0 {
			flying = append(flying, transferText(x, m))
		}
	}
	if len(flying) > 0 {
		ew.printf("In flight initially: %s\n", strings.Join(flying, ", "))
	}
	ew.printf("\n")
	writeTimeline(ew, x)
	for s, sid := range t.Snapshots {
		ew.printf("\n")
		writeSnapshotText(ew, x, s, sid)
	}
	ew.printf("\n")
	switch {
	case tr.Kind == KindWitness && len(o.Problems) == 0:
		ew.printf("Verdict: no violation — every property holds on this execution.\n")
	case tr.Kind == KindCounterexample && o.Reproduced:
		p, _ := problemFor(tr, o)
		ew.printf("Verdict: violation of %s reproduced — %s\n", p.Property, p.Message)
	case tr.Kind == KindCounterexample:
		ew.printf("Verdict: the recorded violation of %s is NOT reproduced by this execution.\n", tr.Property)
	default:
		ew.printf("Verdict: violation — the trace records none, but the execution violates %d propert(ies).\n", len(o.Problems))
	}
	also := "Violated"
	if tr.Kind == KindCounterexample {
		also = "Also violated"
	}
	for _, p := range o.Problems {
		if tr.Kind == KindCounterexample && p.Property == tr.Property && (tr.Snapshot == "" || p.Snapshot == tr.Snapshot) {
			continue
		}
		ew.printf("%s: %s — %s\n", also, p.Property, p.Message)
	}
	for s := range t.Snapshots {
		if x.CompleteAt[s] < 0 {
			continue
		}
		ew.printf("\n")
		if ew.err == nil {
			ew.err = properties.WriteWitness(ew, x, s)
		}
	}
	return ew.err
}

// writeTimeline prints the table: step, one column per node, one per
// snapshot.
func writeTimeline(ew *errWriter, x *properties.Execution) {
	t := &x.Sys.Topo
	n := len(t.Nodes)
	ns := len(t.Snapshots)
	rows := len(x.Events) + 2 // initial, events, final
	cells := make([][]string, rows)
	for r := range cells {
		cells[r] = make([]string, 1+n+ns)
	}
	cells[0][0] = "init"
	cells[rows-1][0] = "final"
	for i := range t.Nodes {
		cells[0][1+i] = fmt.Sprintf("$%d", x.State(0).Balance[i])
		cells[rows-1][1+i] = fmt.Sprintf("$%d", x.Final().Balance[i])
	}
	for k, e := range x.Events {
		row := cells[1+k]
		row[0] = fmt.Sprint(k + 1)
		text := x.Sys.Describe(e)
		b0 := x.State(k).Balance[e.Node] // (State's result is valid until the next call)
		if b1 := x.State(k + 1).Balance[e.Node]; b0 != b1 {
			text += fmt.Sprintf(" → $%d", b1)
		}
		row[1+e.Node] = text
		for s := range t.Snapshots {
			if anyRecorded(x, s) {
				row[1+n+s] = placeText(x, s, k)
			}
		}
	}
	for s, sid := range t.Snapshots {
		switch {
		case !anyRecorded(x, s):
			cells[rows-1][1+n+s] = sid + " never started"
		case x.CompleteAt[s] < 0:
			cells[rows-1][1+n+s] = sid + " not complete"
		}
	}
	head := make([]string, 1+n+ns)
	head[0] = "step"
	copy(head[1:], t.Nodes)
	copy(head[1+n:], t.Snapshots)
	width := make([]int, len(head))
	for c := range head {
		width[c] = utf8.RuneCountInString(head[c])
		for r := range cells {
			width[c] = max(width[c], utf8.RuneCountInString(cells[r][c]))
		}
	}
	line := func(row []string, right bool) {
		var b strings.Builder
		for c, s := range row {
			if c > 0 {
				b.WriteString(" | ")
			}
			pad := strings.Repeat(" ", width[c]-utf8.RuneCountInString(s))
			if c == 0 && right {
				b.WriteString(pad + s)
			} else {
				b.WriteString(s + pad)
			}
		}
		ew.printf("%s\n", strings.TrimRight(b.String(), " "))
	}
	line(head, false)
	sep := make([]string, len(head))
	for c := range sep {
		sep[c] = strings.Repeat("-", width[c])
	}
	ew.printf("%s\n", strings.Join(sep, "-+-"))
	for _, row := range cells {
		line(row, true)
	}
}

// placeText is the snapshot column of event k: PRE or POST, and what
// happens to the snapshot in it.
func placeText(x *properties.Execution, s, k int) string {
	t := &x.Sys.Topo
	e := x.Events[k]
	place := "POST"
	if x.Pre(s, k) {
		place = "PRE"
	}
	var notes []string
	if x.RecordAt[s][e.Node] == k {
		notes = append(notes, fmt.Sprintf("%s records $%d", t.Nodes[e.Node], x.State(k + 1).Rec[s*len(t.Nodes)+e.Node].Balance))
	}
	if x.CompleteAt[s] == k {
		notes = append(notes, "completes")
	}
	if len(notes) > 0 {
		place += "  " + strings.Join(notes, ", ")
	}
	return place
}

// writeSnapshotText prints what snapshot s recorded against a correct
// snapshot with the same recording points.
func writeSnapshotText(ew *errWriter, x *properties.Execution, s int, sid string) {
	t := &x.Sys.Topo
	var who []string
	for i, id := range t.Nodes {
		if r := x.RecordAt[s][i]; r >= 0 {
			who = append(who, fmt.Sprintf("%s at step %d", id, r+1))
		} else {
			who = append(who, id+" never")
		}
	}
	status := "never started"
	switch {
	case x.CompleteAt[s] >= 0:
		status = fmt.Sprintf("completed at step %d", x.CompleteAt[s]+1)
	case anyRecorded(x, s):
		status = "not completed"
	}
	if !anyRecorded(x, s) {
		ew.printf("Snapshot %s: %s\n", sid, status)
		return
	}
	ew.printf("Snapshot %s: %s; recorded by %s\n", sid, status, strings.Join(who, ", "))
	rec, cor := x.Recorded(s), x.Correct(s)
	rows := [][3]string{{"", "recorded", "correct"}}
	for i, id := range t.Nodes {
		c := "-"
		if x.RecordAt[s][i] >= 0 {
			c = fmt.Sprintf("$%d", cor.Nodes[id])
		}
		r := "-"
		if x.RecordAt[s][i] >= 0 {
			r = fmt.Sprintf("$%d", rec.Nodes[id])
		}
		rows = append(rows, [3]string{"node " + id, r, c})
	}
	for ch := range t.Chans {
		name := t.ChannelName(ch)
		ra, rok := rec.Channels[name]
		ca, cok := cor.Channels[name]
		if !rok && !cok {
			continue
		}
		rows = append(rows, [3]string{"channel " + name, amountList(ra), amountList(ca)})
	}
	rows = append(rows, [3]string{"total", fmt.Sprintf("$%d", rec.Total()), fmt.Sprintf("$%d", cor.Total())})
	w0, w1 := 0, 0
	for _, r := range rows {
		w0 = max(w0, len(r[0]))
		w1 = max(w1, len(r[1]))
	}
	for _, r := range rows {
		ew.printf("%s\n", strings.TrimRight(fmt.Sprintf("  %-*s  %-*s  %s", w0, r[0], w1, r[1], r[2]), " "))
	}
	if x.CompleteAt[s] >= 0 {
		ew.printf("  (the bank holds $%d)\n", x.Sys.Total())
		return
	}
	// Not complete: say where each node stands at the end.
	fin := x.Final()
	for i, id := range t.Nodes {
		r := fin.Rec[s*len(t.Nodes)+i]
		switch {
		case !r.Recorded:
			ew.printf("  at the end, node %s has not recorded %s\n", id, sid)
		case !r.Done:
			var open []string
			for _, c := range t.In[i] {
				if fin.Recording[s*len(t.Chans)+c] {
					open = append(open, t.ChannelName(c))
				}
			}
			what := "has not finished it"
			if len(open) > 0 {
				what += "; still recording " + strings.Join(open, ", ")
			}
			ew.printf("  at the end, node %s %s\n", id, what)
		}
	}
}

func anyRecorded(x *properties.Execution, s int) bool {
	for _, r := range x.RecordAt[s] {
		if r >= 0 {
			return true
		}
	}
	return false
}

func amountList(a []int32) string {
	parts := make([]string, len(a))
	for i, v := range a {
		parts[i] = fmt.Sprint(v)
	}
	return "[" + strings.Join(parts, ",") + "]"
}
