package model

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Limits of the model. Configurations beyond them are rejected as bad input.
const (
	MaxNodes     = 64
	MaxSnapshots = 16
	MaxChannels  = 1024
	// MaxMoney bounds the bank's total money (SPEC §3: below 2^31).
	MaxMoney = math.MaxInt32
)

// Config is a bank configuration as the JSON file of SPEC §3 describes it.
// ParseConfig fills in the defaults of the file's optional fields
// (complete channels, FIFO channels, no money in flight, an empty script,
// the chandy-lamport algorithm). A Config built in Go gets no defaults:
// set Channels.Complete and FIFO yourself (their zero values mean no
// channels and non-FIFO channels).
type Config struct {
	Name      string         `json:"name"`
	Nodes     []NodeSpec     `json:"nodes"`
	Channels  Channels       `json:"channels"`
	FIFO      bool           `json:"fifo"`
	InFlight  []TransferSpec `json:"in_flight,omitempty"`
	Workload  Workload       `json:"workload"`
	Snapshots []SnapshotSpec `json:"snapshots"`
	Algorithm string         `json:"algorithm"`
}

// NodeSpec is one node of the bank and its initial balance.
type NodeSpec struct {
	ID      string `json:"id"`
	Balance int    `json:"balance"`
}

// Channels is either the complete graph (Complete) or a list of directed
// channels (From, To pairs of node ids).
type Channels struct {
	Complete bool
	List     [][2]string
}

// MarshalJSON encodes "complete" or the list of pairs.
func (c Channels) MarshalJSON() ([]byte, error) {
	if c.Complete {
		return []byte(`"complete"`), nil
	}
	list := c.List
	if list == nil {
		list = [][2]string{}
	}
	return json.Marshal(list)
}

// TransferSpec is a transfer already in flight in the initial state.
type TransferSpec struct {
	From   string `json:"from"`
	To     string `json:"to"`
	Amount int    `json:"amount"`
}

// Workload says when nodes send money: either a script per node or the
// nondeterministic "any" workload.
type Workload struct {
	Script map[string][]Step `json:"script,omitempty"`
	Any    *AnyWorkload      `json:"any,omitempty"`
}

// Step is one step of a node's script: a send (To, Amount) or the
// initiation of a snapshot (Initiate).
type Step struct {
	To       string `json:"to,omitempty"`
	Amount   int    `json:"amount,omitempty"`
	Initiate string `json:"initiate,omitempty"`
}

// AnyWorkload lets every node send any of Amounts to any out-neighbour, at
// most MaxSends times in all.
type AnyWorkload struct {
	Amounts  []int `json:"amounts"`
	MaxSends int   `json:"max_sends"`
}

// SnapshotSpec names a snapshot and the nodes that may start it.
type SnapshotSpec struct {
	ID         string   `json:"id"`
	Initiators []string `json:"initiators"`
}

// ConfigError is bad input in a configuration: Field names where (for
// example "nodes[1].id"), Reason what is wrong.
type ConfigError struct {
	Field  string
	Reason string
}

// Error is the field at fault, then the reason.
func (e *ConfigError) Error() string {
	if e.Field == "" {
		return e.Reason
	}
	return e.Field + ": " + e.Reason
}

func cfgErr(field, format string, args ...any) error {
	return &ConfigError{Field: field, Reason: fmt.Sprintf(format, args...)}
}

// MaxConfigBytes bounds the size of a configuration file that LoadConfig
// reads (a file without end, such as /dev/zero, is refused, not read
// until memory runs out).
const MaxConfigBytes = 64 << 20

// LoadConfig reads and validates the configuration file at path.
func LoadConfig(path string) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxConfigBytes+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	if len(data) > MaxConfigBytes {
		return nil, fmt.Errorf("config %s: larger than %d bytes", path, MaxConfigBytes)
	}
	cfg, err := ParseConfig(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return cfg, nil
}

// ParseConfig decodes and validates a configuration. Unknown fields, wrong
// types and every rule of SPEC §3 are errors that name the field at fault.
func ParseConfig(data []byte) (*Config, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var root any
	if err := dec.Decode(&root); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		// More() is false before a stray '}' or ']' too.
		return nil, cfgErr("", "invalid JSON: more than one value in the file (or a stray bracket after the first)")
	}
	if err := duplicateKey(data); err != nil {
		return nil, err
	}
	var p parser
	cfg := p.config(root)
	if p.err != nil {
		return nil, p.err
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return cfg, nil
}

