// One function per op, written from the ONNX operator docs, QONNX's custom ops (Quant,
// BipolarQuant, Trunc, MultiThreshold) and FINN's hardware ops (MVAU, Thresholding, FIFOs and
// width converters). Float32 ops round each result to float32 as ONNX Runtime and numpy do.
// The importer evaluates post-accumulator chains with these same functions, so its thresholds
// agree with this executor by construction.
import { attrFloat, attrInt, attrInts, attrString } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode, type OnnxTensor } from "./graph.js";
import { canonicalOp, supportedOpsText } from "./op-names.js";
import { CONV_OP_FUNCTIONS } from "./ops-conv.js";
import { SHAPE_OP_FUNCTIONS } from "./ops-shape.js";
import { TAIL_OP_FUNCTIONS } from "./ops-tail.js";
import { bipolarElement, quantElement, roundingFunction, truncElement } from "./quant-math.js";
import { f32, fromOnnx, map, size, strides, type Tensor, zipWith } from "./tensor.js";

/** An op's outputs: one tensor, or several (TopK: values and indices). */
export type OpFn = (node: OnnxNode, inputs: (Tensor | undefined)[]) => Tensor | Tensor[];

function need(node: OnnxNode, inputs: (Tensor | undefined)[], i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new OnnxError(`${nodeLabel(node)}: input ${i} is required`);
  return t;
}

function scalarOf(node: OnnxNode, t: Tensor, what: string): number {
  if (t.data.length !== 1)
    throw new OnnxError(`${nodeLabel(node)}: ${what} must be a scalar, has shape [${t.dims}]`);
  return t.data[0]!;
}

/** Float32 matrix product of [..., K] × [K, M], accumulated left to right in float32. */
export function matmulF32(node: OnnxNode, a: Tensor, b: Tensor): Tensor {
  if (b.dims.length !== 2) throw new OnnxError(`${nodeLabel(node)}: only a 2-D right operand is supported`);
  const [K, M] = b.dims as [number, number];
  const aDims = a.dims.length === 1 ? [1, a.dims[0]!] : a.dims;
  if (aDims[aDims.length - 1] !== K) {
    throw new OnnxError(`${nodeLabel(node)}: shapes [${a.dims}] and [${b.dims}] do not multiply`);
  }
  const rows = size(aDims) / K;
  const out = new Float64Array(rows * M);
  for (let r = 0; r < rows; r++) {
    for (let m = 0; m < M; m++) {
      let acc = 0;
      for (let k = 0; k < K; k++) acc = f32(acc + f32(a.data[r * K + k]! * b.data[k * M + m]!));
      out[r * M + m] = acc;
    }
  }
  const dims = a.dims.length === 1 ? [M] : [...aDims.slice(0, -1), M];
  return { dims, data: out };
}

function transpose2(t: Tensor): Tensor {
  const [R, C] = t.dims as [number, number];
  const out = new Float64Array(R * C);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = t.data[r * C + c]!;
  return { dims: [C, R], data: out };
}

/** Gemm's epilogue after A·B: alpha scaling, then + beta·C (broadcast), in float32. */
export function gemmEpilogue(y: Tensor, alpha: number, beta: number, c: Tensor | undefined): Tensor {
  let out = alpha === 1 ? y : map(y, (v) => f32(alpha * v));
  if (c) out = zipWith([out, c], "Gemm bias", (v, b) => f32(v + f32(beta * b)));
  return out;
}

const gemm: OpFn = (node, inputs) => {
  let a = need(node, inputs, 0);
  let b = need(node, inputs, 1);
  if (a.dims.length !== 2 || b.dims.length !== 2)
    throw new OnnxError(`${nodeLabel(node)}: A and B must be 2-D`);
  if (attrInt(node, "transA", 0)) a = transpose2(a);
  if (attrInt(node, "transB", 0)) b = transpose2(b);
  const y = matmulF32(node, a, b);
  return gemmEpilogue(y, attrFloat(node, "alpha", 1), attrFloat(node, "beta", 1), inputs[2]);
};

/**
 * QONNX MultiThreshold: out_scale·#{i : x ≥ T[c, i]} + out_bias. T has one row per channel or
 * one row for all; the channel axis is given by the caller.
 */
