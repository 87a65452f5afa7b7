// Stimulus randomness: the project's one seeded PRNG (src/core/rng.ts, xoshiro128**), so that
// every simulator sees exactly the same bits for the same seed. Patterns are expanded from it in
// TypeScript, never inside a testbench.
import { Rng } from "../src/core/rng.js";

/** Uniform numbers in [0, 1) from a seed (any seed, small ones included, gives its own sequence). */
export function seededRandom(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
