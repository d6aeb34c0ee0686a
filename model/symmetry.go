package model

import (
	"bytes"
	"fmt"
	"slices"
	"sync"
)

// Symmetry reduction. A renaming of nodes π is a symmetry of a system when
// it maps the system to itself: equal initial balances, channels onto
// channels, every snapshot's initiators onto its initiators, every node's
// script onto its image's, and the initial state (money in flight, with
// its tags) onto itself. If, besides, the algorithm treats nodes alike
// (Symmetric), then π maps every execution to an execution: renaming
// commutes with every event. The explorer may then keep one state of each
// orbit {π(st)}, its canonical state (see canonical), and generate its
// successors only.
//
// Why this keeps verdicts and snapshots: every reachable state's orbit
// holds a canonical state that the reduced search reaches (by induction on
// the length of a path, renaming each step), and a state and its image
// have the same terminal-ness, the same completed snapshots and the same
// ghost flags (snapshots are not renamed, and conservation sums over all
// nodes and channels). So every property of SPEC §2 holds in the reduced
// graph exactly when it holds in the full one. A recorded snapshot value v
// is found up to renaming: the full set of distinct snapshots is the union
// of the orbits {π(v)} of the values found, each recorded by the renamed
// execution. With partial-order reduction as well, the stubborn set is
// computed in the canonical state, which is a state of the system like any
// other; the argument of por.go (every terminal state and every completion
// of a snapshot keeps a representative) then holds orbit by orbit.

// Symmetric is implemented by an algorithm that treats nodes alike: what a
// node does depends on its channels only through their positions in In
// and Out, on no node's index or id (Node.Initiator aside, which renamings
// preserve), and the tags and control payloads it sends name no node.
// Symmetry reduction needs it to carry a node's registers over to the node
// it is renamed to.
type Symmetric interface {
	// PermuteRegisters writes into dst the registers src of a node whose
	// In position p becomes in[p] and whose Out position p becomes out[p]
	// (the positions at the node it is renamed to).
	PermuteRegisters(t *Topology, in, out []int, src, dst []int64)
}

// Renaming is a symmetry of a system: node i becomes Node[i] and channel c
// becomes Chan[c].
type Renaming struct {
	Node []int
	Chan []int
	inv  []int // inv[j]: the node that becomes node j
	// per node: In (Out) position p becomes inPos[i][p] (outPos[i][p])
	inPos, outPos [][]int
}

// MaxRenamings bounds the renamings symmetry reduction uses: a canonical
// state weighs every renaming (and encodes those its signatures do not
// settle), so beyond this many (a symmetric bank of 8 or more
// interchangeable nodes) it would cost more than it saves, and Symmetries
// returns none.
const MaxRenamings = 5040

// symmetryGroup is a system's renamings, found once, on first use.
type symmetryGroup struct {
	once      sync.Once
	renamings []Renaming
	note      string
}

// Symmetries returns the renamings other than the identity that map s to
// itself (see Symmetric). It returns none when the algorithm does not
// implement Symmetric or there are more than MaxRenamings; SymmetryNote
// then says why.
func (s *System) Symmetries() []Renaming {
	s.sym.once.Do(func() { s.sym.renamings, s.sym.note = s.symmetries() })
	return s.sym.renamings
}

// SymmetryNote says why Symmetries returns none ("" when it returns some).
func (s *System) SymmetryNote() string {
	s.Symmetries()
	return s.sym.note
}

// symmetries finds the renamings by backtracking over node assignments that
// keep balances, channels, initiators, scripts and money in flight, then
// checks the whole initial state.
func (s *System) symmetries() ([]Renaming, string) {
	if _, ok := s.alg.(Symmetric); !ok {
		return nil, s.alg.Name() + " does not implement model.Symmetric"
	}
	t := &s.Topo
	n := len(t.Nodes)
	init := s.Initial()
	initEnc := init.Encode(nil)
	var out []Renaming
	perm := make([]int, n)
	used := make([]bool, n)
	var scratch State
	steps := 0
	var rec func(i int)
	rec = func(i int) {
		if steps++; len(out) > MaxRenamings || steps > maxRenamingSteps {
			return
		}
		if i == n {
			r := s.renaming(perm)
			if r == nil {
				return
			}
			identity := true
			for k, v := range perm {
				identity = identity && k == v
			}
			if identity {
				return
			}
			s.Rename(r, init, &scratch)
			if !bytes.Equal(scratch.Encode(nil), initEnc) {
				return
			}
			out = append(out, *r)
			return
		}
		for v := 0; v < n; v++ {
			if used[v] || s.Config.Nodes[v].Balance != s.Config.Nodes[i].Balance {
				continue
			}
			ok := true
			for _, mask := range t.Initiators {
				if (mask>>i)&1 != (mask>>v)&1 {
					ok = false
				}
			}
			for a := 0; a < i && ok; a++ {
				if (t.ChannelIndex(a, i) < 0) != (t.ChannelIndex(perm[a], v) < 0) ||
					(t.ChannelIndex(i, a) < 0) != (t.ChannelIndex(v, perm[a]) < 0) {
					ok = false
				}
			}
			// Scripts and money in flight, as far as both ends are assigned.
			perm[i] = v
			for a := 0; a <= i && ok && s.script != nil; a++ {
				ok = s.scriptsMatch(perm, a, i)
			}
			for a := 0; a < i && ok; a++ {
				if c := t.ChannelIndex(a, i); c >= 0 && !slices.Equal(init.Chans[c], init.Chans[t.ChannelIndex(perm[a], v)]) {
					ok = false
				}
				if c := t.ChannelIndex(i, a); c >= 0 && !slices.Equal(init.Chans[c], init.Chans[t.ChannelIndex(v, perm[a])]) {
					ok = false
				}
			}
			if !ok {
				continue
			}
			perm[i], used[v] = v, true
			rec(i + 1)
			used[v] = false
		}
	}
	rec(0)
	switch {
	case steps > maxRenamingSteps:
		return nil, fmt.Sprintf("the search for renamings gave up after %d steps", maxRenamingSteps)
	case len(out) > MaxRenamings:
		return nil, fmt.Sprintf("more than %d renamings of nodes map this bank to itself; canonical states would cost more than they save", MaxRenamings)
	case len(out) == 0:
		return nil, "no renaming of nodes maps this bank to itself"
	}
	return out, ""
}

