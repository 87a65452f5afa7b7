import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isXnorLayer, rowAccumulatorRange } from "../../src/core/accumulator.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { floatActivationCode } from "../../src/model/golden/float-activation.js";
import { runFloatModel } from "../../src/model/golden/float-model.js";
import { multiThreshold } from "../../src/model/golden/multithreshold.js";
import { runGolden, runGoldenLayers } from "../../src/model/golden/run-golden.js";
import { matrixHeight, matrixWidth } from "../../src/model/layer-geometry.js";
import { layerInputDatatypes } from "../../src/model/layer-types.js";
import type { FloatActivation, Model } from "../../src/model/model-format.js";
import { loadModel, ModelError, parseModel } from "../../src/model/model-load.js";
import { channelValue, thresholdRow, weightMatrix } from "../../src/model/weights.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { floatModelArb, inputsArb } from "../model/arbitraries.js";

/** Checks streamlined vs float on the given inputs: every layer's codes and the prediction. */
function expectSameOutputs(model: Model, inputs: bigint[][]): void {
  const streamlined = streamlineModel(model);
  const golden = runGolden(streamlined, inputs);
  const last = streamlined.layers[streamlined.layers.length - 1]!.activation;
  inputs.forEach((x, n) => {
    const float = runFloatModel(model, x);
    const layers = runGoldenLayers(streamlined, x);
    if (last.kind === "none") {
      // A final "none" layer may have been negated: its real scores are what must agree.
      const scores = layers.pop()!.map((v, c) => Number(v) * channelValue(last.scale, c) + 0);
      expect(scores).toEqual(float.scores.map((v) => v + 0)); // + 0: −0 equals 0 here
      float.layers.pop();
    }
    expect(layers).toEqual(float.layers);
    expect(golden.predictions[n]).toBe(float.prediction);
  });
}

/** Every accumulator value of every channel of every float layer (when the range is small). */
function expectSameOnAllAccumulators(model: Model, maxSpan = 4000n): number {
  const streamlined = streamlineModel(model);
  const inTypes = layerInputDatatypes(model);
  let checked = 0;
  model.layers.forEach((layer, i) => {
    const act = layer.activation;
    const sl = streamlined.layers[i]!;
    const sact = sl.activation;
    if (act.kind !== "float" || sact.kind !== "thresholds") return;
    const outDt = parseDataType(sact.outDatatype);
    const wS = weightMatrix(sl);
    const wF = weightMatrix(layer);
    for (let c = 0; c < matrixHeight(layer); c++) {
      const flipped = wS[c]!.some((w, k) => w !== wF[c]![k]) || wS[c]!.every((w) => w === 0n);
      const { lo, hi } = rowAccumulatorRange(inTypes[i]!, wS[c]!);
      if (hi - lo > maxSpan) continue;
      const code = floatActivationCode(act, c);
      const T = thresholdRow(sact, c);
      for (let a = lo; a <= hi; a++) {
        // The float side sees the original row's accumulator: −a when the row was negated.
        const want = flipped && !wS[c]!.every((w) => w === 0n) ? code(-a) : code(a);
        expect(multiThreshold(a, T, sact.outBias, outDt)).toBe(BigInt(want));
        checked++;
      }
    }
  });
  return checked;
}

