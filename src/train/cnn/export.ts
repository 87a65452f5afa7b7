// Writes a trained QuantCnn as a Loom model file. Each conv → batch norm → quantized ReLU
// [→ max-pool] group becomes one conv layer with a float activation (accumulator scale = input
// scale × per-channel weight scale, the running batch-norm statistics, ReLU, the clip's code
// step) and the pool fused on its output codes; dense layers are exported as the MLP's, the
// first one reading the NHWC flattening. Global average pooling has no model-format layer, and
// a max-pool can only be fused into the conv layer right before it: such specs are refused.

import { LoomError } from "../../core/errors.js";
import type { ConvLayer, Layer, Model } from "../../model/model-format.js";
import {
  denseLayer,
  type ExportOptions,
  type LayerOutput,
  layerActivation,
  modelFile,
  weightDatatype,
  weightRows,
} from "../export.js";
import { quantizeWeights } from "../quant.js";
import { QuantRelu } from "./activation.js";
import { describeLayer, type LayerSpec } from "./arch.js";
import { BatchNorm2d, BN_EPS } from "./batchnorm.js";
import { Conv2d } from "./conv2d.js";
import { Dense } from "./dense.js";
import type { Layer as NetLayer } from "./layer.js";
import type { QuantCnn } from "./net.js";
import { MaxPool2d } from "./pool.js";

/** A network the model format cannot describe (one line for the user). */
export class ExportError extends LoomError {
  override name = "ExportError";
  constructor(message: string) {
    super("model", message);
  }
}

/** Refuses, with one line, a spec the model format cannot describe (checked before training too). */
export function checkExportable(layers: readonly LayerSpec[]): void {
  layers.forEach((l, i) => {
    const where = `layer ${i + 1} (${describeLayer(l)})`;
    if (l.kind === "gap")
      throw new ExportError(
        `${where}: global average pooling cannot be exported (the Loom model format has no average-pool layer); use max-pooling (p<K>) before the dense layers`,
      );
    if (l.kind === "maxpool" && layers[i - 1]?.kind !== "conv")
      throw new ExportError(
        `${where}: a max-pool is exported fused into the conv layer right before it, and this one follows ${i === 0 ? "the input" : describeLayer(layers[i - 1]!)}`,
      );
  });
}

function expectLayer<T extends NetLayer>(net: QuantCnn, i: number, kind: new (...args: never[]) => T): T {
  const l = net.layers[i];
  if (!(l instanceof kind)) throw new Error(`export: expected ${kind.name} at layer ${i}, found ${l?.name}`);
  return l;
}

function convLayer(net: QuantCnn, i: number, conv: Conv2d): { layer: ConvLayer; next: number } {
  const bn = expectLayer(net, i + 1, BatchNorm2d);
  const act = expectLayer(net, i + 2, QuantRelu);
  const pool = net.layers[i + 3] instanceof MaxPool2d ? (net.layers[i + 3] as MaxPool2d) : undefined;
  const { wbits, abits } = net.cfg;
  const q = quantizeWeights(conv.weight.value, conv.outChannels, conv.patch, wbits, true);
  const output: LayerOutput = { kind: "relu", quantScale: act.codeScale(), bits: abits };
  const s = conv.inShape;
  const layer: ConvLayer = {
    name: conv.name,
    kind: "conv",
    inShape: [s.h, s.w, s.c],
    outChannels: conv.outChannels,
    kernel: [conv.geom.kh, conv.geom.kw],
    stride: [conv.geom.stride, conv.geom.stride],
    padding: {
      top: conv.rows.before,
      bottom: conv.rows.after,
      left: conv.cols.before,
      right: conv.cols.after,
    },
    weightDatatype: weightDatatype(wbits),
    weights: weightRows(q, conv.outChannels, conv.patch),
    activation: layerActivation(q, net.inputScaleOf(i), undefined, output, {
      mean: Array.from(bn.runningMean),
      variance: Array.from(bn.runningVar),
      gamma: Array.from(bn.gamma.value),
      beta: Array.from(bn.beta.value),
      epsilon: BN_EPS,
    }),
    ...(pool ? { pool: { kind: "max", kernel: [pool.k, pool.k], stride: [pool.stride, pool.stride] } } : {}),
  };
  return { layer, next: i + (pool ? 4 : 3) };
}

function denseGroup(net: QuantCnn, i: number, fc: Dense, margin: number): { layer: Layer; next: number } {
  const { wbits, abits } = net.cfg;
  const last = i === net.layers.length - 1;
  const act = last ? undefined : expectLayer(net, i + 1, QuantRelu);
  const output: LayerOutput = act
    ? { kind: "relu", quantScale: act.codeScale(), bits: abits }
    : { kind: "scores", margin };
  const q = quantizeWeights(fc.weight.value, fc.outFeatures, fc.inFeatures, wbits, !fc.perTensor);
  const layer = denseLayer(
    fc.name,
    q,
    fc.inFeatures,
    fc.outFeatures,
    net.inputScaleOf(i),
    fc.bias.value,
    wbits,
    output,
  );
  return { layer, next: i + (act ? 2 : 1) };
}

/** The model file of a trained network, the decision margin (opts.margin) folded into class 0's bias. */
export function exportCnn(net: QuantCnn, opts: ExportOptions): Model {
  if (net.cfg.float) throw new Error("export: a float (gradient-check) network has no quantized form");
  checkExportable(net.cfg.plan.layers);
  const layers: Layer[] = [];
  for (let i = 0; i < net.layers.length; ) {
    const l = net.layers[i]!;
    let group: { layer: Layer; next: number };
    if (l instanceof Conv2d) group = convLayer(net, i, l);
    else if (l instanceof Dense) group = denseGroup(net, i, l, opts.margin ?? 0);
    else throw new Error(`export: unexpected layer ${l.name}`);
    layers.push(group.layer);
    i = group.next;
  }
  const input = net.cfg.plan.shapes[0]!;
  return modelFile(opts, [input.h, input.w, input.c], layers);
}