export function multiThreshold(
  node: OnnxNode,
  x: Tensor,
  t: Tensor,
  outScale: number,
  outBias: number,
  channelAxis: number,
): Tensor {
  if (t.dims.length !== 2)
    throw new OnnxError(`${nodeLabel(node)}: thresholds must be 2-D (channels, steps)`);
  const [rows, steps] = t.dims as [number, number];
  const C = x.dims[channelAxis] ?? 1;
  if (rows !== 1 && rows !== C) {
    throw new OnnxError(`${nodeLabel(node)}: ${rows} threshold rows for ${C} channels (need 1 or ${C})`);
  }
  const st = strides(x.dims)[channelAxis] ?? 1;
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / st) % C;
    const row = rows === 1 ? 0 : c;
    let count = 0;
    for (let k = 0; k < steps; k++) if (x.data[i]! >= t.data[row * steps + k]!) count++;
    out[i] = f32(f32(outScale * count) + outBias);
  }
  return { dims: [...x.dims], data: out };
}

/** A MultiThreshold node's channel axis on data of shape `dims`. */
export function thresholdChannelAxis(node: OnnxNode, dims: readonly number[]): number {
  const layout = attrString(node, "data_layout", dims.length === 4 ? "NCHW" : "NC");
  // 2-D data is (batch, channels); otherwise the layout string names the channel axis.
  const axis = dims.length === 2 ? 1 : layout.length === dims.length ? layout.indexOf("C") : 1;
  if (axis < 0) throw new OnnxError(`${nodeLabel(node)}: data_layout "${layout}" has no C axis`);
  return axis;
}

const multiThresholdOp: OpFn = (node, inputs) => {
  const x = need(node, inputs, 0);
  return multiThreshold(
    node,
    x,
    need(node, inputs, 1),
    attrFloat(node, "out_scale", 1),
    attrFloat(node, "out_bias", 0),
    thresholdChannelAxis(node, x.dims),
  );
};

/** FINN's activation encoding: BIPOLAR output is 2·count − 1, otherwise count + ActVal. */
export function finnActivationScaleBias(node: OnnxNode): { scale: number; bias: number } {
  const bipolar = attrString(node, "outputDataType", "") === "BIPOLAR";
  return bipolar ? { scale: 2, bias: -1 } : { scale: 1, bias: attrInt(node, "ActVal", 0) };
}

/** The activation part of an MVAU or a Thresholding node, on the last (channel) axis. */
export function finnThresholds(node: OnnxNode, v: Tensor, t: Tensor): Tensor {
  const { scale, bias } = finnActivationScaleBias(node);
  return multiThreshold(node, v, t, scale, bias, v.dims.length - 1);
}

/** True when an MVAU computes popcount(xnor) (FINN converts BIPOLAR × BIPOLAR to this form). */
export function mvauIsPopcount(node: OnnxNode): boolean {
  return (
    attrInt(node, "binaryXnorMode", 0) === 1 ||
    (attrString(node, "inputDataType", "") === "BIPOLAR" &&
      attrString(node, "weightDataType", "") === "BIPOLAR")
  );
}

/** MVAU: x (…, MW) · W (MW, MH), exact integer sums; popcount form for XNOR layers; thresholds. */
const mvau: OpFn = (node, inputs) => {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const [MW, MH] = w.dims as [number, number];
  if (w.dims.length !== 2 || x.dims[x.dims.length - 1] !== MW) {
    throw new OnnxError(`${nodeLabel(node)}: input [${x.dims}] does not match weights [${w.dims}]`);
  }
  for (const [attr, v] of [
    ["MW", MW],
    ["MH", MH],
  ] as const) {
    if (attrInt(node, attr, v) !== v)
      throw new OnnxError(
        `${nodeLabel(node)}: attribute ${attr} = ${attrInt(node, attr, v)}, but the weights are [${w.dims}]`,
      );
  }
  const xnorMode = attrInt(node, "binaryXnorMode", 0) === 1;
  const popcount = mvauIsPopcount(node);
  // binaryXnorMode stores ±1 as 0/1 bits; the BIPOLAR×BIPOLAR form has ±1 values.
  const toPm = (v: number) => (xnorMode ? 2 * v - 1 : v);
  const rows = x.data.length / MW;
  const out = new Float64Array(rows * MH);
  for (let r = 0; r < rows; r++) {
    for (let h = 0; h < MH; h++) {
      let acc = 0;
      for (let k = 0; k < MW; k++) acc += toPm(x.data[r * MW + k]!) * toPm(w.data[k * MH + h]!);
      out[r * MH + h] = popcount ? (acc + MW) / 2 : acc;
    }
  }
  const y: Tensor = { dims: [...x.dims.slice(0, -1), MH], data: out };
  if (attrInt(node, "noActivation", 0) === 1) return y;
  return finnThresholds(node, y, need(node, inputs, 2));
};

