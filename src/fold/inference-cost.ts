// What a model costs before anything is built: per layer shapes, datatypes, MACs, weight bits,
// accumulator width and thresholds, and the whole network's cost in the terms qonnx's
// `inference_cost` reports (op_mac_<in>_<weight>, mem_w_<weight>, mem_o_<out>, total_*), so a
// FINN user can compare the two numbers side by side (docs/inspect.md).
import { type DataType, dataTypeName, isSigned } from "../core/datatypes.js";
import { layerAccumulator } from "../model/layer-accumulator.js";
import {
  convGeometry,
  inputShape,
  matrixHeight,
  matrixWidth,
  outputShape,
  outputSize,
  vectorsPerImage,
} from "../model/layer-geometry.js";
import { activationOutputDatatype, layerInputDatatypes, weightDatatype } from "../model/layer-types.js";
import type { ConvLayer, Model } from "../model/model-format.js";
import { layerShapes } from "./layer-shape.js";

export interface LayerCost {
  name: string;
  /** Matrix width and height (MW, MH): a conv's MW is KH·KW·C. */
  inFeatures: number;
  outFeatures: number;
  /** Matrix vectors per image: 1 for dense, OH·OW for conv. */
  vectors: number;
  /** Output values per image (after pooling). */
  outputs: number;
  /** Feature maps consumed and produced, [height, width, channels] ([1, 1, n] for dense). */
  inputShape: number[];
  outputShape: number[];
  /** A conv layer's window: kernel, stride, padding, the map before pooling, and the pool. */
  conv?: {
    kernel: number[];
    stride: number[];
    padding: [top: number, bottom: number, left: number, right: number];
    convShape: number[];
    pool?: { kernel: number[]; stride: number[] };
  };
  inputType: string;
  weightType: string;
  /**
   * What the layer streams on: its activation's datatype; for "none", the next layer's input
   * datatype, or the accumulator on the last layer.
   */
  outputType: string;
  /** BIPOLAR × BIPOLAR: multiplies are XNORs and the accumulator is a popcount. */
  xnor: boolean;
  /** Multiply-accumulates per image: MW · MH · vectors (every weight, zero or not). */
  macs: number;
  /** Nonzero weights and their MACs (qonnx's counts with discount_sparsity). */
  nonzeroWeights: number;
  nonzeroMacs: number;
  /** MW · MH · weight bits. */
  weightBits: number;
  /** Accumulator datatype in hardware, as wide as the compiler builds it (src/fold/layer-shape.ts). */
  accumulatorType: string;
  accumulatorBits: number;
  /** Thresholds per channel (0 for a raw output) and how many channels hold their own row. */
  thresholdsPerChannel: number;
  thresholdRows: number;
}

/** qonnx `inference_cost` total_cost: keys as qonnx names them, values per image (batch 1). */
export type InferenceCostTotal = Record<string, number | boolean | string[]>;

export interface ModelCost {
  model: string;
  inputShape: number[];
  inputType: string;
  layers: LayerCost[];
  totalCost: InferenceCostTotal;
}

/** Datatype bit width as qonnx counts it (BIPOLAR and BINARY are 1 bit). */
const bitwidth = (dt: DataType) => dt.bits;

