package model

// PassiveReceive reports whether the algorithm of s promises (through
// PassiveTransfers) that e, an enabled receive of a transfer in st, is
// passive.
func PassiveReceive(s *System, st *State, e Event) bool {
	if s.passive == nil || e.Kind != Receive || e.Control {
		return false
	}
	nd := Node{sys: s, st: st, i: e.Node, curChan: -1}
	return s.passive.PassiveTransfer(&nd, e.Chan)
}