describe("streamlineModel", () => {
  it("gives the float model's per-layer codes and predictions on random networks and inputs", () => {
    fc.assert(
      fc.property(
        floatModelArb.chain((json) => {
          const model = parseModel(json);
          return fc.tuple(
            fc.constant(model),
            inputsArb(layerInputDatatypes(model)[0]!, matrixWidth(model.layers[0]!)),
          );
        }),
        ([model, inputs]) => expectSameOutputs(model, inputs),
      ),
      { numRuns: 300 },
    );
  });

  it("agrees with the float activation on every reachable accumulator value", () => {
    fc.assert(
      fc.property(floatModelArb, (json) => {
        expectSameOnAllAccumulators(parseModel(json));
      }),
      { numRuns: 150 },
    );
  });

  it("produces a model the loader accepts, with only thresholds/none activations", () => {
    fc.assert(
      fc.property(floatModelArb, (json) => {
        const s = streamlineModel(parseModel(json));
        const again = parseModel(JSON.parse(JSON.stringify(s)));
        expect(again.layers.every((l) => l.activation.kind !== "float")).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it("matches on accumulator values that land exactly on a rounding tie (y / qscale = n + 0.5)", () => {
    const dyadic = (maxExp: number) =>
      fc
        .tuple(fc.integer({ min: 1, max: 7 }), fc.integer({ min: 0, max: maxExp }), fc.boolean())
        .map(([k, e, neg]) => ((neg ? -1 : 1) * k) / 2 ** e);
    const tieArb = fc
      .record({
        weights: fc.array(fc.array(fc.integer({ min: -4, max: 3 }), { minLength: 3, maxLength: 3 }), {
          minLength: 2,
          maxLength: 2,
        }),
        scale: dyadic(3),
        qExp: fc.integer({ min: 0, max: 3 }),
        n: fc.integer({ min: -3, max: 3 }),
        accPick: fc.double({ min: 0, max: 1, noNaN: true }),
        bn: fc.option(fc.record({ mean: dyadic(2), gamma: dyadic(2), bias: dyadic(2) }), { nil: undefined }),
        signed: fc.boolean(),
        relu: fc.boolean(),
      })
      .map((p) => {
        const qscale = 2 ** -p.qExp;
        // Place channel 0's tie at an accumulator value inside its range.
        const row = p.weights[0]!.map(BigInt);
        const { lo, hi } = rowAccumulatorRange({ kind: "UINT", bits: 4 }, row);
        const acc0 = Number(lo) + Math.floor(p.accPick * Number(hi - lo));
        const target = (p.n + 0.5) * qscale;
        let bias: number;
        let batchnorm: FloatActivation["batchnorm"];
        if (p.bn) {
          bias = p.bn.bias;
          // variance 1, epsilon 0: sqrt(1) = 1 keeps every step exact in binary.
          const beta = target - (acc0 * p.scale + bias - p.bn.mean) * p.bn.gamma;
          batchnorm = { mean: p.bn.mean, variance: 1, gamma: p.bn.gamma, beta, epsilon: 0 };
        } else {
          bias = target - acc0 * p.scale;
        }
        const json = {
          format: "loom-qnn",
          version: 1,
          name: "tie",
          input: { shape: [3], datatype: "UINT4" },
          layers: [
            {
              name: "fc0",
              kind: "dense",
              inFeatures: 3,
              outFeatures: 2,
              weightDatatype: "INT3",
              weights: p.weights,
              activation: {
                kind: "float",
                scale: p.scale,
                bias,
                batchnorm,
                relu: p.relu,
                quant: { scale: qscale, bits: 4, signed: p.signed, rounding: "ROUND" },
              },
            },
          ],
        };
        return { model: parseModel(json), acc0: BigInt(acc0), target: target / qscale };
      });
    fc.assert(
      fc.property(tieArb, ({ model, acc0 }) => {
        const act = model.layers[0]!.activation as FloatActivation;
        // The tie really is exact in floating point at acc0 (unless ReLU clipped it).
        const p = act.batchnorm;
        let y = Number(acc0) * (act.scale as number) + (act.bias as number);
        if (p)
          y =
            ((y - (p.mean as number)) / Math.sqrt((p.variance as number) + p.epsilon)) * (p.gamma as number) +
            (p.beta as number);
        if (!act.relu || y >= 0) expect(Math.abs((y / act.quant.scale) % 1)).toBe(0.5);
        expect(expectSameOnAllAccumulators(model)).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });

  it("ties round half to even: 2.5 → 2 and 3.5 → 4, at the threshold itself", () => {
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "ties",
      input: { shape: [1], datatype: "UINT4" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 1,
          outFeatures: 1,
          weightDatatype: "UINT2",
          weights: [[1]],
          activation: { kind: "float", scale: 0.5, bias: 0, quant: { scale: 1, bits: 4, signed: false } },
        },
      ],
    });
    // acc = 5 → 2.5 → 2; acc = 7 → 3.5 → 4; acc = 6 → 3.
    const out = (x: bigint) => runGoldenLayers(streamlineModel(model), [x])[0]![0];
    expect([out(5n), out(6n), out(7n)]).toEqual([2n, 3n, 4n]);
  });

  it("negates falling rows and widens UINT weights to a signed type, noting it in meta", () => {
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "neg",
      input: { shape: [2], datatype: "UINT2" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 2,
          weightDatatype: "UINT2",
          weights: [
            [1, 3],
            [2, 0],
          ],
          activation: {
            kind: "float",
            scale: [-0.5, 1],
            bias: 4,
            quant: { scale: 1, bits: 3, signed: false },
          },
        },
      ],
    });
    const s = streamlineModel(model);
    expect(s.layers[0]!.weightDatatype).toBe("INT3");
    expect(s.layers[0]!.weights).toEqual([
      [-1, -3],
      [2, 0],
    ]);
    expect(JSON.stringify(s.meta)).toContain("widened");
    const inputs = [0n, 1n, 2n, 3n].flatMap((a) => [0n, 1n, 2n, 3n].map((b) => [a, b]));
    expectSameOutputs(model, inputs);
  });

  it("keeps INT weights that still fit after negation, and BIPOLAR (XNOR) layers stay XNOR", () => {
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "xnor",
      input: { shape: [3], datatype: "BIPOLAR" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 3,
          outFeatures: 2,
          weightDatatype: "BIPOLAR",
          weights: [
            [1, -1, 1],
            [-1, -1, 1],
          ],
          activation: { kind: "float", scale: -1, bias: 0.5, quant: { scale: 1, bits: 1, signed: true } },
        },
        {
          name: "fc1",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 2,
          weightDatatype: "INT3",
          weights: [
            [3, -3],
            [-1, 2],
          ],
          activation: { kind: "none", bias: [0, 1] },
        },
      ],
    });
    const s = streamlineModel(model);
    expect(s.layers[0]!.weightDatatype).toBe("BIPOLAR");
    expect(isXnorLayer(parseDataType(s.input.datatype), parseDataType(s.layers[0]!.weightDatatype))).toBe(
      true,
    );
    const act = s.layers[0]!.activation;
    expect(act.kind === "thresholds" && act.outDatatype).toBe("BIPOLAR");
    const inputs = [-1n, 1n].flatMap((a) => [-1n, 1n].flatMap((b) => [-1n, 1n].map((c) => [a, b, c])));
    expectSameOutputs(model, inputs);
  });

  it("turns a zero-slope channel into a constant (thresholds at lo or beyond hi)", () => {
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "zero",
      input: { shape: [2], datatype: "INT4" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 1,
          weightDatatype: "INT4",
          weights: [[3, -2]],
          activation: { kind: "float", scale: 0, bias: 2.2, quant: { scale: 1, bits: 3, signed: true } },
        },
      ],
    });
    const act = streamlineModel(model).layers[0]!.activation;
    expect(act.kind).toBe("thresholds");
    if (act.kind !== "thresholds") return;
    // Code 2 everywhere: outBias −4, six thresholds at lo, one beyond hi.
    const lo = -8 * 3 - 2 * 7;
    const hi = 7 * 3 + 2 * 8;
    expect(act.outBias).toBe(-4);
    expect(act.thresholds[0]).toEqual([lo, lo, lo, lo, lo, lo, hi + 1]);
  });

  it("negates a final 'none' layer with a common negative scale, and rejects differing scales under argmax", () => {
    const base = {
      format: "loom-qnn",
      version: 1,
      name: "none",
      input: { shape: [2], datatype: "UINT2" },
      layers: [
        {
          name: "out",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 2,
          weightDatatype: "INT2",
          weights: [
            [1, -2],
            [0, 1],
          ],
          activation: { kind: "none", bias: [3, -1], scale: -0.5 },
        },
      ],
    };
    const s = streamlineModel(parseModel(base));
    expect(s.layers[0]!.weights).toEqual([
      [-1, 2],
      [0, -1],
    ]);
    expect(s.layers[0]!.weightDatatype).toBe("INT3");
    const inputs = [0n, 1n, 2n, 3n].flatMap((a) => [0n, 1n, 2n, 3n].map((b) => [a, b]));
    expectSameOutputs(parseModel(base), inputs);
    const perChannel = structuredClone(base);
    (perChannel.layers[0]!.activation as { scale: unknown }).scale = [0.5, 0.25];
    expect(() => streamlineModel(parseModel(perChannel))).toThrow(ModelError);
    expect(() => streamlineModel(parseModel(perChannel))).toThrow(/argmax/);
  });

  it("does not modify its input", () => {
    fc.assert(
      fc.property(floatModelArb, (json) => {
        const m = parseModel(json);
        const before = JSON.stringify(m);
        streamlineModel(m);
        expect(JSON.stringify(m)).toBe(before);
      }),
      { numRuns: 30 },
    );
  });
});

describe("fixtures", () => {
  it("tiny-thresholds.json is tiny-float.json streamlined", () => {
    const path = (n: string) => new URL(`../fixtures/models/${n}`, import.meta.url).pathname;
    const s = streamlineModel(loadModel(path("tiny-float.json")));
    const t = loadModel(path("tiny-thresholds.json"));
    expect(t.layers).toEqual(s.layers);
  });
});
