package modeltest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"

	"pgregory.net/rapid"

	"github.com/snapcheck/snapcheck/model"
)

// Topologies that Config draws from.
const (
	Complete = "complete" // every ordered pair of nodes
	Ring     = "ring"     // a directed ring, optionally both ways
	Random   = "random"   // a random Hamiltonian cycle plus random chords
)

// Options bound the configurations Config draws. The zero value draws
// 2–4 nodes, at most 2 snapshots, FIFO or not, chandy-lamport: small enough
// that an exhaustive check takes milliseconds in most cases.
type Options struct {
	// MinNodes and MaxNodes bound the number of nodes (defaults 2 and 4;
	// at most 5).
	MinNodes, MaxNodes int
	// MaxSnapshots bounds the number of snapshots (default 2; at most 3).
	MaxSnapshots int
	// MaxBalance bounds each initial balance (default 4).
	MaxBalance int
	// MaxSends bounds the sends of a node: its script's sends, or the "any"
	// workload's max_sends (default 2 up to 3 nodes, 1 beyond).
	MaxSends int
	// FIFO, when not nil, fixes the channels' kind; else it is drawn.
	FIFO *bool
	// Algorithm names the algorithm ("" is chandy-lamport).
	Algorithm string
	// Topologies restricts the topologies drawn (default all three;
	// Complete only up to 4 nodes).
	Topologies []string
	// Symmetric draws banks that symmetry reduction can use: one balance
	// for every node, complete graphs or rings (never Random), the same
	// transfer in flight on every channel or none, and the "any" workload.
	// Their renamings keep the initiators too, when the draws allow.
	Symmetric bool
}

func (o Options) withDefaults() Options {
	if o.MinNodes < 2 {
		o.MinNodes = 2
	}
	if o.MaxNodes == 0 {
		o.MaxNodes = 4
	}
	o.MaxNodes = min(max(o.MaxNodes, o.MinNodes), 5)
	o.MinNodes = min(o.MinNodes, o.MaxNodes)
	if o.MaxSnapshots <= 0 {
		o.MaxSnapshots = 2
	}
	o.MaxSnapshots = min(o.MaxSnapshots, 3)
	if o.MaxBalance <= 0 {
		o.MaxBalance = 4
	}
	if len(o.Topologies) == 0 {
		o.Topologies = []string{Complete, Ring, Random}
	}
	if o.Symmetric {
		o.Topologies = without(o.Topologies, Random)
		if len(o.Topologies) == 0 {
			o.Topologies = []string{Complete, Ring}
		}
	}
	if o.Algorithm == "" {
		o.Algorithm = "chandy-lamport"
	}
	return o
}

