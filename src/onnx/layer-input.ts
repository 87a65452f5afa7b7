// How a linear layer reads the codes it is given. The value entering it on input j is
// step_j·code_j + offset_j (the previous quantizer's grid, per channel, as normalizeGrid hands it
// on), so its output before the element-wise chain is, on channel c,
//
//   Σ_j W_cj·(step_j·code_j + offset_j) = s_c·g·Σ_j (q_cj·m_j)·code_j + s_c·Σ_j q_cj·offset_j
//
// with W_cj = s_c·q_cj, g a common step and step_j = g·m_j for small integers m_j. The hardware
// computes the integer sum with weights q_cj·m_j; the scale S_c = s_c·g and the constant
// K_c = s_c·Σ q_cj·offset_j go into the chain the thresholds are fitted on. So any affine map of
// the previous layer's codes (a MultiThreshold's out_scale and out_bias, per-channel Mul/Add
// after a quantizer) folds into this layer, as FINN's streamlining would move it.
import { attrInt } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import type { CodeMap } from "./grid.js";
import { canonicalOp } from "./op-names.js";
import { mvauIsPopcount } from "./ops.js";
import type { LayerWeights } from "./weights.js";

export interface LayerInput {
  /** v_c = S_c·acc + K_c: the value entering the chain for accumulator acc on channel c. */
  S: number[];
  K: number[];
  /** The accumulator is exact (FINN MVAU), not a float32 MatMul. */
  exactDouble: boolean;
  /** Weight codes the hardware multiplies the input codes with (q_cj·m_j). */
  codes: number[][];
}

/** Largest integer step ratio m_j folded into the weights (keeps the weights narrow). */
const MAX_STEP_RATIO = 256;

export function layerInput(node: OnnxNode, w: LayerWeights, inMap: CodeMap): LayerInput {
  const scales = w.scale;
  if (canonicalOp(node.opType) === "MVAU" && mvauIsPopcount(node)) {
    const xnor = attrInt(node, "binaryXnorMode", 0) === 1;
    const same = (xs: number[], v: number) => xs.every((x) => x === v);
    const ok = inMap.bipolar && same(inMap.step, xnor ? 0.5 : 1) && same(inMap.offset, xnor ? 0.5 : 0);
    if (!ok) throw new OnnxError(`${nodeLabel(node)}: an XNOR layer needs ${xnor ? "0/1" : "±1"} inputs`);
    // FINN compares these layers' thresholds with popcount = (±1 sum + MW) / 2.
    return { S: scales.map(() => 0.5), K: scales.map(() => w.mw / 2), exactDouble: true, codes: w.codes };
  }
  // Input j's step and offset: per channel of the previous layer (channels innermost, NHWC).
  const at = (xs: number[], j: number) => xs[xs.length === 1 ? 0 : j % xs.length]!;
  const { g, m } = commonStep(node, inMap.step);
  const codes = w.codes.map((row) => row.map((q, j) => q * at(m, j)));
  const K = w.codes.map((row, c) => {
    let sum = 0;
    row.forEach((q, j) => {
      sum += q * at(inMap.offset, j);
    });
    return scales[c]! * sum;
  });
  // MVAUs compute exact integers (no float32 rounding); MatMul/Gemm/Conv are float32.
  return { S: scales.map((s) => s * g), K, exactDouble: canonicalOp(node.opType) === "MVAU", codes };
}

/** A step g with every step_j = g·m_j, m_j a small positive integer (one step: m = [1]). */
function commonStep(node: OnnxNode, steps: number[]): { g: number; m: number[] } {
  const g0 = Math.min(...steps);
  if (steps.every((s) => s === g0)) return { g: g0, m: [1] };
  const near = (x: number) => Math.abs(x - Math.round(x)) <= 1e-9 * Math.max(1, Math.abs(x));
  for (let d = 1; d <= MAX_STEP_RATIO; d++) {
    const ratios = steps.map((s) => (s / g0) * d);
    if (g0 > 0 && ratios.every(near) && Math.max(...ratios) <= MAX_STEP_RATIO)
      return { g: g0 / d, m: ratios.map(Math.round) };
  }
  throw new OnnxError(
    `${nodeLabel(node)}: its input is quantized per channel with steps ${steps.slice(0, 4).join(", ")}${steps.length > 4 ? ", …" : ""}, ` +
      `which are not small integer multiples of one step; a layer input needs one integer grid`,
  );
}
