// The acquisition-shift suite: fixed, deterministic perturbations of a validation image that
// imitate how another site, machine or session records the same chest — exposure (brightness,
// contrast, gamma), sharpness (blur), detector noise and patient positioning (zoom, shift).
// Validating on the clean hold-out plus these copies measures robustness to such shifts, which
// an in-distribution hold-out cannot (docs/training.md, protocol 3). Every transform maps UINT8
// codes to UINT8 codes at the model's input size, before the per-image steps (framing, normalization).

import { Rng } from "../core/rng.js";
import type { Split } from "../data/load.js";
import { applyPerImage, type PerImageSteps } from "../data/per-image.js";

export interface ImageShift {
  name: string;
  apply(px: Uint8Array, width: number, height: number, index: number): Uint8Array;
}

const clamp = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

function pointwise(name: string, f: (v: number, mean: number) => number): ImageShift {
  return {
    name,
    apply(px) {
      let mean = 0;
      for (const v of px) mean += v;
      mean /= px.length;
      return Uint8Array.from(px, (v) => clamp(f(v, mean)));
    },
  };
}

/** Edge-repeating read. */
function at(px: Uint8Array, w: number, h: number, x: number, y: number): number {
  return px[Math.min(h - 1, Math.max(0, y)) * w + Math.min(w - 1, Math.max(0, x))]!;
}

function translate(dx: number, dy: number): ImageShift {
  return {
    name: `shift(${dx},${dy})`,
    apply(px, w, h) {
      const out = new Uint8Array(px.length);
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) out[y * w + x] = at(px, w, h, x - dx, y - dy);
      return out;
    },
  };
}

/** Zoom by `z` about the centre, bilinear. */
function zoom(z: number): ImageShift {
  return {
    name: `zoom ${z}`,
    apply(px, w, h) {
      const out = new Uint8Array(px.length);
      const cx = (w - 1) / 2;
      const cy = (h - 1) / 2;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const sx = Math.min(w - 1, Math.max(0, (x - cx) / z + cx));
          const sy = Math.min(h - 1, Math.max(0, (y - cy) / z + cy));
          const x0 = Math.floor(sx);
          const y0 = Math.floor(sy);
          const fx = sx - x0;
          const fy = sy - y0;
          const top = at(px, w, h, x0, y0) * (1 - fx) + at(px, w, h, x0 + 1, y0) * fx;
          const bottom = at(px, w, h, x0, y0 + 1) * (1 - fx) + at(px, w, h, x0 + 1, y0 + 1) * fx;
          out[y * w + x] = clamp(top * (1 - fy) + bottom * fy);
        }
      }
      return out;
    },
  };
}

/** 3×3 binomial blur [1 2 1]ᵀ[1 2 1]/16, rounded half up. */
const blur: ImageShift = {
  name: "blur 3x3",
  apply(px, w, h) {
    const out = new Uint8Array(px.length);
    const k = [1, 2, 1];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let j = -1; j <= 1; j++)
          for (let i = -1; i <= 1; i++) s += k[i + 1]! * k[j + 1]! * at(px, w, h, x + i, y + j);
        out[y * w + x] = (s + 8) >> 4;
      }
    }
    return out;
  },
};

/** Additive Gaussian noise of standard deviation `sigma` codes, seeded by the image index. */
function noise(sigma: number): ImageShift {
  return {
    name: `noise σ=${sigma}`,
    apply(px, _w, _h, index) {
      const rng = new Rng(0x5eed + index);
      return Uint8Array.from(px, (v) => clamp(v + sigma * rng.normal()));
    },
  };
}

/** The suite, fixed before any candidate was trained on it (protocol 3). */
export const ACQUISITION_SHIFTS: readonly ImageShift[] = [
  pointwise("contrast ×0.75", (v, m) => (v - m) * 0.75 + m),
  pointwise("contrast ×1.25", (v, m) => (v - m) * 1.25 + m),
  pointwise("gamma 0.75", (v) => 255 * (v / 255) ** 0.75),
  pointwise("gamma 1.33", (v) => 255 * (v / 255) ** 1.33),
  pointwise("brightness −20", (v) => v - 20),
  pointwise("brightness +20", (v) => v + 20),
  blur,
  noise(10),
  zoom(0.9),
  zoom(1.1),
  translate(2, 2),
  translate(-2, -2),
];

/**
 * The clean split followed by one copy per shift (same labels, names `file#shift`). `raw` holds
 * the same images before the per-image steps (framing, normalization), which are applied after
 * the shift, as the host would apply them to whatever the detector delivered.
 */
export function withShifts(
  clean: Split,
  raw: Split,
  width: number,
  height: number,
  steps: PerImageSteps,
  shifts: readonly ImageShift[] = ACQUISITION_SHIFTS,
): Split {
  if (raw.n !== clean.n || raw.dim !== clean.dim || raw.dim !== width * height) {
    throw new Error("withShifts: the raw and clean splits must hold the same images");
  }
  const n = clean.n * (1 + shifts.length);
  const x = new Uint8Array(n * clean.dim);
  const y = new Uint8Array(n);
  const names: string[] = [...clean.names];
  x.set(clean.x);
  y.set(clean.y);
  shifts.forEach((s, k) => {
    const base = (k + 1) * clean.n;
    for (let i = 0; i < clean.n; i++) {
      const img = raw.x.subarray(i * raw.dim, (i + 1) * raw.dim);
      x.set(applyPerImage(s.apply(img, width, height, i), width, height, steps), (base + i) * clean.dim);
      y[base + i] = clean.y[i]!;
      names.push(`${clean.names[i]}#${s.name}`);
    }
  });
  return { x, y, names, n, dim: clean.dim };
}
