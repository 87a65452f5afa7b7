// A Conv node and its chain as a Loom conv layer's frame (input shape, kernel, stride, padding,
// fused pool), and how a layer's input order follows from the layer before it: a conv reads
// plain NCHW (which Loom streams as NHWC), a dense layer after a conv gets its weight columns
// permuted from the graph's flattening order to Loom's NHWC order.
import type { ConvLayer } from "../model/model-format.js";
import { attrInt, attrInts } from "./attributes.js";
import type { GraphPath, Segment } from "./chain.js";
import { type ConvChain, convChain, isNchw } from "./conv-chain.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import type { CodeMap } from "./grid.js";
import type { HostStep } from "./host.js";
import { windowAxes } from "./ops-conv.js";
import { linearSteps, type Step } from "./steps.js";
import type { LayerWeights } from "./weights.js";

export type ConvFrame = Omit<ConvLayer, "weights" | "weightDatatype" | "activation">;

export interface ConvPlan {
  frame: ConvFrame;
  /** Every step after the window products: the bias, then the chain's element-wise steps. */
  steps: Step[];
  chain: ConvChain;
}

/** The graph dims of a tensor, which must be a batch-1 NCHW image at a Conv. */
function imageDims(node: OnnxNode, dims: number[] | undefined): [number, number, number, number] {
  if (dims?.length !== 4 || dims[0] !== 1)
    throw new OnnxError(
      `${nodeLabel(node)}: only 2-D convolutions on one NCHW image are supported (got [${dims}])`,
    );
  return dims as [number, number, number, number];
}

/**
 * The conv layer of `seg`. `before` is the chain of the conv layer feeding it (its layout must
 * be plain NCHW; its trailing Pad becomes padding here), or "host" for the first layer.
 */
export function convPlan(seg: Segment, path: GraphPath, before: ConvChain | "host" | "dense"): ConvPlan {
  const node = seg.linear.node;
  const label = nodeLabel(node);
  if (before === "dense")
    throw new OnnxError(`${label}: a Conv after a dense (MatMul/Gemm) layer is not supported`);
  if (attrInt(node, "group", 1) !== 1)
    throw new OnnxError(
      `${label}: grouped or depthwise convolution (group ${attrInt(node, "group", 1)}) is not supported`,
    );
  if ((attrInts(node, "dilations") ?? [1, 1]).some((d) => d !== 1))
    throw new OnnxError(`${label}: dilated convolution is not supported`);
  const [, C, H, W] = imageDims(node, path.shapes.get(seg.linear.dynamic));
  const [OC, , KH, KW] = path.consts.get(node.inputs[1]!)!.dims as [number, number, number, number];
  const [ay, ax] = windowAxes(node, [1, C, H, W], [KH, KW]);
  const extra = before === "host" ? undefined : before.pad;
  if (before !== "host" && before.average)
    throw new OnnxError(`${label}: a Conv after a GlobalAveragePool is not supported (only a dense layer)`);
  if (before !== "host" && !isNchw(before.layout))
    throw new OnnxError(`${label}: its input is not the previous conv layer's output in NCHW order`);
  const inShape: [number, number, number] = [
    H - (extra ? extra.top + extra.bottom : 0),
    W - (extra ? extra.left + extra.right : 0),
    C,
  ];
  const chain = convChain(seg, path.consts, imageDims(node, path.shapes.get(node.outputs[0]!)));
  const frame: ConvFrame = {
    name: node.name || `${node.opType}_${node.index}`,
    kind: "conv",
    inShape,
    outChannels: OC,
    kernel: [KH, KW],
    stride: [ay!.stride, ax!.stride],
    padding: {
      top: ay!.padBegin + (extra?.top ?? 0),
      bottom: ay!.padEnd + (extra?.bottom ?? 0),
      left: ax!.padBegin + (extra?.left ?? 0),
      right: ax!.padEnd + (extra?.right ?? 0),
    },
    ...(chain.pool
      ? { pool: { kind: "max" as const, kernel: chain.pool.kernel, stride: chain.pool.stride } }
      : {}),
  };
  return { frame, steps: [...linearSteps(node, path.consts), ...chain.steps], chain };
}

/**
 * Padding inserts the input code of 0.0 (code 0: a layer input has zero offset); refused when the
 * input format has no such code (bipolar, or a range that excludes 0).
 */
export function checkPadCode(frame: ConvFrame, inMap: CodeMap, node: OnnxNode): void {
  const p = frame.padding;
  if (p.top + p.bottom + p.left + p.right === 0) return;
  if (inMap.bipolar || inMap.min > 0 || inMap.max < 0) {
    throw new OnnxError(
      `${nodeLabel(node)}: zero padding needs an input code for 0.0, but its input format ` +
        `(${inMap.bipolar ? "bipolar ±1" : `codes ${inMap.min}..${inMap.max}`}) has none`,
    );
  }
}

/**
 * A dense layer after a conv layer: the graph flattens the conv output in its own order (NCHW for
 * Brevitas); Loom's vector is NHWC. Weight column k of the graph multiplies Loom element
 * layout[k], so it moves there. After a GlobalAveragePool, layout[k] is a channel: the column is
 * repeated for every pixel and the weight scale divided by the pixel count (the mean, folded in).
 */
export function permuteColumns(w: LayerWeights, before: ConvChain, node: OnnxNode): LayerWeights {
  const { layout } = before;
  const pixels = before.average ?? 1;
  if (layout.data.length !== w.mw)
    throw new OnnxError(
      `${nodeLabel(node)}: takes ${w.mw} inputs, but the conv layer before it gives ${layout.data.length}`,
    );
  const codes = w.codes.map((row) => {
    const out = new Array<number>(row.length * pixels);
    for (let p = 0; p < pixels; p++)
      row.forEach((v, k) => {
        out[p * w.mw + layout.data[k]!] = v;
      });
    return out;
  });
  return { ...w, mw: w.mw * pixels, codes, scale: w.scale.map((s) => s / pixels) };
}

/** The host step that turns the NCHW image before the first conv into Loom's NHWC stream. */
export const NCHW_TO_NHWC: HostStep = {
  opType: "Transpose",
  name: "loom_nchw_to_nhwc",
  attributes: { perm: [0, 2, 3, 1] },
  inputs: ["x"],
  output: 0,
};
