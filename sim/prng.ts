// A small deterministic PRNG (32-bit xorshift with a mixed seed). Stimulus patterns are expanded
// from it in TypeScript so every simulator sees exactly the same bits for the same seed.
export function seededRandom(seed: number): () => number {
  // Mix the seed so small seeds (0, 1, 2) still give unrelated sequences; xorshift needs state ≠ 0.
  let s = Math.imul((seed | 0) ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  s = (s ^ (s >>> 13)) >>> 0 || 0x6d2b79f5;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x1_0000_0000;
  };
}
