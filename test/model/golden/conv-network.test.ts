// Convolutional models, all the ways Loom evaluates them, on random networks and inputs:
// the float reference, the golden model of the streamlined model, the trainer's integer
// inference, and an independent direct convolution written here in NCHW/OIHW loops (no im2col,
// no index tables), which only shares the per-channel activation (channelActivation).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DataType, maxValue, minValue } from "../../../src/core/datatypes.js";
import { channelActivation } from "../../../src/model/golden/activation.js";
import { runFloatModel } from "../../../src/model/golden/float-model.js";
import { runGolden, runGoldenLayers } from "../../../src/model/golden/run-golden.js";
import { matrixHeight } from "../../../src/model/layer-geometry.js";
import { layerInputDatatypes } from "../../../src/model/layer-types.js";
import type { Layer, Model } from "../../../src/model/model-format.js";
import { parseModel } from "../../../src/model/model-load.js";
import { channelValue } from "../../../src/model/weights.js";
import { streamlineModel } from "../../../src/streamline/streamline.js";
import { inferInteger } from "../../../src/train/int-infer.js";
import { convNetworkArb } from "../../support/random-conv-network.js";

/** A feature map as the framework writes it: [channel][row][column]. */
type Nchw = bigint[][][];

const zeros = (c: number, h: number, w: number): Nchw =>
  Array.from({ length: c }, () => Array.from({ length: h }, () => new Array<bigint>(w).fill(0n)));

/** NHWC flat (Loom's stream order) from NCHW. */
function toNhwc(t: Nchw): bigint[] {
  const out: bigint[] = [];
  for (let y = 0; y < t[0]!.length; y++)
    for (let x = 0; x < t[0]![0]!.length; x++) for (let c = 0; c < t.length; c++) out.push(t[c]![y]![x]!);
  return out;
}

/** One conv layer straight from the definition: pad, convolve with OIHW weights, activate, max-pool. */
function directConv(layer: Layer & { kind: "conv" }, x: Nchw, zero: bigint): Nchw {
  const [h, w, c] = layer.inShape;
  const { top, bottom, left, right } = layer.padding;
  const [kh, kw] = layer.kernel;
  const [sh, sw] = layer.stride;
  const padded = zeros(c, h + top + bottom, w + left + right);
  for (let ch = 0; ch < c; ch++)
    for (let y = 0; y < h + top + bottom; y++)
      for (let xx = 0; xx < w + left + right; xx++) {
        const iy = y - top;
        const ix = xx - left;
        padded[ch]![y]![xx] = iy >= 0 && iy < h && ix >= 0 && ix < w ? x[ch]![iy]![ix]! : zero;
      }
  // OIHW from the model's (kh, kw, c) rows.
  const oihw = (o: number, ch: number, ky: number, kx: number) =>
    BigInt(layer.weights[o]![(ky * kw + kx) * c + ch]!);
  const oh = Math.floor((h + top + bottom - kh) / sh) + 1;
  const ow = Math.floor((w + left + right - kw) / sw) + 1;
  const y = zeros(layer.outChannels, oh, ow);
  for (let o = 0; o < layer.outChannels; o++) {
    const act = channelActivation(layer.activation, o);
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        let acc = 0n;
        for (let ch = 0; ch < c; ch++)
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              acc += oihw(o, ch, ky, kx) * padded[ch]![oy * sh + ky]![ox * sw + kx]!;
        y[o]![oy]![ox] = act(acc);
      }
  }
  const pool = layer.pool;
  if (!pool) return y;
  const [pkh, pkw] = pool.kernel;
  const [psh, psw] = pool.stride;
  const ph = Math.floor((oh - pkh) / psh) + 1;
  const pw = Math.floor((ow - pkw) / psw) + 1;
  const pooled = zeros(layer.outChannels, ph, pw);
  for (let o = 0; o < layer.outChannels; o++)
    for (let py = 0; py < ph; py++)
      for (let px = 0; px < pw; px++) {
        let m = y[o]![py * psh]![px * psw]!;
        for (let ky = 0; ky < pkh; ky++)
          for (let kx = 0; kx < pkw; kx++) {
            const v = y[o]![py * psh + ky]![px * psw + kx]!;
            if (v > m) m = v;
          }
        pooled[o]![py]![px] = m;
      }
  return pooled;
}

/** Every layer's output (NHWC flat) of the direct implementation. */
function directModel(model: Model, input: readonly bigint[]): bigint[][] {
  const outs: bigint[][] = [];
  let map: Nchw | null = null;
  let flat: bigint[] = [...input];
  model.layers.forEach((layer, i) => {
    if (layer.kind === "conv") {
      const [h, w, c] = layer.inShape;
      // The first layer reads the NHWC input; later ones take the previous NCHW map as is.
      const x: Nchw =
        map ??
        Array.from({ length: c }, (_, ch) =>
          Array.from({ length: h }, (_, y) =>
            Array.from({ length: w }, (_, xx) => flat[(y * w + xx) * c + ch]!),
          ),
        );
      const zero = i === 0 ? BigInt(model.input.zeroPoint ?? 0) : 0n;
      map = directConv(layer, x, zero);
      flat = toNhwc(map);
    } else {
      flat = layer.weights.map((row, o) =>
        channelActivation(layer.activation, o)(row.reduce((s, wv, k) => s + BigInt(wv) * flat[k]!, 0n)),
      );
      map = null;
    }
    outs.push(flat);
  });
  return outs;
}

function inputsFor(dt: DataType, size: number, seed: number, count: number): bigint[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const lo = Number(minValue(dt));
  const hi = Number(maxValue(dt));
  return Array.from({ length: count }, () =>
    Array.from({ length: size }, () =>
      dt.kind === "BIPOLAR" ? (next() < 0.5 ? -1n : 1n) : BigInt(lo + Math.floor(next() * (hi - lo + 1))),
    ),
  );
}

const inputSizeOf = (m: Model) => m.input.shape.reduce((a, b) => a * b, 1);

describe("conv networks: float model = streamlined golden = integer inference = direct convolution", () => {
  it("agree on every layer and prediction for random networks and inputs", () => {
    fc.assert(
      fc.property(convNetworkArb, fc.nat(), (json, seed) => {
        const model = parseModel(json);
        const streamlined = streamlineModel(model);
        const inputs = inputsFor(layerInputDatatypes(model)[0]!, inputSizeOf(model), seed, 4);
        const golden = runGolden(streamlined, inputs);
        const ints = inferInteger(model, inputs.flat().map(Number), inputs.length);
        const last = model.layers[model.layers.length - 1]!;
        const slast = streamlined.layers[streamlined.layers.length - 1]!.activation;
        inputs.forEach((x, n) => {
          const direct = directModel(model, x);
          const float = runFloatModel(model, x);
          const layers = runGoldenLayers(streamlined, x);
          expect(float.layers).toEqual(direct);
          expect(ints.scores[n]).toEqual(direct[direct.length - 1]!.map(Number));
          if (slast.kind === "none" && last.activation.kind === "none") {
            // Streamlining negates a final layer with a negative scale: its real scores agree.
            const scores = layers
              .pop()!
              .map((v, k) => Number(v) * channelValue(slast.scale, k % matrixHeight(last)) + 0);
            expect(scores).toEqual(float.scores.map((v) => v + 0));
            direct.pop();
          }
          expect(layers).toEqual(direct.slice(0, layers.length));
          expect(golden.predictions[n]).toBe(float.prediction);
          expect(ints.predictions[n]).toBe(float.prediction);
        });
      }),
      { numRuns: 150 },
    );
  });
});