// maxRenamingSteps bounds the search for renamings (node assignments
// tried), which is a graph-matching problem and can take exponential time.
const maxRenamingSteps = 1_000_000

// scriptsMatch reports whether node a's script is perm[a]'s, comparing the
// targets of sends only where they are assigned (nodes up to upto).
func (s *System) scriptsMatch(perm []int, a, upto int) bool {
	t := &s.Topo
	x, y := s.script[a], s.script[perm[a]]
	if len(x) != len(y) {
		return false
	}
	for k := range x {
		if x[k].kind != y[k].kind || x[k].amount != y[k].amount || x[k].snap != y[k].snap {
			return false
		}
		if to := t.Chans[x[k].ch].To; x[k].kind == stepSend && to <= upto && t.Chans[y[k].ch].To != perm[to] {
			return false
		}
	}
	return true
}

// renaming completes perm (a node assignment that keeps channels) into a
// Renaming, or returns nil when it does not map scripts onto scripts.
func (s *System) renaming(perm []int) *Renaming {
	t := &s.Topo
	n := len(t.Nodes)
	r := &Renaming{Node: append([]int(nil), perm...), Chan: make([]int, len(t.Chans)), inv: make([]int, n)}
	for i, j := range perm {
		r.inv[j] = i
	}
	for c, ch := range t.Chans {
		r.Chan[c] = t.ChannelIndex(perm[ch.From], perm[ch.To])
		if r.Chan[c] < 0 {
			return nil
		}
	}
	r.inPos, r.outPos = make([][]int, n), make([][]int, n)
	for i := 0; i < n; i++ {
		for _, c := range t.In[i] {
			r.inPos[i] = append(r.inPos[i], t.InPos[r.Chan[c]])
		}
		for _, c := range t.Out[i] {
			r.outPos[i] = append(r.outPos[i], t.OutPos[r.Chan[c]])
		}
	}
	if s.script != nil {
		for i := 0; i < n; i++ {
			a, b := s.script[i], s.script[perm[i]]
			if len(a) != len(b) {
				return nil
			}
			for k := range a {
				x, y := a[k], b[k]
				if x.kind != y.kind || x.amount != y.amount || x.snap != y.snap ||
					(x.kind == stepSend && r.Chan[x.ch] != y.ch) {
					return nil
				}
			}
		}
	}
	return r
}

// Rename makes dst the state src renamed by r (a deep copy).
func (s *System) Rename(r *Renaming, src, dst *State) { s.rename(r, src, dst, true) }

// rename is Rename; unless deep, dst's channel contents and recorded
// channel states share src's memory (for a state that is only encoded).
func (s *System) rename(r *Renaming, src, dst *State, deep bool) {
	t := &s.Topo
	n, c, k := len(t.Nodes), len(t.Chans), len(t.Snapshots)
	dst.Balance = grow(dst.Balance, n)
	dst.PC = grow(dst.PC, n)
	dst.Regs = grow(dst.Regs, len(src.Regs))
	sym, _ := s.alg.(Symmetric)
	for i := 0; i < n; i++ {
		j := r.Node[i]
		dst.Balance[j] = src.Balance[i]
		dst.PC[j] = src.PC[i]
		if s.regs > 0 {
			sym.PermuteRegisters(t, r.inPos[i], r.outPos[i], src.Regs[i*s.regs:(i+1)*s.regs], dst.Regs[j*s.regs:(j+1)*s.regs])
		}
	}
	dst.Rec = grow(dst.Rec, len(src.Rec))
	dst.Recording = grow(dst.Recording, len(src.Recording))
	dst.RecChan = resize(dst.RecChan, len(src.RecChan))
	for sn := 0; sn < k; sn++ {
		for i := 0; i < n; i++ {
			dst.Rec[sn*n+r.Node[i]] = src.Rec[sn*n+i]
		}
		for ch := 0; ch < c; ch++ {
			d := sn*c + r.Chan[ch]
			dst.Recording[d] = src.Recording[sn*c+ch]
			if deep {
				dst.RecChan[d] = assign(dst.RecChan[d], src.RecChan[sn*c+ch])
			} else {
				dst.RecChan[d] = src.RecChan[sn*c+ch]
			}
		}
	}
	dst.Chans = resize(dst.Chans, c)
	for ch := 0; ch < c; ch++ {
		d := r.Chan[ch]
		if deep {
			dst.Chans[d] = assign(dst.Chans[d], src.Chans[ch])
		} else {
			dst.Chans[d] = src.Chans[ch]
		}
	}
	dst.Snap = assign(dst.Snap, src.Snap)
}

