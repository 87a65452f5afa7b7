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
// kept on every inner link to cut the ready path between the two blocks (timing), not for
// capacity. Simulation checks the claim: the measured interval equals the analytic one and the
// occupancy peaks are reported (test/compiler/compile-sim.test.ts).
import type { LayerPlan } from "./plan.js";

/** Beats of elasticity a link from `producer` to `consumer` needs at steady state. */
export function linkFifoDepth(producer: LayerPlan | undefined, consumer: LayerPlan): number {
  // The input port feeds the first layer directly: its buffer takes beats as the host sends them.
  if (!producer) return 0;
  void consumer;
  return 2;
}
