// The seeded PRNG moved to src/core/rng.ts (data splits and simulation stimulus use it too, and
// data/ must not depend on train/). This re-export keeps the imports of work in flight on other
// branches valid; the folder regroup of issue 14 removes it.
export * from "../core/rng.js";
