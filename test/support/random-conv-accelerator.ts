// Random small streamlined convolutional networks for end-to-end compiler tests: one or two
// conv layers (square or rectangular kernels, stride 1 or 2, symmetric or asymmetric zero
// padding, an optional max-pool with kernel = stride or not), then one or two dense layers
// ending in raw scores and an arg-max. Datatypes, per-channel thresholds and foldings (PE | OC,
// SIMD | C) are random. Input vectors: randomInputs of random-network.ts.

import fc from "fast-check";
import { type DataType, dataTypeName, maxValue, minValue } from "../../src/core/datatypes.js";
import { divisors } from "../../src/core/divisors.js";
import { windowCount } from "../../src/core/window.js";
import type { Activation, Layer, Model } from "../../src/model/model-format.js";
import type { RandomNetwork } from "./random-network.js";

export type RandomConvNetwork = RandomNetwork;

const inputTypes: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "UINT", bits: 8 },
  { kind: "INT", bits: 4 },
];
const weightTypes: DataType[] = [
  { kind: "INT", bits: 2 },
  { kind: "INT", bits: 4 },
  { kind: "UINT", bits: 3 },
  { kind: "BIPOLAR", bits: 1 },
];
/** Conv outputs feed padding or a pool; BIPOLAR has no code for 0.0, so it only ends the conv stack. */
const outTypes: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "UINT", bits: 4 },
  { kind: "INT", bits: 3 },
];

/** A random draw in [lo, hi]. */
type Draw = (lo: number, hi: number) => number;

/** Weights for MH rows of MW values of a datatype. */
function randomWeights(draw: Draw, dt: DataType, mh: number, mw: number): number[][] {
  return Array.from({ length: mh }, () =>
    Array.from({ length: mw }, () =>
      dt.kind === "BIPOLAR" ? (draw(0, 1) ? 1 : -1) : draw(Number(minValue(dt)), Number(maxValue(dt))),
    ),
  );
}

/** Per-channel thresholds that split each row's accumulator range into the output type's codes. */
function randomThresholds(draw: Draw, weights: number[][], inDt: DataType, outDt: DataType): Activation {
  const xs = [Number(minValue(inDt)), Number(maxValue(inDt))];
  const count = Number(maxValue(outDt) - minValue(outDt));
  const thresholds = weights.map((row) => {
    let lo = 0;
    let hi = 0;
    for (const w of row) {
      const p = xs.map((x) => w * x);
      lo += Math.min(...p);
      hi += Math.max(...p);
    }
    return Array.from({ length: count }, () => draw(lo - 1, hi + 1)).sort((a, b) => a - b);
  });
  return {
    kind: "thresholds",
    outDatatype: dataTypeName(outDt),
    outBias: Number(minValue(outDt)),
    thresholds,
  };
}

export function convNetworkArbitrary(): fc.Arbitrary<RandomConvNetwork> {
  return fc.integer({ min: 0, max: 2 ** 31 - 1 }).map((seed0) => {
    // One seeded generator for every choice: fast-check's small-value bias would otherwise
    // give mostly 1×1 kernels on one channel.
    let seed = seed0 >>> 0;
    const draw: Draw = (lo, hi) => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return lo + Math.floor((seed / 2 ** 32) * (hi - lo + 1));
    };
    const bulk = draw;
    const g = { convs: draw(1, 2), denses: draw(1, 2) };
    let inDt = inputTypes[draw(0, inputTypes.length - 1)]!;
    let shape: [number, number, number] = [draw(3, 7), draw(3, 7), draw(1, 4)];
    const model: Model = {
      format: "loom-qnn",
      version: 1,
      name: "random_cnn",
      input: { shape: [...shape], datatype: dataTypeName(inDt) },
      layers: [],
      output: { argmax: true },
    };
    const folding: RandomConvNetwork["folding"] = { layers: [] };
    const fold = (name: string, mh: number, simdSpan: number) => {
      const pes = divisors(mh);
      const simds = divisors(simdSpan);
      folding.layers.push({
        name,
        pe: pes[draw(0, pes.length - 1)]!,
        simd: simds[draw(0, simds.length - 1)]!,
      });
    };
    const layers: Layer[] = [];
    for (let i = 0; i < g.convs; i++) {
      const [h, w, c] = shape;
      const padding = { top: draw(0, 1), bottom: draw(0, 2), left: draw(0, 2), right: draw(0, 1) };
      const ph = h + padding.top + padding.bottom;
      const pw = w + padding.left + padding.right;
      const kernel: [number, number] = [draw(1, Math.min(3, ph)), draw(1, Math.min(3, pw))];
      const stride: [number, number] = [draw(1, 2), draw(1, 2)];
      const oh = windowCount(ph, kernel[0], stride[0]);
      const ow = windowCount(pw, kernel[1], stride[1]);
      let pool: { kind: "max"; kernel: [number, number]; stride: [number, number] } | undefined;
      if (draw(0, 2) > 0 && oh >= 2 && ow >= 2) {
        const k = draw(2, Math.min(3, oh, ow));
        pool = { kind: "max", kernel: [k, k], stride: draw(0, 1) ? [k, k] : [1, 2] };
      }
      const oc = draw(1, 6);
      const wDt = weightTypes[draw(0, weightTypes.length - 1)]!;
      const outDt = outTypes[draw(0, outTypes.length - 1)]!;
      const weights = randomWeights(bulk, wDt, oc, kernel[0] * kernel[1] * c);
      const name = `conv${i}`;
      layers.push({
        name,
        kind: "conv",
        inShape: [h, w, c],
        outChannels: oc,
        kernel,
        stride,
        padding,
        weightDatatype: dataTypeName(wDt),
        weights,
        activation: randomThresholds(bulk, weights, inDt, outDt),
        ...(pool ? { pool } : {}),
      });
      fold(name, oc, c);
      shape = pool
        ? [
            windowCount(oh, pool.kernel[0], pool.stride[0]),
            windowCount(ow, pool.kernel[1], pool.stride[1]),
            oc,
          ]
        : [oh, ow, oc];
      inDt = outDt;
    }
    let features = shape[0] * shape[1] * shape[2];
    for (let i = 0; i < g.denses; i++) {
      const last = i === g.denses - 1;
      const out = last ? draw(2, 5) : draw(2, 8);
      const wDt = weightTypes[draw(0, weightTypes.length - 1)]!;
      const weights = randomWeights(bulk, wDt, out, features);
      const name = `fc${i}`;
      const outDt = outTypes[draw(0, outTypes.length - 1)]!;
      layers.push({
        name,
        kind: "dense",
        inFeatures: features,
        outFeatures: out,
        weightDatatype: dataTypeName(wDt),
        weights,
        activation: last
          ? { kind: "none", bias: Array.from({ length: out }, () => bulk(-4, 4)), scale: 1 }
          : randomThresholds(bulk, weights, inDt, outDt),
      });
      fold(name, out, features);
      features = out;
      inDt = outDt;
    }
    model.layers = layers;
    return { model, folding };
  });
}
