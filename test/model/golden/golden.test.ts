import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { DataType } from "../../../src/core/datatypes.js";
import { argmax } from "../../../src/model/golden/argmax.js";
import { floatActivationCode } from "../../../src/model/golden/float-activation.js";
import { runFloatModel } from "../../../src/model/golden/float-model.js";
import { multiThreshold } from "../../../src/model/golden/multithreshold.js";
import { mvauGolden, xnorSum } from "../../../src/model/golden/mvau.js";
import { roundHalfEven } from "../../../src/model/golden/rounding.js";
import { runGolden } from "../../../src/model/golden/run-golden.js";
import type { FloatActivation } from "../../../src/model/model-format.js";
import { loadModel, ModelError } from "../../../src/model/model-load.js";
import { valueArb } from "../arbitraries.js";

const BIP: DataType = { kind: "BIPOLAR", bits: 1 };
const U2: DataType = { kind: "UINT", bits: 2 };
const I3: DataType = { kind: "INT", bits: 3 };
const fixture = (name: string) => new URL(`../../fixtures/models/${name}`, import.meta.url).pathname;

describe("mvauGolden", () => {
  it("computes plain dot products", () => {
    expect(
      mvauGolden(
        [1n, 2n, 3n],
        [
          [1n, -1n, 2n],
          [0n, 3n, -4n],
        ],
        U2,
        I3,
      ),
    ).toEqual([5n, -6n]);
  });

  it("returns the popcount for BIPOLAR × BIPOLAR, and the ±1 sum on request", () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 16 })
          .chain((n) =>
            fc.tuple(
              fc.array(valueArb(BIP), { minLength: n, maxLength: n }),
              fc.array(valueArb(BIP), { minLength: n, maxLength: n }),
            ),
          ),
        ([x, w]) => {
          const sum = x.reduce((s, xi, i) => s + xi * w[i]!, 0n);
          const [pop] = mvauGolden(x, [w], BIP, BIP);
          expect(pop).toBe(BigInt(x.filter((xi, i) => xi === w[i]).length));
          expect(xnorSum(pop!, x.length)).toBe(sum);
          expect(mvauGolden(x, [w], BIP, BIP, "sum")).toEqual([sum]);
        },
      ),
    );
  });

  it("rejects values outside their datatype and size mismatches", () => {
    expect(() => mvauGolden([4n], [[1n]], U2, I3)).toThrow(/input\[0\] = 4 does not fit UINT2/);
    expect(() => mvauGolden([1n], [[4n]], U2, I3)).toThrow(/weights\[0\]\[0\] = 4 does not fit INT3/);
    expect(() => mvauGolden([1n, 1n], [[1n]], U2, I3)).toThrow(/weights\[0\] has 1 values, inputs have 2/);
  });
});

describe("multiThreshold", () => {
  it("counts thresholds with ≥ and adds outBias; BIPOLAR is 2·count − 1", () => {
    const T = [-2n, 0n, 3n];
    expect([-3n, -2n, 0n, 2n, 3n].map((a) => multiThreshold(a, T, -2, { kind: "INT", bits: 2 }))).toEqual([
      -2n,
      -1n,
      0n,
      0n,
      1n,
    ]);
    expect(multiThreshold(4n, [5n], 0, BIP)).toBe(-1n);
    expect(multiThreshold(5n, [5n], 0, BIP)).toBe(1n);
  });
});

describe("rounding and float activation", () => {
  it("rounds half to even", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 2.4999, 2.5001].map(roundHalfEven)).toEqual([
      0, 2, 2, -0, -2, -2, 2, 3,
    ]);
  });

  it("evaluates scale, bias, batch-norm, ReLU and the quantizer in order", () => {
    const act: FloatActivation = {
      kind: "float",
      scale: 0.5,
      bias: 1,
      batchnorm: { mean: 1, variance: 4, gamma: 2, beta: 0.5, epsilon: 0 },
      relu: true,
      quant: { scale: 0.5, bits: 3, signed: true, narrow: true, rounding: "ROUND" },
    };
    const code = floatActivationCode(act, 0);
    // acc 3: 1.5 + 1 = 2.5 → (2.5 − 1)/2·2 + 0.5 = 2 → /0.5 = 4 → clamp 3.
    expect(code(3n)).toBe(3);
    // acc −10: −4 → relu 0 → 0.
    expect(code(-10n)).toBe(0);
    // acc 1: 1.5 → 0.5 + 0.5 = 1 → 2.
    expect(code(1n)).toBe(2);
    const bip = floatActivationCode(
      { ...act, relu: false, batchnorm: undefined, quant: { ...act.quant, bits: 1 } },
      0,
    );
    expect([bip(-3n), bip(-2n), bip(0n)]).toEqual([-1, 1, 1]);
  });
});

describe("runGolden / runFloatModel", () => {
  it("agree on the tiny fixtures", () => {
    const float = loadModel(fixture("tiny-float.json"));
    const thr = loadModel(fixture("tiny-thresholds.json"));
    const inputs = fc.sample(
      fc.array(valueArb({ kind: "UINT", bits: 8 }), { minLength: 16, maxLength: 16 }),
      {
        numRuns: 200,
        seed: 7,
      },
    );
    const g = runGolden(thr, inputs);
    inputs.forEach((x, n) => {
      expect(g.predictions[n]).toBe(runFloatModel(float, x).prediction);
    });
    expect(g.scores[0]!.length).toBe(2);
  });

  it("arg-max ties pick the lowest index", () => {
    expect(argmax([3n, 7n, 7n, 1n])).toBe(1);
    expect(argmax([0, 0])).toBe(0);
  });

  it("refuses float layers with a clear message", () => {
    const float = loadModel(fixture("tiny-float.json"));
    expect(() => runGolden(float, [[...Array(16)].map(() => 0n)])).toThrow(ModelError);
    expect(() => runGolden(float, [[...Array(16)].map(() => 0n)])).toThrow(/streamline the model first/);
  });

  it("rejects inputs of the wrong length", () => {
    const thr = loadModel(fixture("tiny-thresholds.json"));
    expect(() => runGolden(thr, [[1n, 2n]])).toThrow(/input has 2 values, expected 16/);
  });
});