// Config draws a valid configuration, every value with a label ("nodes",
// "topology", "balance 2", "workload", ...). The configuration always
// passes Validate; its channels are strongly connected, so every snapshot
// can complete. Log it right after drawing (see the package comment).
func Config(o Options) *rapid.Generator[*model.Config] {
	o = o.withDefaults()
	return rapid.Custom(func(t *rapid.T) *model.Config {
		n := rapid.IntRange(o.MinNodes, o.MaxNodes).Draw(t, "nodes")
		cfg := &model.Config{Name: "generated", Algorithm: o.Algorithm}
		ids := make([]string, n)
		same := -1
		if o.Symmetric {
			same = rapid.IntRange(0, o.MaxBalance).Draw(t, "balance")
		}
		for i := range ids {
			ids[i] = strconv.Itoa(i + 1)
			b := same
			if b < 0 {
				b = rapid.IntRange(0, o.MaxBalance).Draw(t, "balance "+ids[i])
			}
			cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: ids[i], Balance: b})
		}
		if o.FIFO != nil {
			cfg.FIFO = *o.FIFO
		} else {
			cfg.FIFO = rapid.Bool().Draw(t, "fifo")
		}

		// Channels.
		topos := o.Topologies
		if n > 4 {
			topos = without(topos, Complete)
			if len(topos) == 0 {
				topos = []string{Ring}
			}
		}
		out := make([][]int, n) // out-neighbours by index
		addEdge := func(a, b int) {
			for _, c := range out[a] {
				if c == b {
					return
				}
			}
			out[a] = append(out[a], b)
			cfg.Channels.List = append(cfg.Channels.List, [2]string{ids[a], ids[b]})
		}
		switch topo := rapid.SampledFrom(topos).Draw(t, "topology"); topo {
		case Complete:
			cfg.Channels.Complete = true
			for a := range n {
				for b := range n {
					if a != b {
						out[a] = append(out[a], b)
					}
				}
			}
		case Ring:
			both := rapid.Bool().Draw(t, "ring both ways")
			for a := range n {
				addEdge(a, (a+1)%n)
				if both {
					addEdge((a+1)%n, a)
				}
			}
		default:
			perm := rapid.Permutation(seq(n)).Draw(t, "cycle order")
			for k := range n {
				addEdge(perm[k], perm[(k+1)%n])
			}
			chords := rapid.IntRange(0, n).Draw(t, "chords")
			for k := range chords {
				a := rapid.IntRange(0, n-1).Draw(t, fmt.Sprintf("chord %d from", k+1))
				b := rapid.IntRange(0, n-2).Draw(t, fmt.Sprintf("chord %d to", k+1))
				if b >= a {
					b++
				}
				addEdge(a, b)
			}
		}
		for a := range out {
			sort.Ints(out[a])
		}

		// Transfers in flight, on existing channels.
		inFlight := rapid.IntRange(0, 2).Draw(t, "in flight")
		if o.Symmetric {
			inFlight = 0
			if a := rapid.IntRange(0, 2).Draw(t, "in flight on every channel"); a > 0 {
				for _, e := range channelPairs(cfg, ids, out) {
					cfg.InFlight = append(cfg.InFlight, model.TransferSpec{From: e[0], To: e[1], Amount: a})
				}
			}
		}
		for k := range inFlight {
			a := rapid.IntRange(0, n-1).Draw(t, fmt.Sprintf("in flight %d from", k+1))
			b := rapid.SampledFrom(out[a]).Draw(t, fmt.Sprintf("in flight %d to", k+1))
			cfg.InFlight = append(cfg.InFlight, model.TransferSpec{
				From: ids[a], To: ids[b],
				Amount: rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("in flight %d amount", k+1)),
			})
		}

		// Snapshots.
		k := rapid.IntRange(1, o.MaxSnapshots).Draw(t, "snapshots")
		initiators := make([][]int, k)
		for s := range k {
			sid := fmt.Sprintf("s%d", s+1)
			initiators[s] = rapid.SliceOfNDistinct(rapid.IntRange(0, n-1), 1, 2, rapid.ID[int]).Draw(t, "initiators of "+sid)
			sort.Ints(initiators[s])
			spec := model.SnapshotSpec{ID: sid}
			for _, i := range initiators[s] {
				spec.Initiators = append(spec.Initiators, ids[i])
			}
			cfg.Snapshots = append(cfg.Snapshots, spec)
		}

		// Workload.
		maxSends := o.MaxSends
		if maxSends <= 0 {
			maxSends = 2
			if n > 3 {
				maxSends = 1
			}
		}
		if o.Symmetric || rapid.SampledFrom([]string{"script", "any"}).Draw(t, "workload") == "any" {
			amounts := rapid.SliceOfNDistinct(rapid.IntRange(1, 3), 1, 2, rapid.ID[int]).Draw(t, "any amounts")
			sort.Ints(amounts)
			cfg.Workload.Any = &model.AnyWorkload{
				Amounts:  amounts,
				MaxSends: rapid.IntRange(0, maxSends).Draw(t, "any max_sends"),
			}
			return cfg
		}
		cfg.Workload.Script = map[string][]model.Step{}
		for i, id := range ids {
			var steps []model.Step
			for j := range rapid.IntRange(0, maxSends).Draw(t, "sends of "+id) {
				steps = append(steps, model.Step{
					To:     ids[rapid.SampledFrom(out[i]).Draw(t, fmt.Sprintf("send %d of %s to", j+1, id))],
					Amount: rapid.IntRange(1, 3).Draw(t, fmt.Sprintf("send %d of %s amount", j+1, id)),
				})
			}
			// A scripted initiation, at a drawn position, of a snapshot
			// this node initiates.
			var mine []string
			for s, ini := range initiators {
				for _, x := range ini {
					if x == i {
						mine = append(mine, cfg.Snapshots[s].ID)
					}
				}
			}
			if len(mine) > 0 && rapid.IntRange(0, 3).Draw(t, "scripted initiation at "+id) == 0 {
				sid := rapid.SampledFrom(mine).Draw(t, "scripted snapshot at "+id)
				at := rapid.IntRange(0, len(steps)).Draw(t, "scripted position at "+id)
				steps = append(steps[:at], append([]model.Step{{Initiate: sid}}, steps[at:]...)...)
			}
			if len(steps) > 0 {
				cfg.Workload.Script[id] = steps
			}
		}
		if len(cfg.Workload.Script) == 0 {
			cfg.Workload.Script = nil // what an empty script reads back as
		}
		return cfg
	})
}

