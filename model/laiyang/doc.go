// Package laiyang is the Lai–Yang snapshot algorithm for non-FIFO channels
// (SPEC §1.5), and a deliberately broken variant of it. It is written
// against model's public Algorithm interface only, exactly as a user
// outside this module could write it, and imports only model and the
// standard library.
//
// Colours. Every node is white for snapshot s until it records s, and red
// from then on. Every transfer carries its sender's colour in its tag: bit
// s of the tag is set when the sender had recorded s when it sent it. A
// white node that receives a transfer red for s records s before it takes
// the transfer (OnTransfer runs before the amount is credited, so the
// recorded balance does not include it). A channel's recorded state is the
// white transfers its receiver takes after recording.
//
// Counts instead of markers. Non-FIFO channels reorder messages, so no
// message can mark the end of a channel's white transfers. Each node
// counts, per outgoing channel, the white transfers it sent; each receiver
// counts, per incoming channel, the white transfers it took (before and
// after recording). A channel's recording is complete when the receiver has
// taken as many white transfers on it as its sender sent.
//
// How the counts travel: when a node records s it sends one control
// message for s on every outgoing channel, carrying the number of white
// transfers it sent on that channel (the payload). We chose a control
// message over piggybacking the count on the first red transfer because a
// red transfer need never come: a node may have nothing left to send (its
// script is over, its "any" budget spent, its balance zero), and then its
// neighbours would never learn the count and the snapshot would never
// complete. A control message also turns a white receiver red (it records
// before taking it), so every node reachable from an initiator records
// even when no red transfer ever reaches it. A node finishes s once it has
// recorded s, has the count of every incoming channel, and has taken that
// many white transfers on each.
//
// Registers, per snapshot s (block s of Registers/S registers, positions
// by the node's Out and In order; D_out and D_in are the largest out- and
// in-degrees of the topology):
//
//	sent[p]  white transfers sent on Out()[p]; cleared when the node
//	         records (the control message carries it away)
//	got[q]   white transfers taken on In()[q]
//	want[q]  1 + the count announced on In()[q]; 0 until it arrives
//
// got and want are cleared when the node finishes s, since no white
// transfer of s can arrive after that; clearing what is no longer needed
// lets the explorer merge states that differ only in spent counters.
//
// LaiYang also implements model.ControlPlanner: a node sends control
// messages only when it records, so once it has recorded every snapshot it
// sends none, which lets partial-order reduction (snapcheck check --por)
// prune interleavings.
package laiyang
