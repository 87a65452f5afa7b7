// How a multi-threshold is evaluated in hardware, decided without building any: shared by the
// generators (pipeline depth, structure) and the resource estimate (src/fold/estimate.ts).
//
// `parallel`: one register stage comparing the value with all N thresholds of its channel at
// once, then the count of ones (N comparators; per-channel thresholds in one ROM word of N·w
// bits per fold). `binary`: a pipelined binary search over the ascending thresholds, one
// register stage per output bit, B = ⌈log2(N + 1)⌉ comparators, and stage k reading one of
// 2^k thresholds from its own deep, narrow table.

export type ThresholdSearch = "parallel" | "binary" | "auto";

/** Register stages of a binary search over `count` thresholds: ⌈log2(count + 1)⌉. */
export function searchStages(count: number): number {
  return Math.ceil(Math.log2(count + 1));
}

/**
 * Resolves `auto`. `inMemory` says the thresholds come from memories (one row per channel and
 * more than one fold); otherwise they are constants.
 *
 * - N ≤ 2: parallel. The search needs as many comparators (B = N) plus a register of the value
 *   per extra stage, so it never saves anything (N = 1 builds the same hardware either way).
 * - Thresholds in memories, N ≥ 3: binary. Both store the same N·w bits per fold (the search
 *   pads to 2^B − 1), but the search compares B instead of N times, needs no popcount, reads
 *   narrow tables combinationally from LUTs (the parallel ROM's N·w-bit output register is
 *   gone) and puts deep tables in block RAM, where the parallel N·w-bit word never fits well.
 * - Constant thresholds (one row for all channels, or a single fold): a comparison with a
 *   constant is cheap (no threshold storage, about half the LUTs of a comparator of two
 *   variables), while every search stage after the first compares against a multiplexer of
 *   constants and carries the value in a register. Parallel up to N = 7 (at most 7 constant
 *   comparators); binary from N = 8, where N constant comparators and an N-bit popcount cost
 *   more than B ≤ N/2 comparators with their value registers.
 */
export function resolveSearch(
  search: ThresholdSearch | undefined,
  count: number,
  inMemory: boolean,
): "parallel" | "binary" {
  const s = search ?? "auto";
  if (s !== "auto") return s;
  if (count <= 2) return "parallel";
  return inMemory || count >= 8 ? "binary" : "parallel";
}

/** Pipeline register stages of the activation: 1 for parallel, B for a binary search. */
export function activationStages(search: "parallel" | "binary", count: number): number {
  return search === "binary" ? searchStages(count) : 1;
}
