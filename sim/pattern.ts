// Expands a valid/ready pattern into the '0'/'1' string the testbenches index cyclically.
import { seededRandom } from "./prng.js";
import type { Pattern } from "./types.js";

/** Random patterns longer than this repeat; a million random bits is plenty of variety. */
const MAX_RANDOM_LENGTH = 1 << 20;

export function expandPattern(pattern: Pattern | undefined, cycles: number, what: string): string {
  if (pattern === undefined) return "1";
  if (Array.isArray(pattern)) {
    if (pattern.length === 0) throw new Error(`${what}: an explicit pattern needs at least one entry`);
    if (!pattern.some((b) => b))
      throw new Error(`${what}: the pattern is never on, the stream could never move`);
    return pattern.map((b) => (b ? "1" : "0")).join("");
  }
  const { probability, seed } = pattern;
  if (!(probability > 0 && probability <= 1)) {
    throw new Error(`${what}: probability must be in (0, 1], got ${probability}`);
  }
  const next = seededRandom(seed);
  const length = Math.max(1, Math.min(cycles, MAX_RANDOM_LENGTH));
  let bits = "";
  for (let i = 0; i < length; i++) bits += next() < probability ? "1" : "0";
  // A random pattern that happens to be all zeros would stall forever; force one on-cycle.
  return bits.includes("1") ? bits : `1${bits.slice(1)}`;
}
