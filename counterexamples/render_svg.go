package counterexamples

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/snapcheck/snapcheck/properties"
)

// Colours and sizes of the space-time diagram.
const (
	svgLeft     = 90 // room for node names
	svgTop      = 70 // room for the title
	svgStepX    = 64 // horizontal distance between events
	svgLaneY    = 90 // vertical distance between processes
	svgLine     = 16 // text line height
	transferCol = "#1f77b4"
	markerCol   = "#d62728"
)

// cutColours are the colours of the snapshots' cuts, in snapshot order
// (cycled).
func cutColours() []string {
	return []string{"#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#17becf"}
}

// WriteSVG renders the replayed trace as a self-contained SVG space-time
// diagram: one horizontal line per node, events in their real order from
// left to right, transfers as solid arrows from send to receive, markers
// as dashed arrows of another colour, the cut of each snapshot through the
// recording events (just before them: the recording event is POST), a
// legend, and the list of events.
func WriteSVG(w io.Writer, tr *Trace, o *Outcome) error {
	x := o.Execution
	t := &o.System.Topo
	n, ne := len(t.Nodes), len(x.Events)
	xEnd := svgLeft + (ne+1)*svgStepX
	width := xEnd + 60
	laneY := func(i int) int { return svgTop + 30 + i*svgLaneY }
	evX := func(k int) int { return svgLeft + (k+1)*svgStepX }
	legendY := laneY(n-1) + svgLaneY/2 + 20
	listY := legendY + 3*svgLine + 10
	height := listY + (ne+1)*svgLine + 20
	// Room for the title, the violation line and the legend (text widths
	// estimated per character).
	title := headline(tr, o)
	sub := "Witness: no violation recorded"
	if tr.Kind == KindCounterexample {
		sub = "Violation of " + tr.Property + ": " + tr.Message
	}
	width = max(width, 20+utf8.RuneCountInString(title)*9, 20+utf8.RuneCountInString(sub)*7, 540+300*max(len(t.Snapshots)-1, 0), 640)

	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	p(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	p(`<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`+"\n", width, height, width, height)
	p(`<title>%s</title>`+"\n", esc(title))
	p(`<defs>` + "\n")
	for _, a := range [][2]string{{"arrow-transfer", transferCol}, {"arrow-marker", markerCol}} {
		p(`<marker id="%s" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="%s"/></marker>`+"\n", a[0], a[1])
	}
	p(`</defs>` + "\n")
	p(`<rect x="0" y="0" width="%d" height="%d" fill="white"/>`+"\n", width, height)
	p(`<text x="10" y="22" font-size="15" font-weight="bold">%s</text>`+"\n", esc(title))
	subCol := "black"
	if tr.Kind == KindCounterexample {
		subCol = markerCol
	}
	p(`<text x="10" y="42" fill="%s">%s</text>`+"\n", subCol, esc(sub))

	// Processes.
	p(`<g id="processes" stroke="black" stroke-width="2">` + "\n")
	for i, id := range t.Nodes {
		y := laneY(i)
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d"/>`+"\n", svgLeft, y, xEnd, y)
		p(`<text x="%d" y="%d" text-anchor="end" stroke="none" font-weight="bold">%s $%d</text>`+"\n", svgLeft-8, y+4, esc(id), x.State(0).Balance[i])
		p(`<text x="%d" y="%d" stroke="none">$%d</text>`+"\n", xEnd+6, y+4, x.Final().Balance[i])
	}
	p(`</g>` + "\n")

	// Cuts.
	cols := cutColours()
	p(`<g id="cuts" fill="none" stroke-width="2.5" opacity="0.85">` + "\n")
	for s, sid := range t.Snapshots {
		if !anyRecorded(x, s) {
			continue
		}
		col := cols[s%len(cols)]
		var pts bytes.Buffer
		for i := 0; i < n; i++ {
			cx := xEnd - svgStepX/4
			if r := x.RecordAt[s][i]; r >= 0 {
				cx = evX(r) - svgStepX/2 + 4*s
			}
			fmt.Fprintf(&pts, "%d,%d %d,%d ", cx, laneY(i)-svgLaneY*2/5, cx, laneY(i)+svgLaneY*2/5)
		}
		p(`<polyline points="%s" stroke="%s"><title>%s</title></polyline>`+"\n", bytes.TrimSpace(pts.Bytes()), col, esc("cut of snapshot "+sid))
		cx0 := xEnd - svgStepX/4
		if r := x.RecordAt[s][0]; r >= 0 {
			cx0 = evX(r) - svgStepX/2 + 4*s
		}
		p(`<text x="%d" y="%d" fill="%s" stroke="none" text-anchor="middle">cut %s</text>`+"\n", cx0, laneY(0)-svgLaneY*2/5-4, col, esc(sid))
	}
	p(`</g>` + "\n")

	// Messages.
	p(`<g id="messages" stroke-width="1.5">` + "\n")
	for _, m := range x.Msgs {
		c := t.Chans[m.Chan]
		x1, y1 := svgLeft, laneY(c.From)
		if m.Sent >= 0 {
			x1 = evX(m.Sent)
		}
		x2, y2 := xEnd, laneY(c.To)
		extra := ""
		if m.Recv >= 0 {
			x2 = evX(m.Recv)
		} else {
			extra = ` opacity="0.5"`
			y2 = (y1 + y2) / 2
		}
		col, arrow, dash, label := transferCol, "arrow-transfer", "", fmt.Sprintf("$%d", m.Amount)
		if m.Control {
			col, arrow, dash = markerCol, "arrow-marker", ` stroke-dasharray="6,4"`
			label = "marker"
			if m.Snap >= 0 && m.Snap < len(t.Snapshots) {
				label = "m(" + t.Snapshots[m.Snap] + ")"
			}
		}
		p(`<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s"%s%s marker-end="url(#%s)"><title>%s</title></line>`+"\n",
			x1, y1, x2, y2, col, dash, extra, arrow, esc(msgTitle(x, m)))
		p(`<text x="%d" y="%d" fill="%s" font-size="11" text-anchor="middle" stroke="white" stroke-width="3" paint-order="stroke">%s</text>`+"\n", (x1+x2)/2+6, (y1+y2)/2-4, col, esc(label))
	}
	p(`</g>` + "\n")

	// Events.
	p(`<g id="events">` + "\n")
	for k, e := range x.Events {
		fill, r := "black", 5
		for s := range t.Snapshots {
			if x.RecordAt[s][e.Node] == k {
				fill, r = cols[s%len(cols)], 7
			}
		}
		ex, ey := evX(k), laneY(e.Node)
		p(`<circle cx="%d" cy="%d" r="%d" fill="%s"><title>%s</title></circle>`+"\n", ex, ey, r, fill, esc(fmt.Sprintf("%d: %s", k+1, x.Sys.Describe(e))))
		p(`<text x="%d" y="%d" text-anchor="middle" font-size="11">%d</text>`+"\n", ex, ey+20, k+1)
	}
	p(`</g>` + "\n")

	// Legend.
	ly := legendY
	p(`<g id="legend" font-size="12">` + "\n")
	p(`<line x1="10" y1="%d" x2="50" y2="%d" stroke="%s" stroke-width="1.5" marker-end="url(#arrow-transfer)"/><text x="56" y="%d">transfer (send → receive)</text>`+"\n", ly, ly, transferCol, ly+4)
	p(`<line x1="230" y1="%d" x2="270" y2="%d" stroke="%s" stroke-width="1.5" stroke-dasharray="6,4" marker-end="url(#arrow-marker)"/><text x="276" y="%d">marker</text>`+"\n", ly, ly, markerCol, ly+4)
	p(`<line x1="350" y1="%d" x2="390" y2="%d" stroke="gray" stroke-width="1.5" opacity="0.5"/><text x="396" y="%d">still in flight</text>`+"\n", ly, ly, ly+4)
	ly += svgLine + 4
	p(`<circle cx="16" cy="%d" r="5" fill="black"/><text x="28" y="%d">event (step number below)</text>`+"\n", ly, ly+4)
	lx := 230
	for s, sid := range t.Snapshots {
		col := cols[s%len(cols)]
		p(`<circle cx="%d" cy="%d" r="7" fill="%s"/><line x1="%d" y1="%d" x2="%d" y2="%d" stroke="%s" stroke-width="2.5"/><text x="%d" y="%d">%s</text>`+"\n",
			lx, ly, col, lx+14, ly-8, lx+14, ly+8, col, lx+22, ly+4, esc("records "+sid+" / cut "+sid+" (PRE left, POST right)"))
		lx += 300
	}
	p(`</g>` + "\n")

	// Event list.
	p(`<g id="event-list" font-size="12">` + "\n")
	p(`<text x="10" y="%d" font-weight="bold">Events</text>`+"\n", listY)
	for k, e := range x.Events {
		p(`<text x="10" y="%d">%s</text>`+"\n", listY+(k+1)*svgLine, esc(fmt.Sprintf("%d. %s (node %s)", k+1, x.Sys.Describe(e), t.Nodes[e.Node])))
	}
	p(`</g>` + "\n")
	p(`</svg>` + "\n")
	_, err := w.Write(b.Bytes())
	return err
}

// msgTitle describes a message with its send and receive steps.
func msgTitle(x *properties.Execution, m properties.Msg) string {
	sent, recv := "in flight initially", "still in flight"
	if m.Sent >= 0 {
		sent = fmt.Sprintf("sent at step %d", m.Sent+1)
	}
	if m.Recv >= 0 {
		recv = fmt.Sprintf("received at step %d", m.Recv+1)
	}
	return fmt.Sprintf("%s: %s, %s", transferText(x, m), sent, recv)
}

// esc escapes s for XML text and attribute values.
func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
