// The element-wise steps after a linear op, as functions of the (1, C) accumulator tensor, plus
// the grid bookkeeping that says which integer code the final step produces. Each step runs the
// executor's own op function, so the importer and the executor compute the same float32 values.
import { attrFloat, attrInt, attrString } from "./attributes.js";
import type { PathNode } from "./chain.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import { AFFINE_OPS, applyAffine, type Grid, perChannel, QUANTIZER_OPS, quantizerGrid } from "./grid.js";
import { canonicalOp } from "./op-names.js";
import { finnThresholds, gemmEpilogue, runNode } from "./ops.js";
import { roundingFunction } from "./quant-math.js";
import { f32, type Tensor } from "./tensor.js";

export interface Step {
  node: OnnxNode;
  /** What the step is: an ONNX node, Gemm's bias, or an MVAU's thresholds. */
  kind: "node" | "gemm-epilogue" | "mvau-activation";
  run: (x: Tensor) => Tensor;
  /** The node's inputs with the data input left undefined. */
  consts: (Tensor | undefined)[];
  dynamicFirst: boolean;
}

/** Layout-only ops: they move values without changing them. */
export const SHAPE_OPS = new Set(["PassThrough", "Reshape", "Flatten", "Unsqueeze", "Squeeze", "Transpose"]);

export function nodeStep(p: PathNode, consts: Map<string, Tensor>): Step {
  const ins = p.node.inputs.map((n) => (n === p.dynamic ? undefined : consts.get(n)));
  return {
    node: p.node,
    kind: "node",
    consts: ins,
    dynamicFirst: p.node.inputs[0] === p.dynamic,
    run: (x) =>
      runNode(
        p.node,
        ins.map((t, i) => (p.node.inputs[i] === p.dynamic ? x : t)),
      ),
  };
}

/** Steps a linear op contributes after its product: Gemm's alpha/bias, an MVAU's thresholds. */
export function linearSteps(node: OnnxNode, consts: Map<string, Tensor>): Step[] {
  const op = canonicalOp(node.opType);
  const ins = node.inputs.map((n) => consts.get(n));
  if (op === "Conv") {
    // The bias is added to the float32 sum, exactly as Gemm's (alpha = beta = 1).
    const bias = ins[2];
    if (node.inputs[2] && !bias) throw new OnnxError(`${nodeLabel(node)}: the bias must be a constant`);
    if (!bias) return [];
    return [
      {
        node,
        kind: "gemm-epilogue",
        consts: ins,
        dynamicFirst: true,
        run: (x) => gemmEpilogue(x, 1, 1, bias),
      },
    ];
  }
  if (op === "Gemm") {
    const alpha = attrFloat(node, "alpha", 1);
    const beta = attrFloat(node, "beta", 1);
    if (alpha === 1 && !ins[2]) return [];
    return [
      {
        node,
        kind: "gemm-epilogue",
        consts: ins,
        dynamicFirst: true,
        run: (x) => gemmEpilogue(x, alpha, beta, ins[2]),
      },
    ];
  }
  if (op === "MVAU" && attrInt(node, "noActivation", 0) === 0) {
    const t = ins[2];
    if (!t) throw new OnnxError(`${nodeLabel(node)}: the thresholds input must be a constant`);
    return [
      {
        node,
        kind: "mvau-activation",
        consts: ins,
        dynamicFirst: true,
        run: (x) => finnThresholds(node, x, t),
      },
    ];
  }
  return [];
}

/** Runs all steps on a (1, C) tensor. */
export function runSteps(steps: Step[], x: Tensor): Tensor {
  return steps.reduce((t, s) => s.run(t), x);
}

/**
 * The grid of the steps' output: from the last quantizer, moved by the affine ops after it.
 * Undefined when no step quantizes. Ops other than affine ones after a quantizer are rejected.
 */
export function outputGrid(steps: Step[], C: number): Grid | undefined {
  let grid: Grid | undefined;
  for (const s of steps) {
    const op = canonicalOp(s.node.opType)!;
    if (s.kind === "mvau-activation" || (s.kind === "node" && QUANTIZER_OPS.has(op))) {
      grid = quantizerGrid(s.node, s.consts, C);
    } else if (s.kind === "node" && SHAPE_OPS.has(op)) {
      // layout only
    } else if (grid && s.kind === "node" && AFFINE_OPS.has(op)) {
      const c = s.consts.find((t) => t !== undefined);
      grid = applyAffine(grid, s.node, c!, s.dynamicFirst, C);
    } else if (grid) {
      throw new OnnxError(
        `${nodeLabel(s.node)}: after a quantizer only Add/Sub/Mul/Div with constants may follow (found ${s.node.opType})`,
      );
    } else if (
      s.kind === "node" &&
      !["Add", "Sub", "Mul", "Div", "Relu", "Clip", "BatchNormalization"].includes(op)
    ) {
      throw new OnnxError(`${nodeLabel(s.node)}: ${s.node.opType} is not supported between layers`);
    }
  }
  return grid;
}