// channelPairs lists the channels as (from, to) ids.
func channelPairs(cfg *model.Config, ids []string, out [][]int) [][2]string {
	if !cfg.Channels.Complete {
		return cfg.Channels.List
	}
	var pairs [][2]string
	for a := range out {
		for _, b := range out[a] {
			pairs = append(pairs, [2]string{ids[a], ids[b]})
		}
	}
	return pairs
}

func seq(n int) []int {
	s := make([]int, n)
	for i := range s {
		s[i] = i
	}
	return s
}

func without(list []string, x string) []string {
	var out []string
	for _, s := range list {
		if s != x {
			out = append(out, s)
		}
	}
	return out
}

// JSON renders a configuration as one line of the JSON of SPEC §3 (what
// a configuration file holds), for failure output.
func JSON(cfg *model.Config) string {
	b, err := cfg.Encode()
	if err != nil {
		return fmt.Sprintf("(cannot encode the configuration: %v)", err)
	}
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		return string(b)
	}
	return out.String()
}

// Logger is what Log needs: *testing.T and *rapid.T both are.
type Logger interface {
	Helper()
	Logf(format string, args ...any)
}

// Log writes the configuration as one line of JSON to the test's log.
// Call it right after drawing: rapid prints the log of the (shrunk) failing
// case only, and it does not print the labelled draws made inside a
// generator, only the top-level ones (as Go syntax).
func Log(t Logger, cfg *model.Config) {
	t.Helper()
	t.Logf("configuration: %s", JSON(cfg))
}

// Size is a rough measure of a configuration, to report how small a
// shrunk counterexample is: nodes, channels, snapshots, money, transfers in
// flight and sends the workload allows.
type Size struct {
	Nodes, Channels, Snapshots, Initiators, Money, InFlight, Sends int
}

// String describes the size: nodes, channels, snapshots, money, messages.
func (s Size) String() string {
	return fmt.Sprintf("%d nodes, %d channels, %d snapshot(s) with %d initiator(s), $%d, %d in flight, %d send(s)",
		s.Nodes, s.Channels, s.Snapshots, s.Initiators, s.Money, s.InFlight, s.Sends)
}

// SizeOf measures a valid configuration.
func SizeOf(cfg *model.Config) Size {
	var s Size
	s.Nodes = len(cfg.Nodes)
	if cfg.Channels.Complete {
		s.Channels = s.Nodes * (s.Nodes - 1)
	} else {
		s.Channels = len(cfg.Channels.List)
	}
	s.Snapshots = len(cfg.Snapshots)
	for _, sn := range cfg.Snapshots {
		s.Initiators += len(sn.Initiators)
	}
	for _, n := range cfg.Nodes {
		s.Money += n.Balance
	}
	for _, tr := range cfg.InFlight {
		s.Money += tr.Amount
	}
	s.InFlight = len(cfg.InFlight)
	if a := cfg.Workload.Any; a != nil {
		s.Sends = a.MaxSends * s.Nodes
	}
	for _, steps := range cfg.Workload.Script {
		for _, st := range steps {
			if st.Initiate == "" {
				s.Sends++
			}
		}
	}
	return s
}

