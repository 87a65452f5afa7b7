// The classifier heads exporters end graphs with: Softmax, LogSoftmax (QKeras/hls4ml), TopK
// (FINN's label select, k = 1) and ArgMax. Float32 throughout, as ONNX Runtime computes them:
// subtract the maximum, exponentiate, sum left to right. Opsets before 13 softmax over the
// flattened trailing dims from `axis` (default 1); from 13 over one axis (default −1).
import { attrInt } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import { f32, size, type Tensor } from "./tensor.js";

type Ins = (Tensor | undefined)[];

function input0(node: OnnxNode, inputs: Ins): Tensor {
  const t = inputs[0];
  if (!t) throw new OnnxError(`${nodeLabel(node)}: input 0 is required`);
  return t;
}

function normAxis(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank))
    throw new OnnxError(`${nodeLabel(node)}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Runs `f` on every 1-D lane of `x` (length n, stride inner) the op reduces over. */
function lanes(
  node: OnnxNode,
  x: Tensor,
  f: (get: (j: number) => number, set: (j: number, v: number) => void, n: number) => void,
): Tensor {
  const legacy = (node.opset ?? 13) < 13;
  const axis = normAxis(node, attrInt(node, "axis", legacy ? 1 : -1), x.dims.length);
  const outer = size(x.dims.slice(0, axis));
  const n = legacy ? size(x.dims.slice(axis)) : x.dims[axis]!;
  const inner = legacy ? 1 : size(x.dims.slice(axis + 1));
  const out = new Float64Array(x.data.length);
  for (let o = 0; o < outer; o++)
    for (let k = 0; k < inner; k++) {
      const at = (j: number) => (o * n + j) * inner + k;
      f(
        (j) => x.data[at(j)]!,
        (j, v) => {
          out[at(j)] = v;
        },
        n,
      );
    }
  return { dims: [...x.dims], data: out };
}

function maxOf(get: (j: number) => number, n: number): number {
  let m = -Infinity;
  for (let j = 0; j < n; j++) m = Math.max(m, get(j));
  return m;
}

const softmax = (node: OnnxNode, inputs: Ins): Tensor =>
  lanes(node, input0(node, inputs), (get, set, n) => {
    const m = maxOf(get, n);
    let sum = 0;
    for (let j = 0; j < n; j++) {
      const e = f32(Math.exp(f32(get(j) - m)));
      set(j, e);
      sum = f32(sum + e);
    }
    for (let j = 0; j < n; j++) set(j, f32(f32(Math.exp(f32(get(j) - m))) / sum));
  });

const logSoftmax = (node: OnnxNode, inputs: Ins): Tensor =>
  lanes(node, input0(node, inputs), (get, set, n) => {
    const m = maxOf(get, n);
    let sum = 0;
    for (let j = 0; j < n; j++) sum = f32(sum + f32(Math.exp(f32(get(j) - m))));
    const logSum = f32(Math.log(sum));
    for (let j = 0; j < n; j++) set(j, f32(f32(get(j) - m) - logSum));
  });

/** Indices of `x` along `axis`, best first (ties: the lower index first, as ONNX Runtime). */
function ranked(x: Tensor, axis: number, largest: boolean, k: number) {
  const outer = size(x.dims.slice(0, axis));
  const n = x.dims[axis]!;
  const inner = size(x.dims.slice(axis + 1));
  const values = new Float64Array(outer * k * inner);
  const indices = new Float64Array(outer * k * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const at = (j: number) => (o * n + j) * inner + i;
      const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => {
        const d = largest ? x.data[at(b)]! - x.data[at(a)]! : x.data[at(a)]! - x.data[at(b)]!;
        return d !== 0 && !Number.isNaN(d) ? d : a - b;
      });
      for (let j = 0; j < k; j++) {
        values[(o * k + j) * inner + i] = x.data[at(order[j]!)]!;
        indices[(o * k + j) * inner + i] = order[j]!;
      }
    }
  const dims = [...x.dims];
  dims[axis] = k;
  return { values: { dims, data: values }, indices: { dims: [...dims], data: indices } };
}

/** TopK → [values, indices (INT64 in the graph)]; k from input 1 (opset ≥ 10) or attribute. */
const topK = (node: OnnxNode, inputs: Ins): Tensor[] => {
  const x = input0(node, inputs);
  const k = inputs[1] ? inputs[1].data[0]! : attrInt(node, "k", 1);
  const axis = normAxis(node, attrInt(node, "axis", -1), x.dims.length);
  if (!(Number.isInteger(k) && k >= 1 && k <= x.dims[axis]!))
    throw new OnnxError(`${nodeLabel(node)}: k = ${k} for an axis of ${x.dims[axis]}`);
  const r = ranked(x, axis, attrInt(node, "largest", 1) === 1, k);
  return [r.values, r.indices];
};

const argMax = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = input0(node, inputs);
  const axis = normAxis(node, attrInt(node, "axis", 0), x.dims.length);
  const last = attrInt(node, "select_last_index", 0) === 1;
  const outer = size(x.dims.slice(0, axis));
  const n = x.dims[axis]!;
  const inner = size(x.dims.slice(axis + 1));
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let best = 0;
      for (let j = 1; j < n; j++) {
        const v = x.data[(o * n + j) * inner + i]!;
        const b = x.data[(o * n + best) * inner + i]!;
        if (v > b || (last && v === b)) best = j;
      }
      out[o * inner + i] = best;
    }
  const dims = [...x.dims];
  if (attrInt(node, "keepdims", 1) === 1) dims[axis] = 1;
  else dims.splice(axis, 1);
  return { dims, data: out };
};

export const TAIL_OP_FUNCTIONS = { Softmax: softmax, LogSoftmax: logSoftmax, TopK: topK, ArgMax: argMax };

/** Ops that only run on the host after the last layer. */
export const TAIL_OPS = new Set(Object.keys(TAIL_OP_FUNCTIONS));