/**
 * y_c = a_c·v_c + b_c for a chain with no quantizer (the output layer): composed in float64
 * from the float32 constants. Rejects non-affine steps.
 */
export function affineOfSteps(steps: Step[], C: number): { a: number[]; b: number[] } {
  let a: number[] = Array(C).fill(1);
  let b: number[] = Array(C).fill(0);
  for (const s of steps) {
    const op = canonicalOp(s.node.opType)!;
    if (s.kind === "gemm-epilogue") {
      const alpha = attrFloat(s.node, "alpha", 1);
      const beta = attrFloat(s.node, "beta", 1);
      const bias = s.consts[2] ? perChannel(s.node, s.consts[2], C) : Array(C).fill(0);
      a = a.map((v) => v * alpha);
      b = b.map((v, c) => v * alpha + f32(beta * bias[c]!));
    } else if (s.kind === "node" && SHAPE_OPS.has(op)) {
      // layout only
    } else if (s.kind === "node" && AFFINE_OPS.has(op)) {
      const k = perChannel(s.node, s.consts.find((t) => t !== undefined)!, C);
      if (op === "Add") b = b.map((v, c) => v + k[c]!);
      else if (op === "Sub" && s.dynamicFirst) b = b.map((v, c) => v - k[c]!);
      else if (op === "Sub") [a, b] = [a.map((v) => -v), b.map((v, c) => k[c]! - v)];
      else if (op === "Mul") [a, b] = [a.map((v, c) => v * k[c]!), b.map((v, c) => v * k[c]!)];
      else if (op === "Div" && s.dynamicFirst)
        [a, b] = [a.map((v, c) => v / k[c]!), b.map((v, c) => v / k[c]!)];
      else throw new OnnxError(`${nodeLabel(s.node)}: dividing by the data is not supported`);
    } else if (s.kind === "node" && op === "BatchNormalization") {
      const [g, beta, mean, variance] = [1, 2, 3, 4].map((i) => perChannel(s.node, s.consts[i]!, C));
      const eps = f32(attrFloat(s.node, "epsilon", 1e-5));
      const sd = variance!.map((v) => Math.sqrt(v + eps));
      b = b.map((v, c) => ((v - mean![c]!) / sd[c]!) * g![c]! + beta![c]!);
      a = a.map((v, c) => (v / sd[c]!) * g![c]!);
    } else {
      throw new OnnxError(
        `${nodeLabel(s.node)}: ${s.node.opType} with no quantizer after it is only supported at the end of the last layer ` +
          "(on the host); between layers end the layer in a quantizer (Quant, BipolarQuant, MultiThreshold, ...) or keep it affine (Add/Sub/Mul/Div/BatchNormalization)",
      );
    }
  }
  return { a, b };
}

/**
 * For a chain "affine ops (ReLU and Clip allowed) → Quant → affine ops": the Quant's input in
 * code units, w_c = a_c·v_c + b_c (v the chain's input), and its rounding; the Quant's code is
 * round(w) clamped. ReLU and Clip only clamp, so w is exact wherever the code is not saturated.
 * Undefined for any other chain. Used only to estimate thresholds, never as the result.
 */
export function quantInputAffine(
  steps: Step[],
  C: number,
): { a: number[]; b: number[]; round: (x: number) => number } | undefined {
  let qi = steps.length - 1;
  while (
    qi >= 0 &&
    steps[qi]!.kind !== "mvau-activation" &&
    !QUANTIZER_OPS.has(canonicalOp(steps[qi]!.node.opType)!)
  )
    qi--;
  const q = steps[qi];
  if (q?.kind !== "node" || canonicalOp(q.node.opType) !== "Quant" || !q.consts[1] || !q.consts[2]) return;
  const prefix = steps
    .slice(0, qi)
    .filter((s) => !(s.kind === "node" && ["Relu", "Clip"].includes(s.node.opType)));
  let affine: { a: number[]; b: number[] };
  try {
    affine = affineOfSteps(prefix, C);
  } catch {
    return;
  }
  const s = perChannel(q.node, q.consts[1], C).map(f32);
  const z = perChannel(q.node, q.consts[2], C).map(f32);
  if (s.some((v) => !(v > 0 && Number.isFinite(v)))) return;
  return {
    a: affine.a.map((v, c) => v / s[c]!),
    b: affine.b.map((v, c) => v / s[c]! + z[c]!),
    round: roundingFunction(attrString(q.node, "rounding_mode", "ROUND"), nodeLabel(q.node)),
  };
}
