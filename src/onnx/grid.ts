// The integer grid a quantizer's output lives on: value = alpha_c·code + beta_c per channel c,
// code an integer in [min, max] (or ±1 for bipolar). Affine ops after the quantizer (FINN's
// "MultiThreshold then Add −1") move the grid; normalizeGrid then picks the integer code the
// hardware passes on, and the step and offset that turn it back into the graph's value.
import { quantCodeRange } from "../model/layer-types.js";
import { attrFloat, attrInt, attrString } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import { canonicalOp } from "./op-names.js";
import { finnActivationScaleBias } from "./ops.js";
import { f32, type Tensor } from "./tensor.js";

export interface Grid {
  alpha: number[];
  beta: number[];
  /** Code range; undefined when the op does not declare it (Trunc): measured by the caller. */
  min?: number;
  max?: number;
  bipolar: boolean;
}

/** How a grid's code is handed on: code = (value − offset_c) / step_c. */
export interface CodeMap {
  step: number[];
  offset: number[];
  min: number;
  max: number;
  bipolar: boolean;
}

export const QUANTIZER_OPS = new Set([
  "Quant",
  "BipolarQuant",
  "MultiThreshold",
  "Sign",
  "Trunc",
  "Thresholding",
]);
export const AFFINE_OPS = new Set(["Add", "Sub", "Mul", "Div"]);

/**
 * A constant operand as one value per channel of a (1, C) tensor: one value, or C values along a
 * single axis ([C], [1, C], or [C, 1] on FINN's unsqueezed [N, C, 1] data).
 */
export function perChannel(node: OnnxNode, t: Tensor, C: number): number[] {
  if (t.data.length === 1) return Array<number>(C).fill(t.data[0]!);
  const axes = t.dims.filter((d) => d !== 1);
  if (axes.length === 1 && axes[0] === C) return [...t.data];
  throw new OnnxError(
    `${nodeLabel(node)}: constant of shape [${t.dims}] is not per-tensor or per-channel for ${C} channels`,
  );
}

function scalar(node: OnnxNode, t: Tensor | undefined, what: string): number {
  if (t?.data.length !== 1) throw new OnnxError(`${nodeLabel(node)}: ${what} must be a scalar constant`);
  return t.data[0]!;
}

/**
 * Grid of a quantizer node's output over C channels (constant inputs given by index), or
 * undefined if the node is not a quantizer. `mvauSteps` marks an MVAU's embedded activation.
 */
export function quantizerGrid(node: OnnxNode, consts: (Tensor | undefined)[], C: number): Grid | undefined {
  const op = canonicalOp(node.opType);
  const need = (i: number) => {
    const t = consts[i];
    if (!t) throw new OnnxError(`${nodeLabel(node)}: input ${i} must be a constant`);
    return t;
  };
  switch (op) {
    case "Quant": {
      const s = perChannel(node, need(1), C).map(f32);
      const z = perChannel(node, need(2), C).map(f32);
      if (z.some((v) => !Number.isInteger(v)))
        throw new OnnxError(`${nodeLabel(node)}: non-integer zero points are not supported`);
      const bits = scalar(node, consts[3], "bitwidth");
      const signed = attrInt(node, "signed", 1) === 1;
      if (bits === 1 && signed) {
        return { alpha: s, beta: z.map((zv, c) => -zv * s[c]!), bipolar: true, min: -1, max: 1 };
      }
      const { min, max } = quantCodeRange({ bits, signed, narrow: attrInt(node, "narrow", 0) === 1 });
      return { alpha: s, beta: z.map((zv, c) => -zv * s[c]!), min, max, bipolar: false };
    }
    case "BipolarQuant":
      return {
        alpha: perChannel(node, need(1), C).map(f32),
        beta: Array(C).fill(0),
        min: -1,
        max: 1,
        bipolar: true,
      };
    case "MultiThreshold":
      return {
        alpha: Array(C).fill(attrFloat(node, "out_scale", 1)),
        beta: Array(C).fill(attrFloat(node, "out_bias", 0)),
        min: 0,
        max: need(1).dims[1]!,
        bipolar: false,
      };
    case "Thresholding":
    case "MVAU": {
      const { scale, bias } = finnActivationScaleBias(node);
      const steps = need(node.opType.startsWith("Thresh") ? 1 : 2).dims[1]!;
      return { alpha: Array(C).fill(scale), beta: Array(C).fill(bias), min: 0, max: steps, bipolar: false };
    }
    case "Sign":
      return { alpha: Array(C).fill(1), beta: Array(C).fill(0), min: -1, max: 1, bipolar: false };
    case "Trunc": {
      const s = perChannel(node, need(1), C).map(f32);
      const z = perChannel(node, need(2), C).map(f32);
      return { alpha: s, beta: z.map((zv, c) => -zv * s[c]!), bipolar: false };
    }
    default:
      return undefined;
  }
}

