// FIFO depths between layers, from each layer's production and consumption pattern.
//
// A layer emits its NF output beats one per SF cycles while it computes a vector. The next
// layer reads its input vector into a double-banked buffer: while one bank is replayed for its
// NF neuron folds, the other bank accepts the next vector at up to one beat per cycle. So a
// consumer running at the pipeline's rate always has a free bank for the beats the producer
// emits during one initiation interval, and a consumer that is slower than the producer is the
// pipeline's bottleneck, where waiting producers cost no throughput. Either way the producer
// never waits at steady state because of the link itself: the link needs no elasticity beyond
// one vector, which the consumer's second bank already provides. A two-beat register FIFO is
// kept on every inner link for timing, not capacity: its output data and valid come from
// registers, which cuts the forward path between the two blocks. It does not cut the ready
// path: the FIFO is built with `pipe` (it accepts a beat when full if one leaves in the same
// cycle, so two beats sustain full rate), and its `in_ready` follows `out_ready`
// combinationally. Simulation checks the claim: the measured interval equals the analytic one
// and the occupancy peaks are reported (test/compiler/compile-sim.test.ts).

/** Beats of elasticity a link needs at steady state; `fromInputPort` when it feeds the first layer. */
export function linkFifoDepth(fromInputPort: boolean): number {
  // The input port feeds the first layer directly: its buffer takes beats as the host sends them.
  return fromInputPort ? 0 : 2;
}
