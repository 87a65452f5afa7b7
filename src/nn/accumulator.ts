// Accumulator ranges moved to src/core/accumulator.ts (below both the model compiler and the hardware
// library, so that lib/ needs nothing from nn/). This re-export keeps the imports of work in
// flight on other branches valid; the folder regroup of issue 14 removes it.
export * from "../core/accumulator.js";
