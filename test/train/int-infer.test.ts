// The trainer's integer inference must be the golden model: same scores, same predictions, on
// random models of every precision (1-bit signed activations, which QONNX treats as bipolar ±1,
// included) and on random streamlined threshold networks.

import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseDataType } from "../../src/core/datatypes.js";
import { runFloatModel, runGolden } from "../../src/model/golden/index.js";
import { matrixWidth } from "../../src/model/layer-geometry.js";
import type { Model } from "../../src/model/model-format.js";
import { parseModel } from "../../src/model/model-load.js";
import { inferInteger } from "../../src/train/int-infer.js";
import { floatModelArb, inputsArb } from "../model/arbitraries.js";
import { networkArbitrary } from "../support/random-network.js";

function inferAll(model: Model, inputs: readonly (readonly bigint[])[]) {
  return inferInteger(model, inputs.flat().map(Number), inputs.length);
}

describe("trainer integer inference = golden model", () => {
  it("agrees with the float golden model on random float models of every precision", () => {
    const arb = floatModelArb.chain((json) => {
      const model = parseModel(json);
      return inputsArb(parseDataType(model.input.datatype), matrixWidth(model.layers[0]!)).map((inputs) => ({
        model,
        inputs,
      }));
    });
    fc.assert(
      fc.property(arb, ({ model, inputs }) => {
        const mine = inferAll(model, inputs);
        inputs.forEach((x, n) => {
          const float = runFloatModel(model, x);
          expect(mine.scores[n]).toEqual(float.layers.at(-1)!.map(Number));
          // The arg-max of the real scores: a final "none" layer's scale may be negative.
          expect(mine.predictions[n]).toBe(float.prediction);
        });
      }),
      { numRuns: 300 },
    );
  });

  it("agrees with the integer golden model on random streamlined networks", () => {
    const arb = networkArbitrary().chain(({ model }) =>
      inputsArb(parseDataType(model.input.datatype), matrixWidth(model.layers[0]!)).map((inputs) => ({
        model,
        inputs,
      })),
    );
    fc.assert(
      fc.property(arb, ({ model, inputs }) => {
        const mine = inferAll(model, inputs);
        const golden = runGolden(model, inputs);
        expect(mine.scores).toEqual(golden.scores.map((s) => s.map(Number)));
        expect(mine.predictions).toEqual(golden.predictions);
      }),
      { numRuns: 100 },
    );
  });

  it("treats a 1-bit signed quantizer as bipolar ±1 (it used to clamp to [−1, 0])", () => {
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "one-weight",
      input: { shape: [1], datatype: "UINT8" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 1,
          outFeatures: 1,
          weightDatatype: "INT2",
          weights: [[1]],
          activation: {
            kind: "float",
            scale: 1,
            bias: -127.5,
            relu: false,
            quant: { scale: 1, bits: 1, signed: true, narrow: false, rounding: "ROUND" },
          },
        },
      ],
      output: { argmax: false },
    });
    const pixels = Array.from({ length: 256 }, (_, p) => p);
    const scores = inferInteger(model, pixels, 256).scores.map((s) => s[0]);
    expect(scores).toEqual(pixels.map((p) => (p >= 128 ? 1 : -1)));
  });

  it("keeps accumulators beyond 2^53 exact (BigInt products instead of doubles)", () => {
    // a·a − a·(a − 1) = a for a = 2^31 − 1, but in doubles both products round (to multiples
    // of 2^10) and the difference comes out as 2^31.
    const a = 2147483647;
    const model = parseModel({
      format: "loom-qnn",
      version: 1,
      name: "wide",
      input: { shape: [2], datatype: "INT32" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 2,
          weightDatatype: "INT32",
          weights: [
            [a, a],
            [1, 2],
          ],
          activation: { kind: "none", bias: [1, 0] },
        },
      ],
      output: { argmax: false },
    });
    expect(a * a - a * (a - 1)).toBe(2 ** 31);
    const x = [a, -(a - 1)];
    expect(runFloatModel(model, x.map(BigInt)).layers[0]).toEqual([
      BigInt(a) + 1n,
      BigInt(a) - 2n * BigInt(a - 1),
    ]);
    expect(inferInteger(model, x, 1).scores[0]).toEqual([a + 1, a - 2 * (a - 1)]);
  });
});
