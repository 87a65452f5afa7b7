// Random small convolutional networks in Loom's model format: 1–3 conv layers (rectangular
// kernels, strides, asymmetric padding, max-pools with kernel = stride and kernel ≠ stride) and
// 0–2 dense layers, with float activations (batch norm incl. negative gamma, ReLU, 1–8-bit
// quantizers), multi-thresholds, and "none" (with ReLU between layers, raw scores last). Random
// input datatypes incl. BIPOLAR (no padding then) and a zero point (the first layer's pad code).
import fc from "fast-check";
import { rowAccumulatorRange } from "../../src/core/accumulator.js";
import { type DataType, dataTypeName, maxValue, minValue } from "../../src/core/datatypes.js";
import { windowCount } from "../../src/core/window.js";
import { activationOutputDatatype, layerOutputDatatype } from "../../src/model/layer-types.js";
import type { Activation, FloatActivation, Layer, MaxPool, Model } from "../../src/model/model-format.js";
import { floatActivationArb } from "../model/arbitraries.js";

const INPUT_TYPES: DataType[] = [
  { kind: "UINT", bits: 8 },
  { kind: "UINT", bits: 2 },
  { kind: "INT", bits: 4 },
  { kind: "BINARY", bits: 1 },
  { kind: "BIPOLAR", bits: 1 },
];
const WEIGHT_TYPES: DataType[] = [
  { kind: "INT", bits: 2 },
  { kind: "INT", bits: 4 },
  { kind: "UINT", bits: 3 },
  { kind: "BIPOLAR", bits: 1 },
];
const THRESHOLD_OUTPUTS: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "INT", bits: 3 },
  { kind: "BIPOLAR", bits: 1 },
];

type ActivationPlan = "float" | "thresholds" | "none";

interface LayerPlan {
  conv: boolean;
  channels: number;
  activation: ActivationPlan;
}

