// What stays on the host around the accelerator, as plain JSON (stored in model.meta.onnxHost):
// the input quantizer (the graph's float ops before the first layer, then value → integer code)
// and the output scale (integer scores or codes → the graph's float outputs).
import { OnnxError } from "./errors.js";
import type { AttrValue, OnnxNode } from "./graph.js";
import { codeOf } from "./grid.js";
import { runNode } from "./ops.js";
import { size, type Tensor } from "./tensor.js";

/** A graph node the host runs, with its constant inputs inlined ("x" marks the data input). */
export interface HostStep {
  opType: string;
  name: string;
  attributes: Record<string, number | string | number[] | string[]>;
  inputs: ("x" | { dims: number[]; data: number[] } | null)[];
}

export interface HostInput {
  /** Shape of the graph input (batch 1). */
  shape: number[];
  /** Float ops before the first layer (reshape, scaling, the input quantizer itself). */
  steps: HostStep[];
  /** code = (value − offset) / step, per element (1 entry = all elements). */
  step: number[];
  offset: number[];
  min: number;
  max: number;
  bipolar: boolean;
  /** "fixed-point": the float input must already lie on the grid (no rounding by the host). */
  mode: "graph" | "fixed-point" | "integer";
  fixedPoint?: { bits: number; intBits: number };
}

export interface HostOutput {
  /** Float output c = scale[c] · score[c] + offset[c] (1 entry = all channels). */
  scale: number[];
  offset: number[];
  /** The last layer's kind: raw scores ("none") or output codes ("thresholds"). */
  from: "none" | "thresholds";
}

export interface HostSpec {
  input: HostInput;
  output: HostOutput;
  /** The graph's input and output tensor names. */
  graphInput: string;
  graphOutput: string;
}

export function hostStep(node: OnnxNode, dynamicInput: string, consts: Map<string, Tensor>): HostStep {
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
      if (n === dynamicInput) return "x";
      const t = consts.get(n);
      return t ? { dims: t.dims, data: [...t.data] } : null;
    }),
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
  };
  const ins = step.inputs.map((i) =>
    i === "x" ? x : i === null ? undefined : { dims: i.dims, data: Float64Array.from(i.data) },
  );
  return runNode(node, ins);
}

/** Float input (one sample, flat) → the integer codes the hardware consumes. */
export function quantizeInput(host: HostInput, x: ArrayLike<number>): bigint[] {
  if (x.length !== size(host.shape)) {
    throw new OnnxError(`input has ${x.length} values, expected ${size(host.shape)} (shape [${host.shape}])`);
  }
  let t: Tensor = { dims: [...host.shape], data: Float64Array.from(x, Math.fround) };
  host.steps.forEach((s, i) => {
    t = runStep(s, t, i);
  });
  const map = { step: host.step, offset: host.offset, min: host.min, max: host.max, bipolar: host.bipolar };
  return Array.from(t.data, (v, i) => {
    const code = codeOf(map, v, i, host.mode === "fixed-point" ? 0 : 1e-6);
    const ok =
      Number.isInteger(code) &&
      (host.bipolar ? code === 1 || code === -1 : code >= host.min && code <= host.max);
    if (!ok) {
      const grid =
        host.mode === "fixed-point"
          ? `signed fixed point with ${host.fixedPoint!.bits} bits, ${host.fixedPoint!.intBits} integer bits (step ${host.step[0]}, range ${host.min * host.step[0]!}..${host.max * host.step[0]!})`
          : host.bipolar
            ? "the bipolar grid (±1 codes)"
            : `the input grid (codes ${host.min}..${host.max})`;
      throw new OnnxError(`input element ${i} = ${x[i]} is not representable in ${grid}`);
    }
    return BigInt(code);
  });
}

/** Integer scores (or codes) of the last layer → the graph's float outputs. */
export function hostOutputs(host: HostOutput, scores: readonly (bigint | number)[]): number[] {
  return scores.map((s, c) => {
    const scale = host.scale[host.scale.length === 1 ? 0 : c]!;
    const offset = host.offset[host.offset.length === 1 ? 0 : c]!;
    return scale * Number(s) + offset;
  });
}