const quant: OpFn = (node, inputs) => {
  const bits = scalarOf(node, need(node, inputs, 3), "bitwidth");
  if (!Number.isInteger(bits) || bits < 1)
    throw new OnnxError(`${nodeLabel(node)}: bitwidth ${bits} is not a positive integer`);
  const p = {
    bits,
    signed: attrInt(node, "signed", 1) === 1,
    narrow: attrInt(node, "narrow", 0) === 1,
    round: roundingFunction(attrString(node, "rounding_mode", "ROUND"), nodeLabel(node)),
  };
  // Scale and zero point are float32 in QONNX; double-typed exports (tf2onnx) are read as float32.
  const s = map(need(node, inputs, 1), f32);
  const z = map(need(node, inputs, 2), f32);
  return zipWith([need(node, inputs, 0), s, z], nodeLabel(node), (x, sv, zv) => quantElement(x, sv, zv, p));
};

const bipolarQuant: OpFn = (node, inputs) =>
  zipWith([need(node, inputs, 0), map(need(node, inputs, 1), f32)], nodeLabel(node), bipolarElement);

const trunc: OpFn = (node, inputs) => {
  if (inputs.length > 5)
    throw new OnnxError(`${nodeLabel(node)}: Trunc v2 (with output_scale) is not supported`);
  const inBits = scalarOf(node, need(node, inputs, 3), "in_bitwidth");
  const outBits = scalarOf(node, need(node, inputs, 4), "out_bitwidth");
  const round = roundingFunction(attrString(node, "rounding_mode", "FLOOR"), nodeLabel(node));
  const s = map(need(node, inputs, 1), f32);
  const z = map(need(node, inputs, 2), f32);
  return zipWith([need(node, inputs, 0), s, z], nodeLabel(node), (x, sv, zv) =>
    truncElement(x, sv, zv, inBits, outBits, round),
  );
};

const binary =
  (f: (a: number, b: number) => number): OpFn =>
  (node, inputs) =>
    zipWith([need(node, inputs, 0), need(node, inputs, 1)], nodeLabel(node), (a, b) => f32(f(a, b)));

/** Inference BatchNormalization on axis 1, in the order of the ONNX formula, float32 each step. */
export const batchNorm = (node: OnnxNode, inputs: (Tensor | undefined)[]): Tensor => {
  const x = need(node, inputs, 0);
  const [scale, bias, mean, variance] = [1, 2, 3, 4].map((i) => need(node, inputs, i));
  const eps = f32(attrFloat(node, "epsilon", 1e-5));
  const C = x.dims[1] ?? 1;
  const st = strides(x.dims)[1] ?? 1;
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / st) % C;
    const pick = (t: Tensor) => t.data[t.data.length === 1 ? 0 : c]!;
    const centred = f32(x.data[i]! - pick(mean!));
    const std = f32(Math.sqrt(f32(pick(variance!) + eps)));
    out[i] = f32(f32(f32(centred / std) * pick(scale!)) + pick(bias!));
  }
  return { dims: [...x.dims], data: out };
};

const reshape: OpFn = (node, inputs) => {
  const x = need(node, inputs, 0);
  const spec = [...need(node, inputs, 1).data];
  const allowZero = attrInt(node, "allowzero", 0) === 1;
  const dims = spec.map((d, i) => (d === 0 && !allowZero ? x.dims[i]! : d));
  const known = dims.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
  const out = dims.map((d) => (d === -1 ? x.data.length / known : d));
  if (size(out) !== x.data.length || out.some((d) => !Number.isInteger(d))) {
    throw new OnnxError(`${nodeLabel(node)}: cannot reshape [${x.dims}] to [${spec}]`);
  }
  return { dims: out, data: x.data };
};