func jsonError(data []byte, err error) error {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		// Offset counts the offending byte; the position is that byte's.
		line, col := position(data, max(se.Offset-1, 0))
		return cfgErr("", "invalid JSON at line %d, column %d: %v", line, col, se)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return cfgErr("", "invalid JSON: unexpected end of file")
	}
	return cfgErr("", "invalid JSON: %v", err)
}

func position(data []byte, off int64) (line, col int) {
	if off > int64(len(data)) {
		off = int64(len(data))
	}
	line, col = 1, 1
	for _, b := range data[:off] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

// parser turns the generic JSON tree into a Config, remembering the first
// error with the path of the field at fault.
type parser struct{ err error }

func (p *parser) fail(field, format string, args ...any) {
	if p.err == nil {
		p.err = cfgErr(field, format, args...)
	}
}

func (p *parser) object(v any, field string, known ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		p.fail(field, "must be an object, got %s", kind(v))
		return nil
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		found := false
		for _, kn := range known {
			if k == kn {
				found = true
			}
		}
		if !found {
			p.fail(join(field, k), "unknown field (known: %s)", strings.Join(known, ", "))
		}
	}
	return m
}

func (p *parser) array(v any, field string) []any {
	a, ok := v.([]any)
	if !ok {
		p.fail(field, "must be a list, got %s", kind(v))
		return nil
	}
	return a
}

func (p *parser) str(v any, field string) string {
	s, ok := v.(string)
	if !ok {
		p.fail(field, "must be a string, got %s", kind(v))
	}
	return s
}

func (p *parser) integer(v any, field string) int {
	n, ok := v.(json.Number)
	if !ok {
		p.fail(field, "must be an integer, got %s", kind(v))
		return 0
	}
	i, err := n.Int64()
	if err != nil {
		p.fail(field, "must be an integer, got %s", n.String())
		return 0
	}
	if i > math.MaxInt32 || i < math.MinInt32 {
		p.fail(field, "%d is out of range (the bank's total money stays below 2^31)", i)
		return 0
	}
	return int(i)
}

func (p *parser) boolean(v any, field string) bool {
	b, ok := v.(bool)
	if !ok {
		p.fail(field, "must be true or false, got %s", kind(v))
	}
	return b
}

func kind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case string:
		return fmt.Sprintf("string %q", v)
	case json.Number:
		return "number " + v.String()
	case bool:
		return fmt.Sprintf("%v", v)
	case []any:
		return "a list"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// join is the path of key in the object at field. A key other than
// letters, digits, '_' and '-' is quoted, so that the path stays one line
// and shows what the file holds.
func join(field, key string) string {
	if !plainKey(key) {
		key = strconv.Quote(key)
	}
	if field == "" {
		return key
	}
	return field + "." + key
}

func plainKey(k string) bool {
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' || r == '-') {
			return false
		}
	}
	return k != ""
}

// duplicateKey reports the first key that occurs twice in one object of
// data, which is valid JSON (encoding/json would keep the last silently).
func duplicateKey(data []byte) error {
	type frame struct {
		path    string
		obj     bool
		keys    map[string]bool
		key     string // objects: the key of the value that comes next
		wantKey bool
		i       int // arrays: the index of the value that comes next
	}
	var stack []*frame
	// next is the path of the value that comes next, which it consumes.
	next := func() string {
		if len(stack) == 0 {
			return ""
		}
		f := stack[len(stack)-1]
		if f.obj {
			f.wantKey = true
			return join(f.path, f.key)
		}
		f.i++
		return idx(f.path, f.i-1)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil // the end (data was decoded already)
		}
		if k, ok := tok.(string); ok && len(stack) > 0 && stack[len(stack)-1].obj && stack[len(stack)-1].wantKey {
			f := stack[len(stack)-1]
			if f.keys[k] {
				line, _ := position(data, dec.InputOffset())
				return cfgErr(join(f.path, k), "duplicate field (line %d): an object holds it twice", line)
			}
			f.keys[k], f.key, f.wantKey = true, k, false
			continue
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			path := next()
			stack = append(stack, &frame{path: path, obj: tok == json.Delim('{'), keys: map[string]bool{}, wantKey: true})
		case json.Delim('}'), json.Delim(']'):
			stack = stack[:len(stack)-1]
		default:
			next()
		}
	}
}

func idx(field string, i int) string { return fmt.Sprintf("%s[%d]", field, i) }