/** Deterministic draws in [0, 1) from a fast-check seed. */
function randomSource(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const planArb: fc.Arbitrary<LayerPlan[]> = fc
  .record({
    convs: fc.array(fc.record({ channels: fc.integer({ min: 1, max: 4 }), act: fc.nat(9) }), {
      minLength: 1,
      maxLength: 3,
    }),
    denses: fc.array(fc.record({ channels: fc.integer({ min: 1, max: 5 }), act: fc.nat(9) }), {
      maxLength: 2,
    }),
  })
  .map(({ convs, denses }) => {
    const all = [...convs.map((l) => ({ ...l, conv: true })), ...denses.map((l) => ({ ...l, conv: false }))];
    return all.map((l, i): LayerPlan => {
      const last = i === all.length - 1;
      // Last layer: raw scores or a quantizer; hidden: mostly float, some thresholds and ReLU-"none".
      const activation: ActivationPlan = last
        ? l.act < 5
          ? "none"
          : "float"
        : l.act < 6
          ? "float"
          : l.act < 8
            ? "thresholds"
            : "none";
      return { conv: l.conv, channels: last ? Math.max(2, l.channels) : l.channels, activation };
    });
  });

/** A random conv network that passes the loader's checks (parse it with parseModel to get defaults). */
export const convNetworkArb: fc.Arbitrary<Model> = planArb.chain((plan) =>
  fc
    .tuple(
      fc.tuple(
        ...plan.map((l) => (l.activation === "float" ? floatActivationArb(l.channels) : fc.constant(null))),
      ),
      fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    )
    .map(([floats, seed]) => buildNetwork(plan, floats as (FloatActivation | null)[], randomSource(seed))),
);

function buildNetwork(plan: LayerPlan[], floats: (FloatActivation | null)[], r: () => number): Model {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  const inDt0 = INPUT_TYPES[int(0, INPUT_TYPES.length - 1)]!;
  const zeroPoint =
    inDt0.kind !== "BIPOLAR" && r() < 0.5 ? int(Number(minValue(inDt0)), Number(maxValue(inDt0))) : undefined;
  let shape: [number, number, number] = [int(3, 8), int(3, 8), int(1, 3)];
  const model: Model = {
    format: "loom-qnn",
    version: 1,
    name: "random-conv",
    input: {
      shape: [...shape],
      datatype: dataTypeName(inDt0),
      ...(zeroPoint === undefined ? {} : { zeroPoint }),
    },
    layers: [],
    output: { argmax: true },
  };
  let inDt = inDt0;
  plan.forEach((p, i) => {
    const last = i === plan.length - 1;
    let wDt = WEIGHT_TYPES[int(0, WEIGHT_TYPES.length - 1)]!;
    // "none" between layers passes the exact sum on, which an XNOR layer cannot (loader rule).
    if (p.activation === "none" && !last && wDt.kind === "BIPOLAR") wDt = WEIGHT_TYPES[0]!;
    const weightValue = () =>
      wDt.kind === "BIPOLAR" ? (r() < 0.5 ? -1 : 1) : int(Number(minValue(wDt)), Number(maxValue(wDt)));
    let layer: Layer;
    if (p.conv) {
      const [h, w, c] = shape;
      const pad = () => (inDt.kind === "BIPOLAR" ? 0 : int(0, 2));
      const padding = { top: pad(), bottom: pad(), left: pad(), right: pad() };
      const ph = h + padding.top + padding.bottom;
      const pw = w + padding.left + padding.right;
      const kernel: [number, number] = [int(1, Math.min(3, ph)), int(1, Math.min(3, pw))];
      const stride: [number, number] = [int(1, 2), int(1, 2)];
      const ch = windowCount(ph, kernel[0], stride[0]);
      const cw = windowCount(pw, kernel[1], stride[1]);
      let pool: MaxPool | undefined;
      let outH = ch;
      let outW = cw;
      if (r() < 0.6 && ch * cw > 1) {
        const k: [number, number] = [int(1, Math.min(3, ch)), int(1, Math.min(3, cw))];
        // Half the pools have stride = kernel (FINN's common case), the others any stride.
        const s: [number, number] = r() < 0.5 ? [k[0], k[1]] : [int(1, 3), int(1, 3)];
        pool = { kind: "max", kernel: k, stride: s };
        outH = windowCount(ch, k[0], s[0]);
        outW = windowCount(cw, k[1], s[1]);
      }
      const mw = kernel[0] * kernel[1] * c;
      layer = {
        name: `conv${i}`,
        kind: "conv",
        inShape: [h, w, c],
        outChannels: p.channels,
        kernel,
        stride,
        padding,
        weightDatatype: dataTypeName(wDt),
        weights: Array.from({ length: p.channels }, () => Array.from({ length: mw }, weightValue)),
        activation: { kind: "none", bias: 0, scale: 1 },
        ...(pool ? { pool } : {}),
      };
      shape = [outH, outW, p.channels];
    } else {
      const mw = shape[0] * shape[1] * shape[2];
      layer = {
        name: `fc${i}`,
        kind: "dense",
        inFeatures: mw,
        outFeatures: p.channels,
        weightDatatype: dataTypeName(wDt),
        weights: Array.from({ length: p.channels }, () => Array.from({ length: mw }, weightValue)),
        activation: { kind: "none", bias: 0, scale: 1 },
      };
      shape = [1, 1, p.channels];
    }
    layer.activation = activation(p, floats[i] ?? null, layer, inDt, last, r);
    model.layers.push(layer);
    inDt = activationOutputDatatype(layer.activation) ?? layerOutputDatatype(model, i, inDt);
  });
  return model;
}

function activation(
  p: LayerPlan,
  float: FloatActivation | null,
  layer: Layer,
  inDt: DataType,
  last: boolean,
  r: () => number,
): Activation {
  const int = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  switch (p.activation) {
    case "float":
      return float!;
    case "none": {
      const bias = Array.from({ length: p.channels }, () => int(-6, 6));
      // A pooled "none" output needs a positive scale (the pool compares the integers).
      const pooled = layer.kind === "conv" && layer.pool !== undefined;
      return last
        ? { kind: "none", bias, scale: pooled || r() < 0.5 ? 1 : -0.5 }
        : { kind: "none", bias, scale: 1, relu: true };
    }
    case "thresholds": {
      const outDt = THRESHOLD_OUTPUTS[int(0, THRESHOLD_OUTPUTS.length - 1)]!;
      const count = outDt.kind === "BIPOLAR" ? 1 : Number(maxValue(outDt) - minValue(outDt));
      const thresholds = layer.weights.map((row) => {
        const { lo, hi } = rowAccumulatorRange(inDt, row.map(BigInt));
        return Array.from({ length: count }, () => int(Number(lo) - 1, Number(hi) + 1)).sort((a, b) => a - b);
      });
      return {
        kind: "thresholds",
        outDatatype: dataTypeName(outDt),
        outBias: outDt.kind === "BIPOLAR" ? 0 : Number(minValue(outDt)),
        thresholds,
      };
    }
  }
}
