// The executor's tensor: dims plus values in a Float64Array. Float32 semantics are kept by
// rounding every float op's result with Math.fround (double then single rounding is exact for
// + − × ÷ and sqrt), and integer tensors (shapes, bit widths) are exact in doubles.
import { OnnxError } from "./errors.js";
import type { OnnxTensor } from "./graph.js";

export interface Tensor {
  dims: number[];
  data: Float64Array;
}

/** Rounds an op's result to float32 (identity inside inFloat64). */
export let f32: (v: number) => number = Math.fround;

/**
 * Runs `run` with every op in float64 instead of float32. Comparing the two runs finds inputs
 * whose quantizer decisions depend on float32 rounding (see executor.ts: boundaryDecisions).
 */
export function inFloat64<T>(run: () => T): T {
  const saved = f32;
  f32 = (v) => v;
  try {
    return run();
  } finally {
    f32 = saved;
  }
}

export function size(dims: readonly number[]): number {
  return dims.reduce((a, b) => a * b, 1);
}

export function tensor(dims: number[], data: ArrayLike<number> | Iterable<number>): Tensor {
  const d = Float64Array.from(data as ArrayLike<number>);
  if (d.length !== size(dims))
    throw new Error(`tensor of dims [${dims}] needs ${size(dims)} values, got ${d.length}`);
  return { dims: [...dims], data: d };
}

export function scalar(v: number): Tensor {
  return { dims: [], data: Float64Array.of(v) };
}

const INT64_SENTINEL = 2n ** 62n;

/** An initializer as an executor tensor (int64 values must be exact in a double). */
export function fromOnnx(t: OnnxTensor): Tensor {
  const data = new Float64Array(t.data.length);
  for (let i = 0; i < t.data.length; i++) {
    const v = t.data[i]!;
    let n = Number(v);
    // Exporters write ±(2^63 − 1) as Slice's "to the end" bound (PyTorch's x[::-1]): ±∞ keeps its meaning.
    if (typeof v === "bigint" && (v >= INT64_SENTINEL || v <= -INT64_SENTINEL))
      n = v > 0n ? Infinity : -Infinity;
    else if (typeof v === "bigint" && BigInt(n) !== v) {
      throw new OnnxError(`tensor "${t.name}": value ${v} is not exact as a double`);
    }
    data[i] = n;
  }
  return { dims: [...t.dims], data };
}

/** Row-major strides. */
export function strides(dims: readonly number[]): number[] {
  const s = new Array<number>(dims.length).fill(1);
  for (let i = dims.length - 2; i >= 0; i--) s[i] = s[i + 1]! * dims[i + 1]!;
  return s;
}

/** numpy-style multidirectional broadcast of two shapes. */
export function broadcastDims(a: readonly number[], b: readonly number[], what: string): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) {
      throw new OnnxError(`${what}: shapes [${a.join(", ")}] and [${b.join(", ")}] do not broadcast`);
    }
    out.push(x === 1 ? y : x);
  }
  return out;
}

/** Values of `t` broadcast to `dims` (which must be a broadcast of t's dims). */
export function broadcastTo(t: Tensor, dims: readonly number[]): Float64Array {
  const total = size(dims);
  if (t.data.length === total && t.dims.length === dims.length) return t.data;
  const out = new Float64Array(total);
  if (t.data.length === 1) return out.fill(t.data[0]!);
  const n = dims.length;
  const src = strides(t.dims);
  const offset = n - t.dims.length;
  const outStrides = strides(dims);
  for (let i = 0; i < total; i++) {
    let rem = i;
    let j = 0;
    for (let k = 0; k < n; k++) {
      const idx = Math.floor(rem / outStrides[k]!);
      rem -= idx * outStrides[k]!;
      const kk = k - offset;
      if (kk >= 0 && t.dims[kk] !== 1) j += idx * src[kk]!;
    }
    out[i] = t.data[j]!;
  }
  return out;
}

/** Elementwise map over any number of broadcast operands. */
export function zipWith(inputs: Tensor[], what: string, f: (...v: number[]) => number): Tensor {
  let dims: number[] = [];
  for (const t of inputs) dims = broadcastDims(dims, t.dims, what);
  const cols = inputs.map((t) => broadcastTo(t, dims));
  const out = new Float64Array(size(dims));
  const args = new Array<number>(cols.length);
  for (let i = 0; i < out.length; i++) {
    for (let k = 0; k < cols.length; k++) args[k] = cols[k]![i]!;
    out[i] = f(...args);
  }
  return { dims, data: out };
}

export function map(t: Tensor, f: (v: number) => number): Tensor {
  return { dims: [...t.dims], data: t.data.map(f) };
}
