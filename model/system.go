package model

import (
	"fmt"
	"sort"
	"strings"
)

// Channel is a directed channel between two nodes, by index.
type Channel struct {
	From, To int
}

// Topology is the index-based view of a configuration's bank.
type Topology struct {
	Nodes      []string  // node ids, in configuration order
	Chans      []Channel // channels, sorted by (From, To)
	In, Out    [][]int   // channel indices per node, sorted
	InPos      []int     // position of each channel in its receiver's In
	OutPos     []int     // position of each channel in its sender's Out
	Snapshots  []string  // snapshot ids, in configuration order
	Initiators []uint64  // per snapshot, a bit per initiating node
	FIFO       bool      // channels are FIFO queues (else multisets)
	chanIndex  map[[2]int]int
}

// ChannelName is the channel's "from->to" name.
func (t *Topology) ChannelName(ch int) string {
	c := t.Chans[ch]
	return t.Nodes[c.From] + "->" + t.Nodes[c.To]
}

// ChannelIndex returns the channel from node a to node b, or -1.
func (t *Topology) ChannelIndex(a, b int) int {
	if i, ok := t.chanIndex[[2]int{a, b}]; ok {
		return i
	}
	return -1
}

// NodeIndex returns the index of the node with the given id, or -1.
func (t *Topology) NodeIndex(id string) int {
	for i, n := range t.Nodes {
		if n == id {
			return i
		}
	}
	return -1
}

// SnapshotIndex returns the index of the snapshot with the given id, or -1.
func (t *Topology) SnapshotIndex(id string) int {
	for i, s := range t.Snapshots {
		if s == id {
			return i
		}
	}
	return -1
}

type stepKind uint8

const (
	stepSend stepKind = iota
	stepInitiate
)

type scriptStep struct {
	kind   stepKind
	ch     int
	amount int32
	snap   int
}

// System is a configuration compiled for one algorithm: the transition
// system that the explorer searches. It is immutable and safe to share.
type System struct {
	Config *Config
	Topo   Topology
	alg    Algorithm
	regs   int

	script      [][]scriptStep // per node, when the workload is a script
	isAny       bool
	anyAmounts  []int32
	maxSends    int32
	spontaneous []uint32 // per node: snapshots it may initiate spontaneously
	internal    bool     // the algorithm may have internal actions
	planner     ControlPlanner
	passive     PassiveTransfers
	scriptSends [][]uint64 // per node and script position: Out positions the rest of the script sends on
	total       int64
	sym         *symmetryGroup // found on first use (Symmetries)
}

// Builtin returns the built-in algorithm with the given name.
func Builtin(name string) (Algorithm, error) {
	switch name {
	case "", "chandy-lamport":
		return ChandyLamport{}, nil
	case "no-channel-state":
		return ChandyLamport{Variant: NoChannelState}, nil
	case "late-markers":
		return ChandyLamport{Variant: LateMarkers}, nil
	case "stop-all-on-marker":
		return ChandyLamport{Variant: StopAllOnMarker}, nil
	case "no-forward":
		return ChandyLamport{Variant: NoForward}, nil
	}
	return nil, cfgErr("algorithm", "unknown algorithm %q (known: %s)", name, strings.Join(BuiltinNames(), ", "))
}

// BuiltinNames lists the built-in algorithms.
func BuiltinNames() []string {
	return []string{"chandy-lamport", "no-channel-state", "late-markers", "stop-all-on-marker", "no-forward"}
}

