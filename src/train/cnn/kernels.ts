// The three products of a layer with weights W (N × K, row-major) on a batch A (M × K):
// forward Y = A·Wᵀ, weight gradient dW = dYᵀ·A, input gradient dA = dY·W.
import { matmulDyTX, matmulDyW, matmulXWt } from "../gemm.js";

/** Y (M×N) = A (M×K) · Bᵀ with B N×K. */
export function gemmABt(
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  matmulXWt(a, b, y, m, k, n);
}

/** C (N×K) = Dᵀ·A with D M×N and A M×K (overwrites C). */
export function gemmAtB(
  d: Float32Array,
  a: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  matmulDyTX(d, a, c, m, k, n);
}

/** C (M×K) = D (M×N) · B (N×K) (overwrites C). */
export function gemmAB(
  d: Float32Array,
  b: Float32Array,
  c: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  matmulDyW(d, b, c, m, k, n);
}
