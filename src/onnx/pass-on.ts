// A hidden layer that feeds the next with no quantizer between (QKeras Dense → Dense, FINN's
// noActivation MVAU): its value A·acc + B is handed on as the exact integer n = acc + bias (like
// FINN's MVAU without activation), which needs one positive scale A for all channels and B a
// whole number of steps A. Relu and Clip after it clamp that integer:
//
// - a clamp at zero only (Relu, Clip(min 0) with no maximum, or a maximum the value never
//   reaches) is the MVAU's ReLU (`none` with `relu`);
// - a clamp whose bounds bind and lie on the grid (ReLU6 = Clip(0, 6), Clip(−1, 1), …) is a
//   multi-threshold: n' = lower + #{k : n ≥ lower + k}, fitted like any quantizer;
// - a binding bound off the grid (Clip(min 0.1) on steps of 0.25) is not an integer of the grid:
//   refused, naming the node.
import { passedOnRange } from "../core/accumulator.js";
import { dataTypeName, smallestTypeFor } from "../core/datatypes.js";
import { MAX_INPUT_BITS } from "../lib/mvau/params.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import type { Grid } from "./grid.js";
import { canonicalOp } from "./op-names.js";
import { runSteps, SHAPE_OPS, type Step } from "./steps.js";

const CLAMPS = new Set(["Relu", "Clip"]);

/**
 * Where the clamps (Relu, Clip) with no quantizer after them start in a hidden layer's chain
 * (−1: none). Only clamps and layout ops may follow the first one before the next layer.
 */
export function hiddenClampAt(steps: Step[]): number {
  const isNode = (s: Step, ops: Set<string>) => s.kind === "node" && ops.has(canonicalOp(s.node.opType)!);
  const at = steps.findIndex((s) => isNode(s, CLAMPS));
  if (at < 0) return -1;
  const after = steps.slice(at + 1).find((s) => !isNode(s, CLAMPS) && !isNode(s, SHAPE_OPS));
  if (after) {
    throw new OnnxError(
      `${nodeLabel(after.node)}: ${after.node.opType} after a ${steps[at]!.node.opType} with no quantizer between layers is not supported ` +
        "(the clamp acts on the exact integer passed on; only clamps and layout ops may follow it, or add a quantizer)",
    );
  }
  return at;
}

export type PassedOn =
  | { kind: "none"; step: number; bias: number[]; relu: boolean; min: bigint; max: bigint }
  /** A clamp with binding bounds: the layer ends in thresholds onto this grid. */
  | { kind: "clamp"; grid: Grid; bias: number[] };

const whole = (x: number) => Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, Math.abs(x));

/**
 * The integer a hidden layer hands on: value A_c·acc + B_c, then the clamp steps (from
 * hiddenClampAt, possibly none). `lo`/`hi` are each channel's accumulator range.
 */
export function passedOn(
  node: OnnxNode,
  A: number[],
  B: number[],
  lo: bigint[],
  hi: bigint[],
  clamps: Step[],
): PassedOn {
  const step = A[0]!;
  const what = "its output feeds the next layer without a quantizer";
  if (!(step > 0) || A.some((v) => v !== step)) {
    throw new OnnxError(
      `${nodeLabel(node)}: ${what}, so it must lie on one integer grid, ` +
        `but its scale per channel is ${[...new Set(A)].slice(0, 4).join(", ")} (needs one positive scale; add a quantizer)`,
    );
  }
  const bias = B.map((v) => Math.round(v / step));
  const off = B.findIndex((v) => !whole(v / step));
  if (off >= 0) {
    throw new OnnxError(
      `${nodeLabel(node)}: ${what}, but the bias of channel ${off} ` +
        `(${B[off]}) is not a whole number of accumulator steps (${step}); quantize the bias or add a quantizer`,
    );
  }
  const rows = lo.map((l, c) => ({ lo: l, hi: hi[c]! }));
  const range = passedOnRange(rows, bias.map(BigInt), false);
  // The clamps compose to one clamp [L, H] (their values at −∞ and +∞), in units of the step.
  const C = A.length;
  const at = (v: number) =>
    runSteps(
      clamps.filter((s) => !SHAPE_OPS.has(canonicalOp(s.node.opType)!)),
      { dims: [1, C], data: new Float64Array(C).fill(v) },
    ).data[0]! / step;
  const lower = clamps.length > 0 ? at(-Infinity) : -Infinity;
  const upper = clamps.length > 0 ? at(Infinity) : Infinity;
  const binds = { lower: lower > Number(range.lo), upper: upper < Number(range.hi) };
  for (const [side, bound] of [
    ["lower", lower],
    ["upper", upper],
  ] as const) {
    if (binds[side] && !whole(bound)) {
      throw new OnnxError(
        `${nodeLabel(clamps[0]!.node)}: ${what}; its ${side} bound ${bound * step} is not on the grid of that value ` +
          `(steps of ${step}), so the clamped value is not an integer of the grid; add a quantizer`,
      );
    }
  }
  if (binds.upper || (binds.lower && Math.round(lower) !== 0)) {
    const min = binds.lower ? Math.round(lower) : Number(range.lo);
    const max = binds.upper ? Math.round(upper) : Number(range.hi);
    const grid = {
      alpha: A.map(() => step),
      beta: A.map(() => 0),
      min,
      max: Math.max(min, max),
      bipolar: false,
    };
    return { kind: "clamp", grid, bias };
  }
  // A lower bound of 0 is the MVAU's ReLU (exact whether or not the range reaches below 0).
  const relu = lower === 0;
  const { lo: min, hi: max } = passedOnRange(rows, bias.map(BigInt), relu);
  const type = smallestTypeFor(min, max);
  if (type.bits > MAX_INPUT_BITS) {
    throw new OnnxError(
      `${nodeLabel(node)}: ${what} and spans ${min}..${max} ` +
        `(${dataTypeName(type)}), wider than the ${MAX_INPUT_BITS} bits a layer input can have; add a quantizer (or narrow a fixed-point input: --input-fixed-point)`,
    );
  }
  return { kind: "none", step, bias, relu, min, max };
}
