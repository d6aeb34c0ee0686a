package counterexamples

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"
	"unicode"

	"github.com/snapcheck/snapcheck/properties"
)

// ShiVizRegex is the log parsing regular expression to paste into ShiViz
// (https://bestchai.bitbucket.io/shiviz/): it is ShiViz's default, so the
// output of WriteShiViz opens as it is. Leave ShiViz's multiple-executions
// delimiter empty.
const ShiVizRegex = `(?<event>.*)\n(?<host>\S*) (?<clock>{.*})`

// WriteShiViz renders the replayed trace as a ShiViz log: for each event a
// line describing it, then a line with its host (the node id) and its
// vector clock as a JSON object from host to counter. Clocks follow
// ShiViz's rules: a node's own counter goes up by one at each of its
// events, and a receive (of a transfer or a marker) first takes the
// component-wise maximum with the clock of the event that sent the
// message. Messages in flight initially have no send event and merge
// nothing. Node ids are made safe as host names (white space becomes _;
// a name another node took already gets _2, _3, ...), and an event's line
// stays one line (control characters become spaces).
func WriteShiViz(w io.Writer, tr *Trace, o *Outcome) error {
	ew := &errWriter{w: w}
	x := o.Execution
	t := &o.System.Topo
	hosts := make([]string, len(t.Nodes))
	taken := map[string]bool{}
	for i, id := range t.Nodes {
		h := ShiVizHost(id)
		for k := 2; taken[h]; k++ {
			h = ShiVizHost(id) + "_" + strconv.Itoa(k)
		}
		taken[h] = true
		hosts[i] = h
	}
	clocks := VectorClocks(x)
	for k, e := range x.Events {
		clock := clocks[k]
		var b strings.Builder
		b.WriteByte('{')
		first := true
		for i, c := range clock {
			if c == 0 {
				continue
			}
			if !first {
				b.WriteByte(',')
			}
			first = false
			key, _ := json.Marshal(hosts[i])
			b.Write(key)
			b.WriteByte(':')
			b.WriteString(strconv.Itoa(c))
		}
		b.WriteByte('}')
		ew.printf("%d: %s\n%s %s\n", k+1, oneLine(x.Sys.Describe(e)), hosts[e.Node], b.String())
	}
	return ew.err
}

// ShiVizHost makes a node id safe as a ShiViz host name: no white space.
func ShiVizHost(id string) string {
	if id == "" {
		return "_"
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return '_'
		}
		return r
	}, id)
}

// VectorClocks returns, for each event of x, the vector clock (one counter
// per node) that ShiViz's rules give it (see WriteShiViz).
func VectorClocks(x *properties.Execution) [][]int {
	n := len(x.Sys.Topo.Nodes)
	clocks := make([][]int, len(x.Events))
	cur := make([][]int, n)
	for i := range cur {
		cur[i] = make([]int, n)
	}
	for k, e := range x.Events {
		c := cur[e.Node]
		if id := x.Received[k]; id >= 0 {
			if s := x.Msgs[id].Sent; s >= 0 {
				for i, v := range clocks[s] {
					c[i] = max(c[i], v)
				}
			}
		}
		c[e.Node]++
		clocks[k] = append([]int(nil), c...)
	}
	return clocks
}

// oneLine replaces the control characters of s (line breaks among them)
// by spaces.
func oneLine(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) || r == '\u2028' || r == '\u2029' {
			return ' '
		}
		return r
	}, s)
}