export function inspectModel(model: Model, o: { discountSparsity?: boolean } = {}): ModelCost {
  const discount = o.discountSparsity ?? true;
  const inTypes = layerInputDatatypes(model);
  const shapes = layerShapes(model);
  const layers: LayerCost[] = model.layers.map((layer, i) => {
    const acc = layerAccumulator(model, i, inTypes[i]);
    const shape = shapes[i]!;
    const accType: DataType = { kind: isSigned(acc.type) ? "INT" : "UINT", bits: shape.accBits };
    // Between layers a "none" output streams as the next layer's input (clamped with relu).
    const out = activationOutputDatatype(layer.activation) ?? inTypes[i + 1];
    const mw = matrixWidth(layer);
    const mh = matrixHeight(layer);
    const vectors = vectorsPerImage(layer);
    const macs = mw * mh * vectors;
    const nonzeroWeights = layer.weights.reduce((s, row) => s + row.filter((w) => w !== 0).length, 0);
    return {
      name: layer.name,
      inFeatures: mw,
      outFeatures: mh,
      vectors,
      outputs: outputSize(layer),
      inputShape: [...inputShape(layer)],
      outputShape: [...outputShape(layer)],
      ...(layer.kind === "conv" ? { conv: convWindow(layer) } : {}),
      inputType: dataTypeName(acc.inDt),
      weightType: dataTypeName(acc.wDt),
      outputType: dataTypeName(out ?? accType),
      xnor: acc.xnor,
      macs,
      nonzeroWeights,
      nonzeroMacs: nonzeroWeights * vectors,
      weightBits: mw * mh * acc.wDt.bits,
      accumulatorType: dataTypeName(accType),
      accumulatorBits: shape.accBits,
      thresholdsPerChannel: shape.thresholdCount,
      thresholdRows: shape.thresholdCount === 0 ? 0 : shape.sharedThresholds ? 1 : mh,
    };
  });
  return {
    model: model.name,
    inputShape: model.input.shape,
    inputType: model.input.datatype,
    layers,
    totalCost: qonnxTotal(model, inTypes, layers, discount),
  };
}

function convWindow(layer: ConvLayer): NonNullable<LayerCost["conv"]> {
  const g = convGeometry(layer);
  const p = layer.padding;
  return {
    kernel: [...layer.kernel],
    stride: [...layer.stride],
    padding: [p.top, p.bottom, p.left, p.right],
    convShape: [g.convHeight, g.convWidth, layer.outChannels],
    ...(layer.pool ? { pool: { kernel: [...layer.pool.kernel], stride: [...layer.pool.stride] } } : {}),
  };
}

/**
 * The network total as qonnx computes it for MatMul/Gemm and Conv nodes: MACs (for a conv
 * OC·C·KH·KW per output pixel before pooling) and weight elements scaled by weight density when
 * discounting sparsity, outputs counted as the node's 32-bit results (a conv's OH·OW·OC before
 * pooling: qonnx counts MaxPool as free).
 */
function qonnxTotal(
  model: Model,
  inTypes: readonly DataType[],
  layers: readonly LayerCost[],
  discount: boolean,
): InferenceCostTotal {
  const total: Record<string, number> = {};
  const add = (key: string, v: number) => {
    total[key] = (total[key] ?? 0) + v;
  };
  layers.forEach((l, i) => {
    const inDt = inTypes[i]!;
    const wDt = weightDatatype(model, i);
    const counted = discount ? l.nonzeroMacs : l.macs;
    const weights = discount ? l.nonzeroWeights : l.inFeatures * l.outFeatures;
    // qonnx types a MatMul result INT32 when an operand is signed, else UINT32.
    const outName = isSigned(inDt) || isSigned(wDt) ? "INT32" : "UINT32";
    // qonnx counts the MatMul/Conv node's own output; a following MaxPool costs nothing.
    const matmulOutputs = l.vectors * l.outFeatures;
    add(`op_mac_${l.inputType}_${l.weightType}`, counted);
    add(`mem_w_${l.weightType}`, weights);
    add(`mem_o_${outName}`, matmulOutputs);
    add("total_macs", counted);
    add("total_bops", bitwidth(inDt) * bitwidth(wDt) * counted);
    add("total_mem_w_bits", bitwidth(wDt) * weights);
    add("total_mem_w_elems", weights);
    add("total_mem_o_bits", 32 * matmulOutputs);
    add("total_mem_o_elems", matmulOutputs);
  });
  // Keys in sorted order, as qonnx writes its JSON (sort_keys=True).
  const all: InferenceCostTotal = { ...total, discount_sparsity: discount, unsupported: [] };
  return Object.fromEntries(Object.entries(all).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
