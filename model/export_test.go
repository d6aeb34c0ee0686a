package model

// PassiveReceive reports whether the algorithm of s promises (through
// PassiveTransfers) that e, an enabled receive of a transfer in st, is
// passive.
func PassiveReceive(s *System, st *State, e Event) bool {
	if e.Kind != Receive || e.Control {
		return false
	}
	return PassiveChannel(s, st, e.Node, e.Chan)
}

// PassiveChannel reports whether the algorithm of s promises that node i
// takes the transfers on its incoming channel ch passively.
func PassiveChannel(s *System, st *State, i, ch int) bool {
	if s.passive == nil {
		return false
	}
	nd := Node{sys: s, st: st, i: i, curChan: -1}
	return s.passive.PassiveTransfer(&nd, ch)
}
