// Shape arithmetic and small constant math, as exporters write it around a flatten
// (`x.view(x.size(0), -1)` becomes Shape → Gather → Unsqueeze → Concat → Reshape) and around
// FINN's batch-norm (Unsqueeze … Squeeze). Integer tensors are exact in the Float64Array; float
// results are rounded to float32 as the ONNX runtimes compute them. Where an opset moved an
// attribute to an input (Unsqueeze/Squeeze axes at 13, Slice at 10, Clip at 11, TopK k at 10),
// the input is used when present and the attribute otherwise, so every opset 9–19 form reads.
import { attrInt, attrInts } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode, type OnnxTensor } from "./graph.js";
import { broadcastDims, broadcastTo, f32, fromOnnx, map, size, type Tensor, zipWith } from "./tensor.js";

type Ins = (Tensor | undefined)[];

function need(node: OnnxNode, inputs: Ins, i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new OnnxError(`${nodeLabel(node)}: input ${i} is required`);
  return t;
}

/** An integer list from an input tensor (when given) or an attribute (older opsets). */
export function intsFrom(node: OnnxNode, inputs: Ins, i: number, attr: string): number[] | undefined {
  const t = inputs[i];
  if (t) return [...t.data];
  return attrInts(node, attr);
}

function axisOf(node: OnnxNode, axis: number, rank: number): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!(a >= 0 && a < rank))
    throw new OnnxError(`${nodeLabel(node)}: axis ${axis} is out of range for rank ${rank}`);
  return a;
}

/** Elements of `x` picked along `axis` by `pick(outIndexAlongAxis)`, giving `outLen` entries. */
function alongAxis(x: Tensor, axis: number, outLen: number, pick: (j: number) => number): Tensor {
  const outer = size(x.dims.slice(0, axis));
  const inner = size(x.dims.slice(axis + 1));
  const n = x.dims[axis]!;
  const out = new Float64Array(outer * outLen * inner);
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < outLen; j++) {
      const src = pick(j);
      for (let k = 0; k < inner; k++) out[(o * outLen + j) * inner + k] = x.data[(o * n + src) * inner + k]!;
    }
  const dims = [...x.dims];
  dims[axis] = outLen;
  return { dims, data: out };
}

const shape = (node: OnnxNode, inputs: Ins): Tensor => {
  const dims = need(node, inputs, 0).dims;
  const r = dims.length;
  const start = axisClamp(attrInt(node, "start", 0), r);
  const end = axisClamp(attrInt(node, "end", r), r);
  const picked = dims.slice(start, Math.max(start, end));
  return { dims: [picked.length], data: Float64Array.from(picked) };
};

function axisClamp(a: number, rank: number): number {
  return Math.min(Math.max(a < 0 ? a + rank : a, 0), rank);
}

const gather = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const idx = need(node, inputs, 1);
  const axis = axisOf(node, attrInt(node, "axis", 0), x.dims.length);
  const n = x.dims[axis]!;
  const flat = [...idx.data].map((i) => {
    const k = i < 0 ? i + n : i;
    if (!(k >= 0 && k < n)) throw new OnnxError(`${nodeLabel(node)}: index ${i} is out of range for ${n}`);
    return k;
  });
  const picked = alongAxis(x, axis, flat.length, (j) => flat[j]!);
  return { dims: [...x.dims.slice(0, axis), ...idx.dims, ...x.dims.slice(axis + 1)], data: picked.data };
};

const unsqueeze = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const axes = intsFrom(node, inputs, 1, "axes");
  if (!axes) throw new OnnxError(`${nodeLabel(node)}: no axes given`);
  const rank = x.dims.length + axes.length;
  const at = new Set(axes.map((a) => axisOf(node, a, rank)));
  const dims: number[] = [];
  let k = 0;
  for (let i = 0; i < rank; i++) dims.push(at.has(i) ? 1 : x.dims[k++]!);
  return { dims, data: x.data };
};

const squeeze = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const axes = intsFrom(node, inputs, 1, "axes");
  const drop = axes
    ? new Set(axes.map((a) => axisOf(node, a, x.dims.length)))
    : new Set(x.dims.flatMap((d, i) => (d === 1 ? [i] : [])));
  for (const a of drop) {
    if (x.dims[a] !== 1)
      throw new OnnxError(`${nodeLabel(node)}: cannot squeeze axis ${a} of size ${x.dims[a]}`);
  }
  return { dims: x.dims.filter((_, i) => !drop.has(i)), data: x.data };
};

const concat = (node: OnnxNode, inputs: Ins): Tensor => {
  const parts = inputs.filter((t): t is Tensor => t !== undefined);
  if (parts.length === 0) throw new OnnxError(`${nodeLabel(node)}: no inputs`);
  const rank = parts[0]!.dims.length;
  const axis = axisOf(node, attrInt(node, "axis", 0), rank);
  for (const p of parts) {
    if (p.dims.length !== rank || p.dims.some((d, i) => i !== axis && d !== parts[0]!.dims[i]))
      throw new OnnxError(
        `${nodeLabel(node)}: shapes ${parts.map((q) => `[${q.dims}]`).join(", ")} do not concatenate on axis ${axis}`,
      );
  }
  const outer = size(parts[0]!.dims.slice(0, axis));
  const chunks = parts.map((p) => size(p.dims.slice(axis)));
  const out: number[] = [];
  for (let o = 0; o < outer; o++)
    parts.forEach((p, k) => {
      for (let j = 0; j < chunks[k]!; j++) out.push(p.data[o * chunks[k]! + j]!);
    });
  const dims = [...parts[0]!.dims];
  dims[axis] = parts.reduce((s, p) => s + p.dims[axis]!, 0);
  return { dims, data: Float64Array.from(out) };
};

