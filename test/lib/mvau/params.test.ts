// Parameter checks fail at elaboration with a sentence that says what would work, and the
// shape helper gives the compiler the widths it needs.
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { Thresholding } from "../../../src/lib/threshold/index.js";
import { BIPOLAR, INT, UINT } from "./random-layer.js";

const base: MvauParams = {
  mw: 16,
  mh: 6,
  simd: 4,
  pe: 2,
  inputType: UINT(8),
  weightType: INT(4),
  weights: Array.from({ length: 6 }, () => Array.from({ length: 16 }, () => 1)),
  activation: { kind: "none" },
};

describe("MVAU parameters", () => {
  it("lists the SIMD and PE values that would work", () => {
    expect(() => elaborate(Mvau, { ...base, simd: 3 })).toThrow(
      "SIMD=3 does not divide MW=16; SIMD must be one of 1, 2, 4, 8, 16",
    );
    expect(() => elaborate(Mvau, { ...base, pe: 4 })).toThrow(
      "PE=4 does not divide MH=6; PE must be one of 1, 2, 3, 6",
    );
  });

  it("rejects unsupported datatypes and misshapen weights", () => {
    expect(() => mvauShape({ ...base, inputType: UINT(33) })).toThrow(
      "input datatype UINT33 is not supported; use UINT1..UINT32",
    );
    expect(() => mvauShape({ ...base, weightType: INT(17) })).toThrow(
      "weight datatype INT17 is not supported; use UINT1..UINT16",
    );
    expect(() => elaborate(Mvau, { ...base, weights: base.weights.slice(1) })).toThrow(
      "weights have 5 rows; MH=6 rows",
    );
    expect(() =>
      elaborate(Mvau, { ...base, weights: [[9, ...base.weights[0]!.slice(1)], ...base.weights.slice(1)] }),
    ).toThrow("weight [0][0] = 9 does not fit INT4 (-8..7)");
  });

  it("rejects thresholds that do not fit the output or are not ascending", () => {
    const thr = (thresholds: number[][], outputType = UINT(2), outBias = 0) =>
      ({ ...base, activation: { kind: "thresholds", thresholds, outputType, outBias } }) as MvauParams;
    expect(() => mvauShape(thr([[1, 2, 3, 4]]))).toThrow("do not fit UINT2");
    expect(() => mvauShape(thr([[3, 1]]))).toThrow("not ascending at index 1 (3 then 1); sort it");
    expect(() => mvauShape(thr([[1], [2]]))).toThrow("give 6 (one per channel) or 1 (for every channel)");
    expect(() => mvauShape(thr([[1, 2]], BIPOLAR))).toThrow(
      "BIPOLAR output (2·count − 1) needs exactly 1 threshold",
    );
  });

  it("sizes the streams and the accumulator exactly from the weights", () => {
    const s = mvauShape(base);
    expect(s).toMatchObject({ sf: 4, nf: 3, inWidth: 32, cyclesPerVector: 12 });
    // 16 · 255 · 1 = 4080 → UINT12, exactly; worst case without weights is 16 · 255 · −8 → INT16.
    expect(s.accType).toEqual({ kind: "UINT", bits: 12 });
    expect(s.outWidth).toBe(2 * 12);
    const { weights: _unused, ...noWeights } = base;
    expect(mvauShape(noWeights).accType).toEqual({ kind: "INT", bits: 16 });
    const xnor = mvauShape({ ...base, inputType: BIPOLAR, weightType: BIPOLAR, weights: undefined });
    expect(xnor).toMatchObject({ xnor: true, accType: { kind: "UINT", bits: 5 }, inWidth: 4 });
  });

  it("checks the thresholding unit's channels and input type", () => {
    const p = { channels: 6, pe: 4, inputType: INT(8), thresholds: [[0]], outputType: UINT(1) };
    expect(() => elaborate(Thresholding, p)).toThrow(
      "PE=4 does not divide channels=6; PE must be one of 1, 2, 3, 6",
    );
    expect(() => elaborate(Thresholding, { ...p, pe: 2, inputType: BIPOLAR })).toThrow(
      "thresholding input datatype BIPOLAR is not supported",
    );
  });
});