const flatten: OpFn = (node, inputs) => {
  const x = need(node, inputs, 0);
  let axis = attrInt(node, "axis", 1);
  if (axis < 0) axis += x.dims.length;
  const outer = size(x.dims.slice(0, axis));
  return { dims: [outer, x.data.length / outer], data: x.data };
};

export const transpose = (node: OnnxNode, inputs: (Tensor | undefined)[]): Tensor => {
  const x = need(node, inputs, 0);
  const n = x.dims.length;
  const perm = attrInts(node, "perm") ?? [...Array(n).keys()].reverse();
  const dims = perm.map((p) => x.dims[p]!);
  const src = strides(x.dims);
  const dst = strides(dims);
  const out = new Float64Array(x.data.length);
  for (let i = 0; i < out.length; i++) {
    let rem = i;
    let j = 0;
    for (let k = 0; k < n; k++) {
      const idx = Math.floor(rem / dst[k]!);
      rem -= idx * dst[k]!;
      j += idx * src[perm[k]!]!;
    }
    out[i] = x.data[j]!;
  }
  return { dims, data: out };
};

const constant: OpFn = (node) => {
  const v = node.attributes.value ?? node.attributes.value_float ?? node.attributes.value_int;
  if (typeof v === "number") return { dims: [], data: Float64Array.of(v) };
  if (v && typeof v === "object" && !Array.isArray(v)) return fromOnnx(v as OnnxTensor);
  const list = node.attributes.value_floats ?? node.attributes.value_ints;
  if (Array.isArray(list)) return { dims: [list.length], data: Float64Array.from(list as number[]) };
  throw new OnnxError(
    `${nodeLabel(node)}: only value, value_float(s) and value_int(s) constants are supported`,
  );
};

const OPS: Record<string, OpFn> = {
  Quant: quant,
  BipolarQuant: bipolarQuant,
  Trunc: trunc,
  MultiThreshold: multiThresholdOp,
  MatMul: (node, inputs) => matmulF32(node, need(node, inputs, 0), need(node, inputs, 1)),
  Gemm: gemm,
  Add: binary((a, b) => a + b),
  Sub: binary((a, b) => a - b),
  Mul: binary((a, b) => a * b),
  Div: binary((a, b) => a / b),
  Relu: (node, inputs) => map(need(node, inputs, 0), (v) => Math.max(v, 0)),
  Sign: (node, inputs) => map(need(node, inputs, 0), (v) => (v > 0 ? 1 : v < 0 ? -1 : 0)),
  BatchNormalization: batchNorm,
  Reshape: reshape,
  Flatten: flatten,
  Transpose: transpose,
  Constant: constant,
  PassThrough: (node, inputs) => need(node, inputs, 0),
  MVAU: mvau,
  Thresholding: (node, inputs) => finnThresholds(node, need(node, inputs, 0), need(node, inputs, 1)),
  ...SHAPE_OP_FUNCTIONS,
  ...CONV_OP_FUNCTIONS,
  ...TAIL_OP_FUNCTIONS,
};

/** The implementation of a node's op; an unsupported op is an error naming the node. */
export function opFunction(node: OnnxNode): OpFn {
  const op = canonicalOp(node.opType);
  const f = op ? OPS[op] : undefined;
  if (!f) {
    throw new OnnxError(`${nodeLabel(node)}: op ${node.opType} is not supported; ${supportedOpsText()}`);
  }
  return f;
}

/** Runs one node; every output in the node's order. */
export function runNodeOutputs(node: OnnxNode, inputs: (Tensor | undefined)[]): Tensor[] {
  const out = opFunction(node)(node, inputs);
  return Array.isArray(out) ? out : [out];
}

/** Runs one node; its first output. */
export function runNode(node: OnnxNode, inputs: (Tensor | undefined)[]): Tensor {
  return runNodeOutputs(node, inputs)[0]!;
}
