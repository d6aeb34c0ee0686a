package counterexamples

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"

	"github.com/snapcheck/snapcheck/properties"
)

// ShowFormat and ShowVersion identify the JSON document of WriteJSON.
const (
	ShowFormat  = "snapcheck-show"
	ShowVersion = 1
)

// Analysis is the JSON document that WriteJSON prints: the trace itself
// and what its replay shows. Steps are numbered from 1, as in the trace;
// a null step means "before the trace" (sent) or "never" (received).
type Analysis struct {
	Format     string             `json:"format"`
	Version    int                `json:"version"`
	Trace      *Trace             `json:"trace"`
	Events     []AnalysisEvent    `json:"events"`
	Messages   []AnalysisMessage  `json:"messages"`
	Snapshots  []AnalysisSnapshot `json:"snapshots"`
	Problems   []AnalysisProblem  `json:"problems"`
	Reproduced bool               `json:"reproduced"`
	Maximal    bool               `json:"maximal"`
}

// AnalysisEvent is one event with its place per snapshot.
type AnalysisEvent struct {
	Step int    `json:"step"`
	Node string `json:"node"`
	Text string `json:"text"`
	// Place maps each snapshot id to "pre" or "post" (SPEC §5.2).
	Place     map[string]string `json:"place"`
	Records   []string          `json:"records,omitempty"`
	Completes []string          `json:"completes,omitempty"`
	Sent      []int             `json:"sent,omitempty"`     // message ids
	Received  *int              `json:"received,omitempty"` // message id
	Balance   int32             `json:"balance"`            // the node's balance after the event
	Clock     map[string]int    `json:"clock"`              // vector clock, as in the ShiViz output
}

// AnalysisMessage is one message with its identity.
type AnalysisMessage struct {
	ID       int    `json:"id"`
	From     string `json:"from"`
	To       string `json:"to"`
	Amount   int32  `json:"amount"`
	Marker   bool   `json:"marker,omitempty"`
	Snapshot string `json:"snapshot,omitempty"`
	Sent     *int   `json:"sent"`
	Received *int   `json:"received"`
}

// AnalysisSnapshot is what one snapshot recorded in the execution.
type AnalysisSnapshot struct {
	ID string `json:"id"`
	// RecordedAt maps node ids to the step in which they recorded (left
	// out: never).
	RecordedAt  map[string]int            `json:"recorded_at"`
	CompletedAt *int                      `json:"completed_at"`
	Recorded    *properties.SnapshotValue `json:"recorded,omitempty"`
	Correct     *properties.SnapshotValue `json:"correct,omitempty"`
}

// AnalysisProblem is a property the replayed execution violates.
type AnalysisProblem struct {
	Property string `json:"property"`
	Snapshot string `json:"snapshot,omitempty"`
	Message  string `json:"message"`
}

// Analyze builds the JSON analysis of a replayed trace.
func Analyze(tr *Trace, o *Outcome) *Analysis {
	x := o.Execution
	t := &o.System.Topo
	n := len(t.Nodes)
	step := func(k int) *int {
		if k < 0 {
			return nil
		}
		v := k + 1
		return &v
	}
	a := &Analysis{Format: ShowFormat, Version: ShowVersion, Trace: tr, Reproduced: o.Reproduced, Maximal: x.Terminal,
		Events: []AnalysisEvent{}, Messages: []AnalysisMessage{}, Snapshots: []AnalysisSnapshot{}, Problems: []AnalysisProblem{}}
	clocks := VectorClocks(x)
	for k, e := range x.Events {
		ae := AnalysisEvent{Step: k + 1, Node: t.Nodes[e.Node], Text: x.Sys.Describe(e), Place: map[string]string{},
			Sent: x.Sent[k], Balance: x.State(k + 1).Balance[e.Node], Clock: map[string]int{}}
		for s, sid := range t.Snapshots {
			ae.Place[sid] = "post"
			if x.Pre(s, k) {
				ae.Place[sid] = "pre"
			}
			if x.RecordAt[s][e.Node] == k {
				ae.Records = append(ae.Records, sid)
			}
			if x.CompleteAt[s] == k {
				ae.Completes = append(ae.Completes, sid)
			}
		}
		if id := x.Received[k]; id >= 0 {
			ae.Received = &id
		}
		for i, c := range clocks[k] {
			if c > 0 {
				ae.Clock[t.Nodes[i]] = c
			}
		}
		a.Events = append(a.Events, ae)
	}
	for _, m := range x.Msgs {
		c := t.Chans[m.Chan]
		am := AnalysisMessage{ID: m.ID, From: t.Nodes[c.From], To: t.Nodes[c.To], Amount: m.Amount, Marker: m.Control,
			Sent: step(m.Sent), Received: step(m.Recv)}
		if m.Control && m.Snap >= 0 && m.Snap < len(t.Snapshots) {
			am.Snapshot = t.Snapshots[m.Snap]
		}
		a.Messages = append(a.Messages, am)
	}
	for s, sid := range t.Snapshots {
		as := AnalysisSnapshot{ID: sid, RecordedAt: map[string]int{}, CompletedAt: step(x.CompleteAt[s])}
		for i := 0; i < n; i++ {
			if r := x.RecordAt[s][i]; r >= 0 {
				as.RecordedAt[t.Nodes[i]] = r + 1
			}
		}
		if anyRecorded(x, s) {
			rec, cor := x.Recorded(s), x.Correct(s)
			as.Recorded, as.Correct = &rec, &cor
		}
		a.Snapshots = append(a.Snapshots, as)
	}
	for _, p := range o.Problems {
		a.Problems = append(a.Problems, AnalysisProblem{p.Property, p.Snapshot, p.Message})
	}
	return a
}

// WriteJSON renders the replayed trace as one indented JSON document: the
// trace and its Analysis.
func WriteJSON(w io.Writer, tr *Trace, o *Outcome) error {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // "a->b" stays readable
	enc.SetIndent("", "  ")
	if err := enc.Encode(Analyze(tr, o)); err != nil {
		return fmt.Errorf("show: encode json: %w", err)
	}
	_, err := w.Write(b.Bytes())
	return err
}