func (p *parser) config(root any) *Config {
	cfg := &Config{FIFO: true, Channels: Channels{Complete: true}}
	m := p.object(root, "", "name", "nodes", "channels", "fifo", "in_flight", "workload", "snapshots", "algorithm")
	if m == nil {
		return cfg
	}
	if v, ok := m["name"]; ok {
		cfg.Name = p.str(v, "name")
	}
	if v, ok := m["nodes"]; ok {
		for i, n := range p.array(v, "nodes") {
			f := idx("nodes", i)
			nm := p.object(n, f, "id", "balance")
			if nm == nil {
				continue
			}
			var ns NodeSpec
			if id, ok := nm["id"]; ok {
				ns.ID = p.str(id, f+".id")
			} else {
				p.fail(f, "missing field id")
			}
			if b, ok := nm["balance"]; ok {
				ns.Balance = p.integer(b, f+".balance")
			} else {
				p.fail(f, "missing field balance")
			}
			cfg.Nodes = append(cfg.Nodes, ns)
		}
	} else {
		p.fail("nodes", "missing: a bank needs at least one node")
	}
	if v, ok := m["channels"]; ok {
		switch c := v.(type) {
		case string:
			if c != "complete" {
				p.fail("channels", `must be "complete" or a list of ["from", "to"] pairs, got %q`, c)
			}
		case []any:
			cfg.Channels = Channels{List: [][2]string{}}
			for i, e := range c {
				f := idx("channels", i)
				pair := p.array(e, f)
				if pair == nil {
					continue
				}
				if len(pair) != 2 {
					p.fail(f, `must be a ["from", "to"] pair, got %d elements`, len(pair))
					continue
				}
				cfg.Channels.List = append(cfg.Channels.List, [2]string{p.str(pair[0], f+"[0]"), p.str(pair[1], f+"[1]")})
			}
		default:
			p.fail("channels", `must be "complete" or a list of ["from", "to"] pairs, got %s`, kind(v))
		}
	}
	if v, ok := m["fifo"]; ok {
		cfg.FIFO = p.boolean(v, "fifo")
	}
	if v, ok := m["in_flight"]; ok {
		for i, t := range p.array(v, "in_flight") {
			f := idx("in_flight", i)
			tm := p.object(t, f, "from", "to", "amount")
			if tm == nil {
				continue
			}
			var ts TransferSpec
			ts.From = p.str(required(p, tm, f, "from"), f+".from")
			ts.To = p.str(required(p, tm, f, "to"), f+".to")
			ts.Amount = p.integer(required(p, tm, f, "amount"), f+".amount")
			cfg.InFlight = append(cfg.InFlight, ts)
		}
	}
	if v, ok := m["workload"]; ok {
		cfg.Workload = p.workload(v)
	}
	if v, ok := m["snapshots"]; ok {
		for i, s := range p.array(v, "snapshots") {
			f := idx("snapshots", i)
			sm := p.object(s, f, "id", "initiators")
			if sm == nil {
				continue
			}
			var ss SnapshotSpec
			ss.ID = p.str(required(p, sm, f, "id"), f+".id")
			if iv, ok := sm["initiators"]; ok {
				ss.Initiators = []string{}
				for j, n := range p.array(iv, f+".initiators") {
					ss.Initiators = append(ss.Initiators, p.str(n, idx(f+".initiators", j)))
				}
			}
			cfg.Snapshots = append(cfg.Snapshots, ss)
		}
	} else {
		p.fail("snapshots", "missing: at least one snapshot is needed")
	}
	if v, ok := m["algorithm"]; ok {
		cfg.Algorithm = p.str(v, "algorithm")
	}
	return cfg
}

func required(p *parser, m map[string]any, field, key string) any {
	v, ok := m[key]
	if !ok {
		p.fail(field, "missing field %s", key)
		return ""
	}
	return v
}

