// The chain after a Conv, read for a Loom conv layer. Exporters keep NCHW (Brevitas) or move
// to NHWC and back with Transposes (tf2onnx/QKeras); Loom streams NHWC. So the chain is split
// into the element-wise steps (their per-channel constants reduced to one value per channel,
// evaluated on a (1, C) tensor like a dense layer's), at most one MaxPool (fused into the layer
// when it commutes with the steps after it), and the layout ops, which are followed with an
// index tensor: each element holds the Loom (NHWC) position of the value the graph has there.
// The next layer reads its input order from that tensor (a dense layer permutes its weight
// columns; a conv needs plain NCHW), and the last layer's host output is reordered by it.
import type { Padding2d } from "../core/window.js";
import { attrFloat, attrInts, attrString } from "./attributes.js";
import type { PathNode, Segment } from "./chain.js";
import { OnnxError } from "./errors.js";
import { nodeLabel } from "./graph.js";
import { canonicalOp } from "./op-names.js";
import { runNode } from "./ops.js";
import { padAmounts, padValue, windowAxes } from "./ops-conv.js";
import { nodeStep, SHAPE_OPS, type Step } from "./steps.js";
import type { Tensor } from "./tensor.js";

export interface ConvChain {
  /** Element-wise steps after the Conv (and its bias), in graph order. */
  steps: Step[];
  /** The fused max-pool, and how many of `steps` come before it. */
  pool?: { kernel: [number, number]; stride: [number, number]; at: number };
  /** Loom output index of every element of the tensor leaving the chain. */
  layout: Tensor;
  /** A zero Pad at the end of the chain: folded into the next conv layer's padding. */
  pad?: Padding2d;
  /**
   * A GlobalAveragePool after the activation: the pixels it averages. The dense layer after it
   * folds the mean into its weights (layout then holds channel indices).
   */
  average?: number;
}

/** The NCHW tensor [1, C, H, W] whose element (c, y, x) is its NHWC index (y·W + x)·C + c. */
export function nchwLayout(C: number, H: number, W: number): Tensor {
  const data = new Float64Array(C * H * W);
  for (let c = 0; c < C; c++)
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data[(c * H + y) * W + x] = (y * W + x) * C + c;
  return { dims: [1, C, H, W], data };
}

/** True when `t` is plain NCHW [1, C, H, W] of Loom's NHWC feature map (the layout a Conv reads). */
export function isNchw(t: Tensor): boolean {
  if (t.dims.length !== 4 || t.dims[0] !== 1) return false;
  const [, C, H, W] = t.dims as [number, number, number, number];
  const want = nchwLayout(C, H, W).data;
  return want.every((v, i) => v === t.data[i]);
}

const LAYOUT_OPS = new Set([...SHAPE_OPS]);

export function convChain(seg: Segment, consts: Map<string, Tensor>, outDims: readonly number[]): ConvChain {
  const [, C, H, W] = outDims as [number, number, number, number];
  let layout = nchwLayout(C, H, W);
  /** The channel axis of the data tensor; undefined once it is flattened. */
  let axis: number | undefined = 1;
  const steps: Step[] = [];
  let pool: ConvChain["pool"];
  let pad: Padding2d | undefined;
  let average: { pixels: number; at: number } | undefined;
  for (const p of seg.chain) {
    const op = canonicalOp(p.node.opType)!;
    if (pad) throw new OnnxError(`${nodeLabel(p.node)}: only the next Conv may follow a Pad between layers`);
    if (op === "MaxPool") {
      pool = maxPoolOf(p, layout, steps.length, pool);
      const [, , ph, pw] = runNode(p.node, [
        { dims: layout.dims, data: new Float64Array(layout.data.length) },
      ]).dims;
      layout = nchwLayout(C, ph!, pw!);
    } else if (op === "Pad") {
      pad = zeroPad(p, layout, consts);
    } else if (LAYOUT_OPS.has(op)) {
      const ins = p.node.inputs.map((n) => (n === p.dynamic ? layout : consts.get(n)));
      const next = runNode(p.node, ins);
      if (op === "Transpose" && axis !== undefined)
        axis = (attrInts(p.node, "perm") ?? [...layout.dims.keys()].reverse()).indexOf(axis);
      else if (op !== "PassThrough" && next.dims.join() !== layout.dims.join()) axis = undefined;
      layout = next;
    } else if (op === "GlobalAveragePool" && !average && isNchw(layout)) {
      average = { pixels: layout.dims[2]! * layout.dims[3]!, at: steps.length };
      layout = nchwLayout(C, 1, 1);
    } else if (["AveragePool", "GlobalAveragePool", "Conv"].includes(op)) {
      throw new OnnxError(
        `${nodeLabel(p.node)}: ${p.node.opType} after a conv layer's activation is not supported`,
      );
    } else {
      steps.push(nodeStep(p, perChannelConsts(p, consts, axis, layout.dims.length, C)));
    }
  }
  if (pool) checkPoolCommutes(steps.slice(pool.at), C);
  const afterAverage = average && steps[average.at];
  if (afterAverage) {
    throw new OnnxError(
      `${nodeLabel(afterAverage.node)}: only layout ops may follow a GlobalAveragePool (it folds into the next dense layer's weights)`,
    );
  }
  return { steps, pool, layout, ...(pad ? { pad } : {}), ...(average ? { average: average.pixels } : {}) };
}

