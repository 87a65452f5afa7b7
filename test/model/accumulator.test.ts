import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  accumulatorType,
  exactAccumulatorRange,
  popcountToSum,
  rowAccumulatorRange,
  sumToPopcount,
  thresholdPopcountToSum,
  thresholdSumToPopcount,
  worstCaseAccumulatorRange,
} from "../../src/core/accumulator.js";
import { type DataType, dataTypeName } from "../../src/core/datatypes.js";
import { layerAccumulator } from "../../src/model/layer-accumulator.js";
import { layerInputDatatypes, quantCodeRange, quantDatatype } from "../../src/model/layer-types.js";
import { loadModel } from "../../src/model/model-load.js";
import { dataTypeArb, valueArb } from "./arbitraries.js";

const U8: DataType = { kind: "UINT", bits: 8 };
const I4: DataType = { kind: "INT", bits: 4 };
const BIP: DataType = { kind: "BIPOLAR", bits: 1 };

describe("accumulator ranges", () => {
  it("row range is the sum of per-weight extremes", () => {
    expect(rowAccumulatorRange(U8, [2n, -3n, 0n])).toEqual({ lo: -765n, hi: 510n });
    expect(rowAccumulatorRange(I4, [2n, -3n])).toEqual({ lo: -37n, hi: 38n });
    expect(rowAccumulatorRange(BIP, [1n, -1n, 1n])).toEqual({ lo: -3n, hi: 3n });
  });

  it("every dot product lies in the exact range, which lies in the worst case", () => {
    const arb = fc
      .tuple(dataTypeArb, dataTypeArb, fc.integer({ min: 1, max: 6 }))
      .chain(([inDt, wDt, n]) =>
        fc.tuple(
          fc.constant(inDt),
          fc.constant(wDt),
          fc.array(valueArb(wDt), { minLength: n, maxLength: n }),
          fc.array(valueArb(inDt), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(arb, ([inDt, wDt, w, x]) => {
        const r = exactAccumulatorRange(inDt, [w]);
        const acc = w.reduce((s, wi, i) => s + wi * x[i]!, 0n);
        expect(acc >= r.lo && acc <= r.hi).toBe(true);
        const wc = worstCaseAccumulatorRange(inDt, wDt, w.length);
        expect(wc.lo <= r.lo && r.hi <= wc.hi).toBe(true);
      }),
    );
  });

  it("accumulatorType is the smallest type for the range and the thresholds", () => {
    expect(dataTypeName(accumulatorType({ lo: 0n, hi: 255n }))).toBe("UINT8");
    expect(dataTypeName(accumulatorType({ lo: 0n, hi: 255n }, [[256n]]))).toBe("UINT9");
    expect(dataTypeName(accumulatorType({ lo: -765n, hi: 510n }))).toBe("INT11");
    expect(dataTypeName(worstCaseType(U8, I4, 16))).toBe("INT16"); // 16 · [−2040, 1785]
  });
});

function worstCaseType(inDt: DataType, wDt: DataType, mw: number): DataType {
  return accumulatorType(worstCaseAccumulatorRange(inDt, wDt, mw));
}

describe("XNOR popcount form", () => {
  it("sum = 2·pop − MW and back", () => {
    expect(popcountToSum(5n, 8)).toBe(2n);
    expect(sumToPopcount(2n, 8)).toBe(5n);
    expect(() => sumToPopcount(3n, 8)).toThrow(/parity/);
  });

  it("a threshold converted to popcount form decides every popcount the same way", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: -50, max: 50 }), (mw, t) => {
        const T = BigInt(t);
        const P = thresholdSumToPopcount(T, mw);
        expect(P >= 0n && P <= BigInt(mw) + 1n).toBe(true);
        for (let pop = 0n; pop <= BigInt(mw); pop++) {
          expect(pop >= P).toBe(popcountToSum(pop, mw) >= T);
        }
        // And back: the popcount threshold as a sum threshold decides the same.
        const T2 = thresholdPopcountToSum(P, mw);
        for (let pop = 0n; pop <= BigInt(mw); pop++) expect(popcountToSum(pop, mw) >= T2).toBe(pop >= P);
      }),
    );
  });
});

describe("layer datatypes", () => {
  it("derives input datatypes from quantizers and thresholds", () => {
    const m = loadModel(new URL("../fixtures/models/tiny-float.json", import.meta.url).pathname);
    expect(layerInputDatatypes(m).map(dataTypeName)).toEqual(["UINT8", "UINT4"]);
    expect(
      dataTypeName(quantDatatype({ scale: 1, bits: 1, signed: true, narrow: false, rounding: "ROUND" })),
    ).toBe("BIPOLAR");
    expect(
      dataTypeName(quantDatatype({ scale: 1, bits: 1, signed: false, narrow: false, rounding: "ROUND" })),
    ).toBe("BINARY");
    expect(quantCodeRange({ bits: 8, signed: true, narrow: true })).toEqual({
      min: -127,
      max: 127,
    });
    expect(quantCodeRange({ bits: 8, signed: false, narrow: true })).toEqual({
      min: 0,
      max: 254,
    });
  });

  it("layerAccumulator sizes the fixture's layers and XNOR layers in popcount form", () => {
    const m = loadModel(new URL("../fixtures/models/tiny-thresholds.json", import.meta.url).pathname);
    const a0 = layerAccumulator(m, 0);
    expect(a0.xnor).toBe(false);
    expect(a0.type.bits).toBeGreaterThanOrEqual(11);
    const x = loadModel({
      format: "loom-qnn",
      version: 1,
      name: "x",
      input: { shape: [6], datatype: "BIPOLAR" },
      layers: [
        {
          name: "l",
          kind: "dense",
          inFeatures: 6,
          outFeatures: 1,
          weightDatatype: "BIPOLAR",
          weights: [[1, 1, -1, 1, -1, 1]],
          activation: { kind: "thresholds", outDatatype: "BIPOLAR", thresholds: [[0]] },
        },
      ],
    });
    const ax = layerAccumulator(x, 0);
    expect(ax.xnor).toBe(true);
    expect(ax.exact).toEqual({ lo: 0n, hi: 6n });
    expect(ax.exactSum).toEqual({ lo: -6n, hi: 6n });
    expect(dataTypeName(ax.type)).toBe("UINT3");
  });
});
