// Per-image intensity normalizations, all in exact integer arithmetic so the host that feeds
// the accelerator reproduces the training inputs bit for bit. They remove per-image exposure
// and contrast differences, one suspected cause of the shift between train/ and test/.
export const NORMALIZATIONS = ["none", "minmax", "stretch", "histeq"] as const;
export type Normalization = (typeof NORMALIZATIONS)[number];

/** Percentile used by "stretch": 1% of the pixels at each end are saturated. */
export const STRETCH_PERMILLE = 10;

export function normalizeImage(px: Uint8Array, mode: Normalization): Uint8Array {
  switch (mode) {
    case "none":
      return px;
    case "minmax": {
      let lo = 255;
      let hi = 0;
      for (const v of px) {
        if (v < lo) lo = v;
        if (v > hi) hi = v;
      }
      return stretch(px, lo, hi);
    }
    case "stretch": {
      const hist = histogram(px);
      const k = Math.floor((px.length * STRETCH_PERMILLE) / 1000);
      return stretch(px, rankValue(hist, k), rankValue(hist, px.length - 1 - k));
    }
    case "histeq":
      return equalize(px);
  }
}

function histogram(px: Uint8Array): Int32Array {
  const h = new Int32Array(256);
  for (const v of px) h[v]!++;
  return h;
}

/** The value of rank r (0-based) in ascending order. */
function rankValue(hist: Int32Array, r: number): number {
  let seen = 0;
  for (let v = 0; v < 256; v++) {
    seen += hist[v]!;
    if (seen > r) return v;
  }
  return 255;
}

/** Linear map of [lo, hi] to [0, 255], clamped, rounding half up: (v−lo)·255/(hi−lo). */
function stretch(px: Uint8Array, lo: number, hi: number): Uint8Array {
  const out = new Uint8Array(px.length);
  if (hi <= lo) return out.fill(128);
  const d = hi - lo;
  for (let i = 0; i < px.length; i++) {
    const v = Math.min(Math.max(px[i]! - lo, 0), d);
    out[i] = Math.floor((2 * v * 255 + d) / (2 * d));
  }
  return out;
}

/** Histogram equalization: v ↦ round(255·(cdf(v) − cdf_min) / (N − cdf_min)), half up. */
function equalize(px: Uint8Array): Uint8Array {
  const hist = histogram(px);
  const cdf = new Int32Array(256);
  let run = 0;
  let cdfMin = -1;
  for (let v = 0; v < 256; v++) {
    run += hist[v]!;
    cdf[v] = run;
    if (cdfMin < 0 && run > 0) cdfMin = run;
  }
  const out = new Uint8Array(px.length);
  const d = px.length - cdfMin;
  if (d <= 0) return out.fill(128);
  for (let i = 0; i < px.length; i++) {
    const c = cdf[px[i]!]! - cdfMin;
    out[i] = Math.floor((2 * c * 255 + d) / (2 * d));
  }
  return out;
}