/** The grid after an affine op with a constant operand (`dynamicFirst`: x op c, else c op x). */
export function applyAffine(g: Grid, node: OnnxNode, c: Tensor, dynamicFirst: boolean, C: number): Grid {
  const k = perChannel(node, c, C);
  const op = node.opType;
  let alpha = g.alpha;
  let beta = g.beta;
  if (op === "Add") beta = beta.map((b, i) => b + k[i]!);
  else if (op === "Sub" && dynamicFirst) beta = beta.map((b, i) => b - k[i]!);
  else if (op === "Sub") [alpha, beta] = [alpha.map((a) => -a), beta.map((b, i) => k[i]! - b)];
  else if (op === "Mul") [alpha, beta] = [alpha.map((a, i) => a * k[i]!), beta.map((b, i) => b * k[i]!)];
  else if (op === "Div" && dynamicFirst)
    [alpha, beta] = [alpha.map((a, i) => a / k[i]!), beta.map((b, i) => b / k[i]!)];
  else throw new OnnxError(`${nodeLabel(node)}: ${op} with the quantized value as divisor is not supported`);
  if (alpha.some((a) => !(a > 0))) {
    throw new OnnxError(
      `${nodeLabel(node)}: the quantized value's scale becomes ${alpha.find((a) => !(a > 0))} (must stay positive)`,
    );
  }
  return { ...g, alpha, beta };
}

/**
 * Chooses the hardware code for a grid. Two-level grids become BIPOLAR when symmetric about 0
 * (or when the consumer is an XNOR layer); offsets that are a whole number of steps shift the code.
 */
export function normalizeGrid(g: Grid, preferBipolar: boolean): CodeMap {
  const { alpha, beta } = g;
  const min = g.min!;
  const max = g.max!;
  if (g.bipolar) return { step: alpha, offset: beta, min: -1, max: 1, bipolar: true };
  if (max - min === 1) {
    const centre = beta.map((b, c) => b + alpha[c]! * (min + 0.5));
    if (preferBipolar || centre.every((v) => v === 0)) {
      return { step: alpha.map((a) => a / 2), offset: centre, min: -1, max: 1, bipolar: true };
    }
  }
  const m = beta.map((b, c) => b / alpha[c]!);
  if (m.every((v) => Number.isInteger(v) && v === m[0])) {
    return { step: alpha, offset: alpha.map(() => 0), min: min + m[0]!, max: max + m[0]!, bipolar: false };
  }
  return {
    step: alpha,
    offset: beta.map((b, c) => b + alpha[c]! * min),
    min: 0,
    max: max - min,
    bipolar: false,
  };
}

/**
 * The integer code of a value on the map's grid for channel c (NaN when off the grid). The
 * tolerance is relative to the code: a float32 value q·s divided by s is q within a few ulps.
 */
export function codeOf(map: CodeMap, value: number, c: number, tolerance = 1e-6): number {
  const step = map.step[map.step.length === 1 ? 0 : c]!;
  const offset = map.offset[map.offset.length === 1 ? 0 : c]!;
  const q = (value - offset) / step;
  const r = Math.round(q);
  return Math.abs(q - r) <= tolerance * Math.max(1, Math.abs(r)) ? r : Number.NaN;
}

export function uniform(values: number[]): boolean {
  return values.every((v) => v === values[0]);
}

/** String attribute used by FINN hardware ops to declare datatypes. */
export function declaredType(node: OnnxNode, attr: string): string {
  return attrString(node, attr, "");
}
