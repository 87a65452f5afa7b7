// What stays on the host around the accelerator, as plain JSON (stored in model.meta.onnxHost):
// the head (the graph's float ops before the first layer, then value → integer code) and the
// tail (integer scores or codes → the graph's float values → its post-processing, such as
// Softmax or TopK). src/compiler/host.ts adds the bit packing of the streams.

import { roundHalfEven } from "../model/golden/rounding.js";
import type { PathNode } from "./chain.js";
import { OnnxError } from "./errors.js";
import { checkFinite } from "./executor.js";
import type { AttrValue, OnnxNode } from "./graph.js";
import { codeOf } from "./grid.js";
import { runNodeOutputs } from "./ops.js";
import { size, type Tensor } from "./tensor.js";

/** A graph node the host runs, with its constant inputs inlined ("x" marks the data input). */
export interface HostStep {
  opType: string;
  name: string;
  attributes: Record<string, number | string | number[] | string[]>;
  inputs: ("x" | { dims: number[]; data: number[] } | null)[];
  /** Which of the node's outputs is passed on (TopK: 1, the indices). */
  output: number;
  /** The file's ai.onnx opset (Softmax's axis default changed at 13). */
  opset?: number;
}

export interface HostInput {
  /** Shape of the graph input (batch 1). */
  shape: number[];
  /** Float ops before the first layer (reshape, scaling, the input quantizer itself). */
  steps: HostStep[];
  /**
   * After the steps, element i's code = (value − offset[i]) / step[i] (1 entry = all elements).
   * "graph": the steps end in the graph's own quantizer, so the value lies on the grid up to
   * float32 rounding and the code is the nearest integer. "fixed-point"/"integer": the value
   * must lie exactly on the grid (or is rounded onto it, half to even, and saturated on request).
   * "scale": a Loom model's declared input scale and zero point (no steps); as "graph", the
   * code is the nearest integer of a value on the grid up to float rounding.
   */
  step: number[];
  offset: number[];
  min: number;
  max: number;
  bipolar: boolean;
  mode: "graph" | "fixed-point" | "integer" | "scale";
  fixedPoint?: { bits: number; intBits: number };
}

export interface HostOutput {
  /**
   * Float value i = scale[c] · score[i] + offset[c], c = i mod the number of entries (1 entry = all
   * channels; a conv output is NHWC, channels innermost).
   */
  scale: number[];
  offset: number[];
  /** A conv output layer: graph output element i is Loom output element order[i] (NHWC → the graph's layout). */
  order?: number[];
  /** The last layer's kind: raw scores ("none") or output codes ("thresholds"). */
  from: "none" | "thresholds";
  /** Post-processing after the scale (Softmax, LogSoftmax, TopK, ArgMax, ...), on [1, C]. */
  tail: HostStep[];
}

export interface HostSpec {
  input: HostInput;
  output: HostOutput;
  /** The graph's input and output tensor names. */
  graphInput: string;
  graphOutput: string;
}

export function hostStep(p: PathNode, consts: Map<string, Tensor>): HostStep {
  const { node } = p;
  const attributes: HostStep["attributes"] = {};
  for (const [k, v] of Object.entries(node.attributes) as [string, AttrValue][]) {
    if (typeof v === "object" && !Array.isArray(v)) continue; // tensor attributes: only on folded constants
    attributes[k] = v;
  }
  return {
    opType: node.opType,
    name: node.name,
    attributes,
    inputs: node.inputs.map((n) => {
      if (n === p.dynamic) return "x";
      const t = consts.get(n);
      return t ? { dims: t.dims, data: [...t.data] } : null;
    }),
    output: p.output,
    ...(node.opset !== undefined ? { opset: node.opset } : {}),
  };
}

function runStep(step: HostStep, x: Tensor, index: number): Tensor {
  const node: OnnxNode = {
    index,
    name: step.name,
    opType: step.opType,
    domain: "",
    inputs: step.inputs.map((_, i) => `in${i}`),
    outputs: ["out"],
    attributes: step.attributes,
    opset: step.opset,
  };
  const ins = step.inputs.map((i) =>
    i === "x" ? x : i === null ? undefined : { dims: i.dims, data: Float64Array.from(i.data) },
  );
  return runNodeOutputs(node, ins)[step.output ?? 0]!;
}

function runSteps(steps: HostStep[], t: Tensor): Tensor {
  return steps.reduce((x, s, i) => runStep(s, x, i), t);
}

export interface QuantizeOptions {
  /** Fixed-point and integer inputs: round off-grid values to the nearest code and saturate. */
  round?: boolean;
}

/** Float input (one sample, flat) → the integer codes the hardware consumes. */
export function quantizeInput(host: HostInput, x: ArrayLike<number>, o: QuantizeOptions = {}): bigint[] {
  if (x.length !== size(host.shape)) {
    throw new OnnxError(`input has ${x.length} values, expected ${size(host.shape)} (shape [${host.shape}])`);
  }
  checkFinite(x);
  const t = runSteps(host.steps, { dims: [...host.shape], data: Float64Array.from(x, Math.fround) });
  const map = { step: host.step, offset: host.offset, min: host.min, max: host.max, bipolar: host.bipolar };
  const exact = host.mode === "fixed-point" || host.mode === "integer";
  return Array.from(t.data, (v, i) => {
    let code = exact && !o.round ? codeOf(map, v, i, 0) : codeOf(map, v, i);
    if (exact && o.round) {
      const step = host.step[host.step.length === 1 ? 0 : i]!;
      const offset = host.offset[host.offset.length === 1 ? 0 : i]!;
      code = Math.min(host.max, Math.max(host.min, roundHalfEven((v - offset) / step)));
      if (host.bipolar) code = code >= 0 ? 1 : -1;
    }
    const ok =
      Number.isInteger(code) &&
      (host.bipolar ? code === 1 || code === -1 : code >= host.min && code <= host.max);
    if (!ok) {
      const grid =
        host.mode === "fixed-point"
          ? `signed fixed point with ${host.fixedPoint!.bits} bits, ${host.fixedPoint!.intBits} integer bits (step ${host.step[0]}, range ${host.min * host.step[0]!}..${host.max * host.step[0]!}); loom sim --round rounds onto it`
          : host.bipolar
            ? "the bipolar grid (±1 codes)"
            : `the input grid (codes ${host.min}..${host.max})`;
      throw new OnnxError(`input element ${i} = ${x[i]} is not representable in ${grid}`);
    }
    return BigInt(code);
  });
}

/** Integer scores (or codes) of the last layer → the float values before the tail, in the graph's order. */
export function hostOutputs(host: HostOutput, scores: readonly (bigint | number)[]): number[] {
  const values = scores.map((s, i) => {
    const scale = host.scale[i % host.scale.length]!;
    const offset = host.offset[i % host.offset.length]!;
    return scale * Number(s) + offset;
  });
  return host.order ? host.order.map((j) => values[j]!) : values;
}

/** Integer scores (or codes) → what the graph returns: the scaled values through the tail. */
export function hostResult(host: HostOutput, scores: readonly (bigint | number)[]): number[] {
  const values = hostOutputs(host, scores);
  if (!host.tail?.length) return values;
  const t = runSteps(host.tail, { dims: [1, values.length], data: Float64Array.from(values, Math.fround) });
  return [...t.data];
}