/** A MaxPool Loom can fuse: on NCHW data, no padding, no dilation, no partial (ceil-mode) window. */
function maxPoolOf(p: PathNode, layout: Tensor, at: number, earlier: ConvChain["pool"]): ConvChain["pool"] {
  const label = nodeLabel(p.node);
  if (earlier) throw new OnnxError(`${label}: a conv layer fuses one max-pool; this chain has two`);
  if (!isNchw(layout)) throw new OnnxError(`${label}: MaxPool must see the conv output in NCHW order`);
  const kernel = attrInts(p.node, "kernel_shape") ?? [];
  const axes = windowAxes(p.node, layout.dims, kernel);
  for (const a of axes) {
    if (a.padBegin !== 0 || a.padEnd !== 0 || a.dilation !== 1)
      throw new OnnxError(
        `${label}: a max-pool with padding or dilation is not supported (Loom fuses floor-mode pools without padding)`,
      );
    if (a.out !== Math.floor((a.size - a.kernel) / a.stride) + 1)
      throw new OnnxError(
        `${label}: ceil_mode adds a partial window, which Loom's fused max-pool does not have`,
      );
  }
  return { kernel: [axes[0]!.kernel, axes[1]!.kernel], stride: [axes[0]!.stride, axes[1]!.stride], at };
}

/** A constant-zero Pad on H and W of NCHW data: padding of the next conv layer. */
function zeroPad(p: PathNode, layout: Tensor, consts: Map<string, Tensor>): Padding2d {
  const label = nodeLabel(p.node);
  const ins = p.node.inputs.map((n) => (n === p.dynamic ? layout : consts.get(n)));
  const { begin, end } = padAmounts(p.node, ins, layout.dims.length);
  const ok =
    isNchw(layout) &&
    attrString(p.node, "mode", "constant") === "constant" &&
    padValue(p.node, ins) === 0 &&
    begin[0] === 0 &&
    begin[1] === 0 &&
    end[0] === 0 &&
    end[1] === 0 &&
    [...begin, ...end].every((v) => v >= 0);
  if (!ok)
    throw new OnnxError(
      `${label}: between layers only a constant-zero Pad of H and W on NCHW data is supported`,
    );
  return { top: begin[2]!, bottom: end[2]!, left: begin[3]!, right: end[3]! };
}

/**
 * The node's constants as one value per channel ([C]) or one value, so the step runs on a (1, C)
 * tensor: a constant must vary only along the data's channel axis.
 */
function perChannelConsts(
  p: PathNode,
  consts: Map<string, Tensor>,
  axis: number | undefined,
  rank: number,
  C: number,
): Map<string, Tensor> {
  const label = nodeLabel(p.node);
  const op = canonicalOp(p.node.opType);
  if (op === "BatchNormalization" && axis !== 1)
    throw new OnnxError(
      `${label}: BatchNormalization normalizes axis 1, which is not the conv's channel axis here`,
    );
  if (
    op === "MultiThreshold" &&
    rank === 4 &&
    attrString(p.node, "data_layout", "NCHW").indexOf("C") !== axis
  )
    throw new OnnxError(`${label}: its data_layout does not name the conv's channel axis`);
  const local = new Map(consts);
  p.node.inputs.forEach((name, i) => {
    const t = consts.get(name);
    if (name === p.dynamic || !t || t.data.length === 1) return;
    if (op === "BatchNormalization" || (op === "MultiThreshold" && i === 1)) return; // already per channel
    const lead = rank - t.dims.length;
    const fits =
      axis !== undefined && lead >= 0 && t.dims.every((d, k) => d === 1 || (k + lead === axis && d === C));
    if (!fits) {
      throw new OnnxError(
        `${label}: constant "${name}" of shape [${t.dims}] is not per-tensor or per-channel for the conv output ` +
          (axis === undefined ? "(after it is flattened)" : `(channel axis ${axis} of rank ${rank})`),
      );
    }
    local.set(name, { dims: [C], data: t.data });
  });
  return local;
}

/**
 * Loom pools the layer's output codes; the graph pools at the MaxPool. The two agree when every
 * step after the pool is non-decreasing (max commutes with it) — the codes themselves grow with
 * the value, since a grid's step is positive.
 */
function checkPoolCommutes(after: Step[], C: number): void {
  for (const s of after) {
    const op = canonicalOp(s.node.opType)!;
    const k = s.consts.find((t, i) => t !== undefined && i > 0)?.data ?? [];
    const allPos = (xs: ArrayLike<number>, strict: boolean) =>
      Array.from(xs).every((v) => (strict ? v > 0 : v >= 0));
    let ok: boolean;
    if (["Relu", "Clip", "PassThrough", "Sign", "Thresholding"].includes(op)) ok = true;
    else if (["Quant", "BipolarQuant", "Trunc"].includes(op)) ok = allPos(s.consts[1]?.data ?? [], true);
    else if (op === "MultiThreshold") ok = attrFloat(s.node, "out_scale", 1) >= 0;
    else if (op === "Add") ok = true;
    else if (op === "Sub" || op === "Div") ok = s.dynamicFirst && (op === "Sub" || allPos(k, true));
    else if (op === "Mul") ok = allPos(k, false);
    else if (op === "BatchNormalization") ok = allPos(s.consts[1]?.data ?? [], false);
    else ok = false;
    if (!ok) {
      throw new OnnxError(
        `${nodeLabel(s.node)}: follows a MaxPool but is not non-decreasing on every one of the ${C} channels, ` +
          "so the pool cannot move to the layer's output codes (pool after the activation quantizer instead)",
      );
    }
  }
}
