// Synthetic images for convolutional training tests: the class is a bar's orientation, its
// place random, so a classifier must be translation invariant (not linearly separable by position).
import { Rng } from "../../src/core/rng.js";
import type { Split } from "../../src/data/load.js";

/** Class 1: a vertical bar, class 0: a horizontal bar, at a random place over noise. */
export function bars(n: number, seed: number, size: number): Split {
  const rng = new Rng(seed);
  const x = new Uint8Array(n * size * size);
  const y = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const label = i % 2;
    y[i] = label;
    const a = rng.int(size - 4);
    const b = 1 + rng.int(size - 2);
    for (let r = 0; r < size; r++)
      for (let c = 0; c < size; c++) {
        const along = label ? r : c;
        const across = label ? c : r;
        const bar = across === b && along >= a && along < a + 4 ? 150 : 0;
        x[i * size * size + r * size + c] = Math.min(255, 30 + bar + rng.int(70));
      }
  }
  return { x, y, n, dim: size * size, names: Array.from({ length: n }, (_, i) => `img${i}.png`) };
}
