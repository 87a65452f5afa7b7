// The three products of a layer with weights W (N × K, row-major) on a batch A (M × K):
// forward Y = A·Wᵀ, weight gradient dW = dYᵀ·A, input gradient dA = dY·W. All three run on
// the WebAssembly SIMD kernel (wasm-gemm.ts); the few rows and columns outside its 4 × 8
// blocks are computed here with the same single-precision operations in the same order, so
// every entry is bit-identical whichever path computed it.
import { type GemmKernel, instantiateGemm } from "./wasm-gemm.js";

const PAGE = 65536;
let memory: WebAssembly.Memory | undefined;
let kernel: GemmKernel | undefined;
let heap = new Float32Array(0);

/** A heap of at least `floats` entries in the kernel's memory (grown on demand). */
function heapOf(floats: number): Float32Array {
  if (!memory) {
    memory = new WebAssembly.Memory({ initial: 1 });
    kernel = instantiateGemm(memory);
  }
  const bytes = floats * 4;
  if (memory.buffer.byteLength < bytes) memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / PAGE));
  if (heap.buffer !== memory.buffer) heap = new Float32Array(memory.buffer);
  return heap;
}

const align4 = (n: number) => (n + 3) & ~3;

/**
 * out (m × n) = A·B with A[i, k] = a[i·aRow + k·aStep] and B given as k × n row-major.
 */
function product(
  a: Float32Array,
  aRow: number,
  aStep: number,
  b: Float32Array,
  out: Float32Array,
  m: number,
  n: number,
  k: number,
): void {
  const offA = 0;
  const offB = align4(a.length);
  const offC = offB + align4(b.length);
  const h = heapOf(offC + m * n);
  h.set(a, offA);
  h.set(b, offB);
  const m4 = m & ~3;
  const n8 = n & ~7;
  if (m4 > 0 && n8 > 0) kernel!(m4, n8, k, 4 * offA, 4 * aRow, 4 * aStep, 4 * offB, 4 * n, 4 * offC, 4 * n);
  out.set(h.subarray(offC, offC + m * n));
  const f = Math.fround;
  const tail = (i: number, j: number) => {
    let s = 0;
    for (let t = 0; t < k; t++) s = f(s + f(a[i * aRow + t * aStep]! * b[t * n + j]!));
    out[i * n + j] = s;
  };
  for (let i = 0; i < m4; i++) for (let j = n8; j < n; j++) tail(i, j);
  for (let i = m4; i < m; i++) for (let j = 0; j < n; j++) tail(i, j);
}

function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) t[c * rows + r] = w[r * cols + c]!;
  return t;
}

/** Y (M×N) = A (M×K) · Bᵀ with B N×K. */
export function gemmABt(
  a: Float32Array,
  b: Float32Array,
  y: Float32Array,
  m: number,
  k: number,
  n: number,
): void {
  product(a, k, 1, transpose(b, n, k), y, m, n, k);
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
  product(d, 1, n, a, c, n, k, m);
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
  product(d, n, 1, b, c, m, k, n);
}