// canonical returns the encoding of st's canonical state; enc, st's own
// encoding, is held in *buf; *buf and *alt are the expander's two scratch
// buffers and may be swapped.
//
// The canonical state of an orbit is the renaming ρ(st) that is least by
// the sequence of its nodes' signatures (a node's balance, script
// position, recording status and queue lengths, which renaming carries
// along with the node), then by encoding. That order depends only on the
// states of the orbit, not on which of them st is, so every state of an
// orbit gets the same canonical state; and the signatures, compared as
// integers, settle most renamings without renaming or encoding anything.
func (x *Expander) canonical(st *State, buf, alt *[]byte) []byte {
	if cap(x.sig) < len(x.sys.Topo.Nodes) {
		x.sig = make([]uint64, 0, lineCap[uint64](len(x.sys.Topo.Nodes)))
	}
	x.sig = x.signatures(st, x.sig[:0])
	var best *Renaming // whose encoding *buf holds; nil: st's own
	rens := x.sys.Symmetries()
	for i := range rens {
		r := &rens[i]
		c := compareSignatures(x.sig, r, best)
		if c > 0 {
			continue
		}
		// x.ren is only ever encoded, so it may share st's memory.
		x.sys.rename(r, st, &x.ren, false)
		a := x.ren.Encode((*alt)[:0])
		if cap(a) != cap(*alt) { // append grew it
			a = moreRoom(a)
		}
		*alt = a
		if c < 0 || bytes.Compare(*alt, *buf) < 0 {
			*buf, *alt = *alt, *buf
			best = r
		}
	}
	return *buf
}

// signatures appends each node's signature in st: a function of what
// renaming carries along with the node (balance, script position, its
// recording status of every snapshot, how many messages its incoming and
// outgoing channels hold in all), so that node ρ(i) of ρ(st) has node i's.
func (x *Expander) signatures(st *State, dst []uint64) []uint64 {
	t := &x.sys.Topo
	n := len(t.Nodes)
	for i := 0; i < n; i++ {
		// Mixed into one word by multiply-and-add: any function of these
		// values will do, since only its equalities and order are used.
		sig := uint64(uint32(st.Balance[i]))*prime + uint64(uint32(st.PC[i]))
		for sn := range t.Snapshots {
			r := st.Rec[sn*n+i]
			sig = sig*prime + uint64(btoi(r.Recorded)+btoi(r.Done))
		}
		// Sums, not sequences: renaming reorders a node's channels.
		in, out := 0, 0
		for _, ch := range t.In[i] {
			in += len(st.Chans[ch])
		}
		for _, ch := range t.Out[i] {
			out += len(st.Chans[ch])
		}
		dst = append(dst, (sig*prime+uint64(in))*prime+uint64(out))
	}
	return dst
}

// prime mixes values into a node signature.
const prime = 1099511628211

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// compareSignatures compares the signature sequences of r(st) and best(st)
// (st's own when best is nil), given st's node signatures.
func compareSignatures(sig []uint64, r, best *Renaming) int {
	for j := range sig {
		a, b := sig[r.inv[j]], sig[j]
		if best != nil {
			b = sig[best.inv[j]]
		}
		if a != b {
			if a < b {
				return -1
			}
			return 1
		}
	}
	return 0
}

// Canonical appends to dst the encoding of st's canonical state: st's own
// encoding, or with symmetry reduction its canonical renaming's.
// Two states have the same canonical encoding exactly when one is a
// renaming of the other.
func (x *Expander) Canonical(dst []byte, st *State) []byte {
	if !x.sym {
		return st.Encode(dst)
	}
	b := st.Encode(x.cbuf[:0])
	if cap(b) != cap(x.cbuf) { // append grew it
		b = moreRoom(b)
	}
	x.cbuf = b
	return append(dst, x.canonical(st, &x.cbuf, &x.calt)...)
}

// permuteMask renames the bits of a mask of positions: bit p becomes bit
// to[p].
func permuteMask(m int64, to []int) int64 {
	var r int64
	for p, q := range to {
		if m&(1<<p) != 0 {
			r |= 1 << q
		}
	}
	return r
}