func (p *parser) workload(v any) Workload {
	var w Workload
	m := p.object(v, "workload", "script", "any")
	if m == nil {
		return w
	}
	if len(m) > 1 {
		p.fail("workload", `must be either {"script": ...} or {"any": ...}, not both`)
		return w
	}
	if sv, ok := m["script"]; ok {
		w.Script = map[string][]Step{}
		sm, ok := sv.(map[string]any)
		if !ok {
			p.fail("workload.script", "must be an object from node ids to lists of steps, got %s", kind(sv))
		}
		// The script is a map from node ids; every key is allowed here and
		// checked against the nodes by Validate.
		if sm == nil {
			return w
		}
		for _, node := range sortedKeys(sm) {
			f := join("workload.script", node)
			steps := []Step{}
			for i, st := range p.array(sm[node], f) {
				sf := idx(f, i)
				stm := p.object(st, sf, "to", "amount", "initiate")
				if stm == nil {
					continue
				}
				var step Step
				_, hasTo := stm["to"]
				_, hasAmount := stm["amount"]
				_, hasInit := stm["initiate"]
				switch {
				case hasInit && (hasTo || hasAmount):
					p.fail(sf, `a step is a send {"to", "amount"} or an initiation {"initiate"}, not both`)
				case hasInit:
					step.Initiate = p.str(stm["initiate"], sf+".initiate")
					if step.Initiate == "" {
						p.fail(sf+".initiate", "must name a snapshot")
					}
				default:
					step.To = p.str(required(p, stm, sf, "to"), sf+".to")
					step.Amount = p.integer(required(p, stm, sf, "amount"), sf+".amount")
				}
				steps = append(steps, step)
			}
			w.Script[node] = steps
		}
		if len(w.Script) == 0 {
			w.Script = nil // an empty script is no script (Encode omits it)
		}
	}
	if av, ok := m["any"]; ok {
		am := p.object(av, "workload.any", "amounts", "max_sends")
		if am == nil {
			return w
		}
		w.Any = &AnyWorkload{Amounts: []int{}}
		for i, a := range p.array(required(p, am, "workload.any", "amounts"), "workload.any.amounts") {
			w.Any.Amounts = append(w.Any.Amounts, p.integer(a, idx("workload.any.amounts", i)))
		}
		w.Any.MaxSends = p.integer(required(p, am, "workload.any", "max_sends"), "workload.any.max_sends")
	}
	return w
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Validate checks every rule of SPEC §3 that is not about JSON syntax. It
// does not check the algorithm name: Build does, against the algorithm given.
func (c *Config) Validate() error {
	if strings.ContainsFunc(c.Name, unicode.IsControl) {
		// The name heads reports and names trace files.
		return cfgErr("name", "must not hold control characters (such as a line break), got %q", c.Name)
	}
	if len(c.Nodes) == 0 {
		return cfgErr("nodes", "a bank needs at least one node")
	}
	if len(c.Nodes) > MaxNodes {
		return cfgErr("nodes", "%d nodes is more than the %d this checker supports", len(c.Nodes), MaxNodes)
	}
	ids := map[string]int{}
	var total int64
	for i, n := range c.Nodes {
		f := idx("nodes", i)
		if n.ID == "" {
			return cfgErr(f+".id", "must not be empty")
		}
		if strings.Contains(n.ID, "->") {
			// Channels are named "from->to"; an arrow in an id would make
			// two channels' names equal.
			return cfgErr(f+".id", `%q must not contain "->"`, n.ID)
		}
		if j, dup := ids[n.ID]; dup {
			return cfgErr(f+".id", "duplicate id %q (also nodes[%d])", n.ID, j)
		}
		ids[n.ID] = i
		if n.Balance < 0 {
			return cfgErr(f+".balance", "must be ≥ 0, got %d", n.Balance)
		}
		total += int64(n.Balance)
	}
	node := func(field, id string) error {
		if _, ok := ids[id]; !ok {
			return cfgErr(field, "unknown node %q", id)
		}
		return nil
	}
	edges := map[[2]string]bool{}
	if c.Channels.Complete {
		for _, a := range c.Nodes {
			for _, b := range c.Nodes {
				if a.ID != b.ID {
					edges[[2]string{a.ID, b.ID}] = true
				}
			}
		}
	} else {
		for i, e := range c.Channels.List {
			f := idx("channels", i)
			if err := node(f+"[0]", e[0]); err != nil {
				return err
			}
			if err := node(f+"[1]", e[1]); err != nil {
				return err
			}
			if e[0] == e[1] {
				return cfgErr(f, "channel from node %q to itself", e[0])
			}
			if edges[e] {
				return cfgErr(f, "duplicate channel %s->%s", e[0], e[1])
			}
			edges[e] = true
		}
	}
	if len(edges) > MaxChannels {
		return cfgErr("channels", "%d channels is more than the %d this checker supports", len(edges), MaxChannels)
	}
	for i, t := range c.InFlight {
		f := idx("in_flight", i)
		if err := node(f+".from", t.From); err != nil {
			return err
		}
		if err := node(f+".to", t.To); err != nil {
			return err
		}
		if !edges[[2]string{t.From, t.To}] {
			return cfgErr(f, "no channel %s->%s", t.From, t.To)
		}
		if t.Amount < 1 {
			return cfgErr(f+".amount", "must be ≥ 1, got %d", t.Amount)
		}
		total += int64(t.Amount)
	}
	if total > MaxMoney {
		return cfgErr("nodes", "the bank's total money (balances plus in_flight amounts) is %d, not below 2^31", total)
	}
	if len(c.Snapshots) == 0 {
		return cfgErr("snapshots", "at least one snapshot is needed")
	}
	if len(c.Snapshots) > MaxSnapshots {
		return cfgErr("snapshots", "%d snapshots is more than the %d this checker supports", len(c.Snapshots), MaxSnapshots)
	}
	snaps := map[string]int{}
	for i, s := range c.Snapshots {
		f := idx("snapshots", i)
		if s.ID == "" {
			return cfgErr(f+".id", "must not be empty")
		}
		if j, dup := snaps[s.ID]; dup {
			return cfgErr(f+".id", "duplicate id %q (also snapshots[%d])", s.ID, j)
		}
		snaps[s.ID] = i
		if len(s.Initiators) == 0 {
			return cfgErr(f+".initiators", "snapshot %q has no initiator", s.ID)
		}
		seen := map[string]bool{}
		for j, n := range s.Initiators {
			if err := node(idx(f+".initiators", j), n); err != nil {
				return err
			}
			if seen[n] {
				return cfgErr(idx(f+".initiators", j), "duplicate initiator %q", n)
			}
			seen[n] = true
		}
		if u := unreachable(c.Nodes, edges, s.Initiators); u != "" {
			return cfgErr(f, "snapshot %q cannot complete: node %q is unreachable from its initiators", s.ID, u)
		}
	}
	w := c.Workload
	if w.Script != nil && w.Any != nil {
		return cfgErr("workload", `must be either {"script": ...} or {"any": ...}, not both`)
	}
	for _, nid := range sortedKeys(w.Script) {
		f := join("workload.script", nid)
		if err := node(f, nid); err != nil {
			return err
		}
		for i, st := range w.Script[nid] {
			sf := idx(f, i)
			if st.Initiate != "" {
				if st.To != "" || st.Amount != 0 {
					return cfgErr(sf, `a step is a send {"to", "amount"} or an initiation {"initiate"}, not both`)
				}
				si, ok := snaps[st.Initiate]
				if !ok {
					return cfgErr(sf+".initiate", "unknown snapshot %q", st.Initiate)
				}
				isInit := false
				for _, n := range c.Snapshots[si].Initiators {
					isInit = isInit || n == nid
				}
				if !isInit {
					return cfgErr(sf+".initiate", "node %q is not an initiator of snapshot %q", nid, st.Initiate)
				}
				continue
			}
			if err := node(sf+".to", st.To); err != nil {
				return err
			}
			if !edges[[2]string{nid, st.To}] {
				return cfgErr(sf+".to", "no channel %s->%s", nid, st.To)
			}
			if st.Amount < 1 {
				return cfgErr(sf+".amount", "must be ≥ 1, got %d", st.Amount)
			}
		}
	}
	if a := w.Any; a != nil {
		if len(a.Amounts) == 0 {
			return cfgErr("workload.any.amounts", "needs at least one amount")
		}
		seen := map[int]bool{}
		for i, x := range a.Amounts {
			if x < 1 {
				return cfgErr(idx("workload.any.amounts", i), "must be ≥ 1, got %d", x)
			}
			if seen[x] {
				return cfgErr(idx("workload.any.amounts", i), "duplicate amount %d", x)
			}
			seen[x] = true
		}
		if a.MaxSends < 0 {
			return cfgErr("workload.any.max_sends", "must be ≥ 0, got %d", a.MaxSends)
		}
	}
	return nil
}

// unreachable returns a node that no channel path leads to from the
// initiators, or "".
func unreachable(nodes []NodeSpec, edges map[[2]string]bool, from []string) string {
	seen := map[string]bool{}
	stack := append([]string(nil), from...)
	for _, s := range from {
		seen[s] = true
	}
	for len(stack) > 0 {
		a := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		for _, n := range nodes {
			if !seen[n.ID] && edges[[2]string{a, n.ID}] {
				seen[n.ID] = true
				stack = append(stack, n.ID)
			}
		}
	}
	for _, n := range nodes {
		if !seen[n.ID] {
			return n.ID
		}
	}
	return ""
}

// Encode returns the configuration as indented JSON that ParseConfig reads
// back to an equal Config.
func (c *Config) Encode() ([]byte, error) {
	out, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode config: %w", err)
	}
	return out, nil
}