// Schedule draws a random maximal execution of sys: from the initial
// state, an enabled event chosen by rapid (labelled "step k") until none is
// enabled, or maxSteps events (0: no limit). The events replay with
// sys.Step from the initial state.
func Schedule(sys *model.System, maxSteps int) *rapid.Generator[[]model.Event] {
	return rapid.Custom(func(t *rapid.T) []model.Event {
		st := sys.Initial()
		var evs []model.Event
		for maxSteps == 0 || len(evs) < maxSteps {
			enabled := sys.Events(st)
			if len(enabled) == 0 {
				break
			}
			e := enabled[rapid.IntRange(0, len(enabled)-1).Draw(t, fmt.Sprintf("step %d", len(evs)+1))]
			sys.Apply(st, e)
			evs = append(evs, e)
		}
		if len(evs) == 0 {
			// rapid requires a generator to draw something.
			_ = rapid.Bool().Draw(t, "no event enabled")
		}
		return evs
	})
}

// Rename returns a copy of cfg with every node id replaced by names[id]
// (ids missing from names keep their name) and the nodes listed in the
// order perm gives (perm[k] is the old position of the k-th node; nil
// keeps the order). Renaming and reordering nodes must change no verdict
// and no number of distinct snapshots.
func Rename(cfg *model.Config, names map[string]string, perm []int) *model.Config {
	rn := func(id string) string {
		if n, ok := names[id]; ok {
			return n
		}
		return id
	}
	c := *cfg
	c.Nodes = nil
	for k := range cfg.Nodes {
		i := k
		if perm != nil {
			i = perm[k]
		}
		c.Nodes = append(c.Nodes, model.NodeSpec{ID: rn(cfg.Nodes[i].ID), Balance: cfg.Nodes[i].Balance})
	}
	if !cfg.Channels.Complete {
		c.Channels.List = nil
		for _, e := range cfg.Channels.List {
			c.Channels.List = append(c.Channels.List, [2]string{rn(e[0]), rn(e[1])})
		}
	}
	c.InFlight = nil
	for _, tr := range cfg.InFlight {
		c.InFlight = append(c.InFlight, model.TransferSpec{From: rn(tr.From), To: rn(tr.To), Amount: tr.Amount})
	}
	c.Snapshots = nil
	for _, sn := range cfg.Snapshots {
		ns := model.SnapshotSpec{ID: sn.ID}
		for _, i := range sn.Initiators {
			ns.Initiators = append(ns.Initiators, rn(i))
		}
		c.Snapshots = append(c.Snapshots, ns)
	}
	if cfg.Workload.Script != nil {
		c.Workload.Script = map[string][]model.Step{}
		for id, steps := range cfg.Workload.Script {
			var ns []model.Step
			for _, st := range steps {
				if st.To != "" {
					st.To = rn(st.To)
				}
				ns = append(ns, st)
			}
			c.Workload.Script[rn(id)] = ns
		}
	}
	if a := cfg.Workload.Any; a != nil {
		c.Workload.Any = &model.AnyWorkload{Amounts: append([]int(nil), a.Amounts...), MaxSends: a.MaxSends}
	}
	return &c
}