// Build compiles a validated configuration for an algorithm. A nil alg
// means the built-in algorithm that the configuration names.
func Build(cfg *Config, alg Algorithm) (*System, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if alg == nil {
		var err error
		if alg, err = Builtin(cfg.Algorithm); err != nil {
			return nil, err
		}
	}
	s := &System{Config: cfg, alg: alg}
	t := &s.Topo
	t.FIFO = cfg.FIFO
	t.chanIndex = map[[2]int]int{}
	ids := map[string]int{}
	for i, n := range cfg.Nodes {
		t.Nodes = append(t.Nodes, n.ID)
		ids[n.ID] = i
		s.total += int64(n.Balance)
	}
	var pairs [][2]int
	if cfg.Channels.Complete {
		for a := range cfg.Nodes {
			for b := range cfg.Nodes {
				if a != b {
					pairs = append(pairs, [2]int{a, b})
				}
			}
		}
	} else {
		for _, e := range cfg.Channels.List {
			pairs = append(pairs, [2]int{ids[e[0]], ids[e[1]]})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i][0] != pairs[j][0] {
			return pairs[i][0] < pairs[j][0]
		}
		return pairs[i][1] < pairs[j][1]
	})
	t.In = make([][]int, len(t.Nodes))
	t.Out = make([][]int, len(t.Nodes))
	for c, p := range pairs {
		t.Chans = append(t.Chans, Channel{From: p[0], To: p[1]})
		t.chanIndex[p] = c
		t.OutPos = append(t.OutPos, len(t.Out[p[0]]))
		t.Out[p[0]] = append(t.Out[p[0]], c)
		t.InPos = append(t.InPos, len(t.In[p[1]]))
		t.In[p[1]] = append(t.In[p[1]], c)
	}
	scripted := make([]uint32, len(t.Nodes))
	if cfg.Workload.Any != nil {
		s.isAny = true
		for _, a := range cfg.Workload.Any.Amounts {
			s.anyAmounts = append(s.anyAmounts, int32(a))
		}
		sort.Slice(s.anyAmounts, func(i, j int) bool { return s.anyAmounts[i] < s.anyAmounts[j] })
		s.maxSends = int32(cfg.Workload.Any.MaxSends)
	} else {
		s.script = make([][]scriptStep, len(t.Nodes))
	}
	snapIdx := map[string]int{}
	for i, sn := range cfg.Snapshots {
		t.Snapshots = append(t.Snapshots, sn.ID)
		snapIdx[sn.ID] = i
		var mask uint64
		for _, n := range sn.Initiators {
			mask |= 1 << ids[n]
		}
		t.Initiators = append(t.Initiators, mask)
	}
	for nid, steps := range cfg.Workload.Script {
		i := ids[nid]
		for _, st := range steps {
			if st.Initiate != "" {
				sn := snapIdx[st.Initiate]
				scripted[i] |= 1 << sn
				s.script[i] = append(s.script[i], scriptStep{kind: stepInitiate, snap: sn})
				continue
			}
			s.script[i] = append(s.script[i], scriptStep{kind: stepSend, ch: t.chanIndex[[2]int{i, ids[st.To]}], amount: int32(st.Amount)})
		}
	}
	s.spontaneous = make([]uint32, len(t.Nodes))
	for sn, mask := range t.Initiators {
		for i := range t.Nodes {
			if mask&(1<<i) != 0 && scripted[i]&(1<<sn) == 0 {
				s.spontaneous[i] |= 1 << sn
			}
		}
	}
	for _, tr := range cfg.InFlight {
		s.total += int64(tr.Amount)
	}
	ia, ok := alg.(InternalActions)
	s.internal = !ok || ia.HasInternal(t)
	s.planner, _ = alg.(ControlPlanner)
	s.passive, _ = alg.(PassiveTransfers)
	s.scriptSends = make([][]uint64, len(t.Nodes))
	for i := range s.script {
		masks := make([]uint64, len(s.script[i])+1)
		for pc := len(s.script[i]) - 1; pc >= 0; pc-- {
			masks[pc] = masks[pc+1]
			if st := s.script[i][pc]; st.kind == stepSend {
				masks[pc] |= 1 << t.OutPos[st.ch]
			}
		}
		s.scriptSends[i] = masks
	}
	s.regs = alg.Registers(t)
	if s.regs < 0 {
		return nil, fmt.Errorf("algorithm %s: negative register count %d", alg.Name(), s.regs)
	}
	s.sym = &symmetryGroup{}
	return s, nil
}

// Algorithm is the system's algorithm.
func (s *System) Algorithm() Algorithm { return s.alg }

// Total is the bank's total money.
func (s *System) Total() int64 { return s.total }

// Registers is the number of algorithm registers per node.
func (s *System) Registers() int { return s.regs }

// Initial returns the initial state.
func (s *System) Initial() *State {
	t := &s.Topo
	n, c, k := len(t.Nodes), len(t.Chans), len(t.Snapshots)
	st := &State{
		Balance:   make([]int32, n),
		PC:        make([]int32, n),
		Regs:      make([]int64, n*s.regs),
		Rec:       make([]Record, k*n),
		Recording: make([]bool, k*c),
		RecChan:   make([][]int32, k*c),
		Chans:     make([][]Message, c),
		Snap:      make([]SnapStatus, k),
	}
	for i, nd := range s.Config.Nodes {
		st.Balance[i] = int32(nd.Balance)
	}
	all := uint32(1)<<k - 1
	for _, tr := range s.Config.InFlight {
		ch := t.ChannelIndex(t.NodeIndex(tr.From), t.NodeIndex(tr.To))
		// The sender's algorithm sees the transfer as sent before anything
		// was recorded (so that it can count or tag it).
		nd := Node{sys: s, st: st, i: t.Chans[ch].From, curChan: -1}
		tag := s.alg.OnSend(&nd, ch)
		s.push(st, ch, Message{Amount: int32(tr.Amount), Tag: tag, Pre: all})
	}
	return st
}
