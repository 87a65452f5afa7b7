// The three matrix products of a dense layer on row-major Float32Arrays. Loops run over
// contiguous memory in the innermost position and reuse each loaded weight row for four
// batch rows (register blocking), which is what makes plain JS reach ~1 GFLOP/s here.

/** Y[b,o] = Σ_i X[b,i]·W[o,i]  (X: B×I, W: O×I, Y: B×O). */
export function matmulXWt(
  x: Float32Array,
  w: Float32Array,
  y: Float32Array,
  B: number,
  I: number,
  O: number,
): void {
  let b = 0;
  for (; b + 4 <= B; b += 4) {
    const x0 = b * I;
    const x1 = x0 + I;
    const x2 = x1 + I;
    const x3 = x2 + I;
    for (let o = 0; o < O; o++) {
      const wo = o * I;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      for (let i = 0; i < I; i++) {
        const wv = w[wo + i]!;
        s0 += x[x0 + i]! * wv;
        s1 += x[x1 + i]! * wv;
        s2 += x[x2 + i]! * wv;
        s3 += x[x3 + i]! * wv;
      }
      y[b * O + o] = s0;
      y[(b + 1) * O + o] = s1;
      y[(b + 2) * O + o] = s2;
      y[(b + 3) * O + o] = s3;
    }
  }
  for (; b < B; b++) {
    const xb = b * I;
    for (let o = 0; o < O; o++) {
      const wo = o * I;
      let s = 0;
      for (let i = 0; i < I; i++) s += x[xb + i]! * w[wo + i]!;
      y[b * O + o] = s;
    }
  }
}

/** dW[o,i] = Σ_b dY[b,o]·X[b,i]  (overwrites dW). */
export function matmulDyTX(
  dy: Float32Array,
  x: Float32Array,
  dw: Float32Array,
  B: number,
  I: number,
  O: number,
): void {
  dw.fill(0);
  for (let o = 0; o < O; o++) {
    const wo = o * I;
    let b = 0;
    for (; b + 4 <= B; b += 4) {
      const d0 = dy[b * O + o]!;
      const d1 = dy[(b + 1) * O + o]!;
      const d2 = dy[(b + 2) * O + o]!;
      const d3 = dy[(b + 3) * O + o]!;
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const x0 = b * I;
      const x1 = x0 + I;
      const x2 = x1 + I;
      const x3 = x2 + I;
      for (let i = 0; i < I; i++) {
        dw[wo + i]! += d0 * x[x0 + i]! + d1 * x[x1 + i]! + d2 * x[x2 + i]! + d3 * x[x3 + i]!;
      }
    }
    for (; b < B; b++) {
      const d = dy[b * O + o]!;
      if (d === 0) continue;
      const xb = b * I;
      for (let i = 0; i < I; i++) dw[wo + i]! += d * x[xb + i]!;
    }
  }
}

/** dX[b,i] = Σ_o dY[b,o]·W[o,i]  (overwrites dX). */
export function matmulDyW(
  dy: Float32Array,
  w: Float32Array,
  dx: Float32Array,
  B: number,
  I: number,
  O: number,
): void {
  dx.fill(0);
  for (let b = 0; b < B; b++) {
    const xb = b * I;
    let o = 0;
    for (; o + 4 <= O; o += 4) {
      const d0 = dy[b * O + o]!;
      const d1 = dy[b * O + o + 1]!;
      const d2 = dy[b * O + o + 2]!;
      const d3 = dy[b * O + o + 3]!;
      if (d0 === 0 && d1 === 0 && d2 === 0 && d3 === 0) continue;
      const w0 = o * I;
      const w1 = w0 + I;
      const w2 = w1 + I;
      const w3 = w2 + I;
      for (let i = 0; i < I; i++) {
        dx[xb + i]! += d0 * w[w0 + i]! + d1 * w[w1 + i]! + d2 * w[w2 + i]! + d3 * w[w3 + i]!;
      }
    }
    for (; o < O; o++) {
      const d = dy[b * O + o]!;
      if (d === 0) continue;
      const wo = o * I;
      for (let i = 0; i < I; i++) dx[xb + i]! += d * w[wo + i]!;
    }
  }
}