// WideConfig draws banks of shapes Config does not: channel
// lists that are any subset of the ordered pairs (one-way links, nodes with
// no outgoing channel), scripts with amounts up to 5 (often more than a
// balance) and scripted initiations, and up to three transfers in flight.
// Draws that do not validate are skipped. The algorithm is one of algs.
func WideConfig(t *rapid.T, maxNodes, maxSends, maxSnaps int, algs []string) *model.Config {
	n := rapid.IntRange(2, maxNodes).Draw(t, "nodes")
	cfg := &model.Config{Name: "review"}
	ids := make([]string, n)
	for i := range ids {
		ids[i] = strconv.Itoa(i + 1)
		cfg.Nodes = append(cfg.Nodes, model.NodeSpec{ID: ids[i], Balance: rapid.IntRange(0, 4).Draw(t, "balance "+ids[i])})
	}
	cfg.FIFO = rapid.Bool().Draw(t, "fifo")
	out := make([][]int, n)
	if rapid.IntRange(0, 3).Draw(t, "complete") == 0 {
		cfg.Channels.Complete = true
		for a := range n {
			for b := range n {
				if a != b {
					out[a] = append(out[a], b)
				}
			}
		}
	} else {
		for a := range n {
			for b := range n {
				if a != b && rapid.Bool().Draw(t, fmt.Sprintf("channel %d->%d", a+1, b+1)) {
					out[a] = append(out[a], b)
					cfg.Channels.List = append(cfg.Channels.List, [2]string{ids[a], ids[b]})
				}
			}
		}
		if len(cfg.Channels.List) == 0 {
			t.Skip("no channel")
		}
	}
	var senders []int
	for a := range n {
		if len(out[a]) > 0 {
			senders = append(senders, a)
		}
	}
	for k := range rapid.IntRange(0, 3).Draw(t, "in flight") {
		a := rapid.SampledFrom(senders).Draw(t, fmt.Sprintf("in flight %d from", k+1))
		b := rapid.SampledFrom(out[a]).Draw(t, fmt.Sprintf("in flight %d to", k+1))
		cfg.InFlight = append(cfg.InFlight, model.TransferSpec{From: ids[a], To: ids[b], Amount: rapid.IntRange(1, 4).Draw(t, fmt.Sprintf("in flight %d amount", k+1))})
	}
	k := rapid.IntRange(1, maxSnaps).Draw(t, "snapshots")
	inits := make([][]int, k)
	for s := range k {
		inits[s] = rapid.SliceOfNDistinct(rapid.IntRange(0, n-1), 1, 2, rapid.ID[int]).Draw(t, fmt.Sprintf("initiators of s%d", s+1))
		spec := model.SnapshotSpec{ID: fmt.Sprintf("s%d", s+1)}
		for _, i := range inits[s] {
			spec.Initiators = append(spec.Initiators, ids[i])
		}
		cfg.Snapshots = append(cfg.Snapshots, spec)
	}
	if rapid.Bool().Draw(t, "any") {
		cfg.Workload.Any = &model.AnyWorkload{
			Amounts:  rapid.SliceOfNDistinct(rapid.IntRange(1, 4), 1, 2, rapid.ID[int]).Draw(t, "any amounts"),
			MaxSends: rapid.IntRange(0, maxSends).Draw(t, "max sends"),
		}
	} else {
		cfg.Workload.Script = map[string][]model.Step{}
		for i, id := range ids {
			var steps []model.Step
			if len(out[i]) > 0 {
				for j := range rapid.IntRange(0, maxSends).Draw(t, "sends of "+id) {
					steps = append(steps, model.Step{
						To:     ids[rapid.SampledFrom(out[i]).Draw(t, fmt.Sprintf("send %d of %s to", j+1, id))],
						Amount: rapid.IntRange(1, 5).Draw(t, fmt.Sprintf("send %d of %s amount", j+1, id)),
					})
				}
			}
			for s := range k {
				for _, x := range inits[s] {
					if x == i && rapid.IntRange(0, 2).Draw(t, fmt.Sprintf("scripted s%d at %s", s+1, id)) == 0 {
						at := rapid.IntRange(0, len(steps)).Draw(t, fmt.Sprintf("scripted s%d position at %s", s+1, id))
						steps = append(steps[:at], append([]model.Step{{Initiate: cfg.Snapshots[s].ID}}, steps[at:]...)...)
					}
				}
			}
			if len(steps) > 0 {
				cfg.Workload.Script[id] = steps
			}
		}
		if len(cfg.Workload.Script) == 0 {
			cfg.Workload.Script = nil
		}
	}
	cfg.Algorithm = rapid.SampledFrom(algs).Draw(t, "algorithm")
	if err := cfg.Validate(); err != nil {
		t.Skipf("invalid draw: %v", err)
	}
	return cfg
}

// Fataler is what Channel needs: *testing.T and *rapid.T both are.
type Fataler interface {
	Helper()
	Fatalf(format string, args ...any)
}

// Channel returns the index of sys's channel named name ("from->to"),
// and fails the test when sys has none.
func Channel(t Fataler, sys *model.System, name string) int {
	t.Helper()
	for ch := range sys.Topo.Chans {
		if sys.Topo.ChannelName(ch) == name {
			return ch
		}
	}
	t.Fatalf("no channel %s", name)
	return -1
}