const slice = (node: OnnxNode, inputs: Ins): Tensor => {
  let x = need(node, inputs, 0);
  const starts = intsFrom(node, inputs, 1, "starts");
  const ends = intsFrom(node, inputs, 2, "ends");
  if (!starts || !ends || starts.length !== ends.length)
    throw new OnnxError(`${nodeLabel(node)}: starts and ends must be given with equal lengths`);
  const axes = intsFrom(node, inputs, 3, "axes") ?? starts.map((_, i) => i);
  const steps = inputs[4] ? [...inputs[4].data] : starts.map(() => 1);
  axes.forEach((a, i) => {
    const axis = axisOf(node, a, x.dims.length);
    const n = x.dims[axis]!;
    const step = steps[i]!;
    if (step === 0) throw new OnnxError(`${nodeLabel(node)}: step 0`);
    const norm = (v: number) => (v < 0 ? v + n : v);
    let s = norm(starts[i]!);
    let e = norm(ends[i]!);
    if (step > 0) {
      s = Math.min(Math.max(s, 0), n);
      e = Math.min(Math.max(e, 0), n);
    } else {
      s = Math.min(Math.max(s, -1), n - 1);
      e = Math.min(Math.max(e, -1), n - 1);
    }
    const len = Math.max(0, Math.ceil((e - s) / step));
    x = alongAxis(x, axis, len, (j) => s + j * step);
  });
  return x;
};

/** Cast: to float32 rounds, to an integer type truncates toward zero, to bool tests ≠ 0. */
const cast = (node: OnnxNode, inputs: Ins): Tensor => {
  const to = attrInt(node, "to", 1);
  const x = need(node, inputs, 0);
  if (to === 1) return map(x, f32);
  if (to === 11) return x;
  if (to === 9) return map(x, (v) => (v !== 0 ? 1 : 0));
  if ([2, 3, 4, 5, 6, 7, 12, 13].includes(to)) return map(x, Math.trunc);
  throw new OnnxError(`${nodeLabel(node)}: Cast to data type ${to} is not supported`);
};

const constantOfShape = (node: OnnxNode, inputs: Ins): Tensor => {
  const dims = [...need(node, inputs, 0).data];
  const v = node.attributes.value;
  const fill = v && typeof v === "object" && !Array.isArray(v) ? fromOnnx(v as OnnxTensor).data[0]! : 0;
  return { dims, data: new Float64Array(size(dims)).fill(fill) };
};

const expand = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const dims = broadcastDims(x.dims, [...need(node, inputs, 1).data], nodeLabel(node));
  return { dims, data: broadcastTo(x, dims) };
};

const range = (node: OnnxNode, inputs: Ins): Tensor => {
  const [start, limit, delta] = [0, 1, 2].map((i) => need(node, inputs, i).data[0]!) as [
    number,
    number,
    number,
  ];
  if (delta === 0) throw new OnnxError(`${nodeLabel(node)}: delta 0`);
  const n = Math.max(0, Math.ceil((limit - start) / delta));
  return { dims: [n], data: Float64Array.from({ length: n }, (_, i) => start + i * delta) };
};

const where = (node: OnnxNode, inputs: Ins): Tensor =>
  zipWith(
    [0, 1, 2].map((i) => need(node, inputs, i)),
    nodeLabel(node),
    (c, a, b) => (c ? a : b),
  );

const unary =
  (f: (v: number) => number) =>
  (node: OnnxNode, inputs: Ins): Tensor =>
    map(need(node, inputs, 0), (v) => f32(f(v)));

/** Clip: min/max as attributes before opset 11, as optional inputs from 11. */
const clip = (node: OnnxNode, inputs: Ins): Tensor => {
  const bound = (i: number, attr: string, dflt: number) =>
    inputs[i]
      ? f32(inputs[i].data[0]!)
      : typeof node.attributes[attr] === "number"
        ? f32(node.attributes[attr] as number)
        : dflt;
  const lo = bound(1, "min", -Infinity);
  const hi = bound(2, "max", Infinity);
  return map(need(node, inputs, 0), (v) => Math.min(Math.max(v, lo), hi));
};

export const SHAPE_OP_FUNCTIONS = {
  Shape: shape,
  Size: (node: OnnxNode, inputs: Ins): Tensor => ({
    dims: [],
    data: Float64Array.of(need(node, inputs, 0).data.length),
  }),
  Gather: gather,
  Unsqueeze: unsqueeze,
  Squeeze: squeeze,
  Concat: concat,
  Slice: slice,
  Cast: cast,
  ConstantOfShape: constantOfShape,
  Expand: expand,
  Range: range,
  Where: where,
  Equal: (node: OnnxNode, inputs: Ins): Tensor =>
    zipWith([need(node, inputs, 0), need(node, inputs, 1)], nodeLabel(node), (a, b) => (a === b ? 1 : 0)),
  Pow: (node: OnnxNode, inputs: Ins): Tensor =>
    zipWith([need(node, inputs, 0), need(node, inputs, 1)], nodeLabel(node), (a, b) => f32(a ** b)),
  Sqrt: unary(Math.sqrt),
  Neg: unary((v) => -v),
  Reciprocal: unary((v) => 1 / v),
  Clip: clip,
};

/** Ops whose output depends only on the input's shape, not its values. */
export const SHAPE_ONLY_OPS = new Set(["Shape", "Size"]);
