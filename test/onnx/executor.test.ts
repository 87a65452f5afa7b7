// Op semantics of the reference executor on hand-computed values (QONNX / ONNX docs).
import { describe, expect, it } from "vitest";
import { roundHalfEven } from "../../src/model/golden/rounding.js";
import type { OnnxNode } from "../../src/onnx/graph.js";
import { runNode } from "../../src/onnx/ops.js";
import type { Tensor } from "../../src/onnx/tensor.js";

const t = (dims: number[], data: number[]): Tensor => ({ dims, data: Float64Array.from(data) });
const node = (opType: string, attributes: OnnxNode["attributes"] = {}): OnnxNode => ({
  index: 0,
  name: "n",
  opType,
  domain: "",
  inputs: [],
  outputs: ["y"],
  attributes,
});
const quant = (x: number[], s: number, z: number, bits: number, attrs: OnnxNode["attributes"]) =>
  Array.from(runNode(node("Quant", attrs), [t([x.length], x), t([], [s]), t([], [z]), t([], [bits])]).data);

describe("executor ops", () => {
  it("rounds half to even like numpy", () => {
    expect([0.5, 1.5, 2.5, -0.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, -0, -2, -2]);
  });

  it("Quant: rounding modes, clamping, narrow, unsigned, zero point, 1-bit bipolar", () => {
    const x = [-3.5, -1.25, 0.5, 1.5, 2.5, 100];
    expect(quant(x, 1, 0, 4, { signed: 1, rounding_mode: "ROUND" })).toEqual([-4, -1, 0, 2, 2, 7]);
    expect(quant(x, 1, 0, 4, { signed: 1, rounding_mode: "CEIL" })).toEqual([-3, -1, 1, 2, 3, 7]);
    expect(quant(x, 1, 0, 4, { signed: 1, rounding_mode: "FLOOR" })).toEqual([-4, -2, 0, 1, 2, 7]);
    expect(quant(x, 1, 0, 4, { signed: 1, rounding_mode: "ROUND_TO_ZERO" })).toEqual([-3, -1, 0, 1, 2, 7]);
    expect(quant([-200, 200], 1, 0, 8, { signed: 1, narrow: 1 })).toEqual([-127, 127]);
    expect(quant([-5, 300], 1, 0, 8, { signed: 0 })).toEqual([0, 255]);
    expect(quant([-5, 300], 1, 0, 8, { signed: 0, narrow: 1 })).toEqual([0, 254]);
    expect(quant([0.3, 0.6], 0.5, 2, 3, { signed: 0 })).toEqual([0.5, 0.5]);
    expect(quant([-0.1, 0, 7], 2, 0, 1, { signed: 1 })).toEqual([-2, 2, 2]);
  });

  it("BipolarQuant(0) = +scale; MultiThreshold counts x ≥ T with out_scale/out_bias", () => {
    expect(Array.from(runNode(node("BipolarQuant"), [t([3], [-1, 0, 1]), t([], [0.5])]).data)).toEqual([
      -0.5, 0.5, 0.5,
    ]);
    const y = runNode(node("MultiThreshold", { out_scale: 2, out_bias: -1 }), [
      t([1, 2], [0, 1]),
      t([2, 1], [0, 2]),
    ]);
    expect(Array.from(y.data)).toEqual([1, -1]);
  });

  it("Gemm with transB, alpha, beta; MVAU popcount and BIPOLAR output", () => {
    const g = runNode(node("Gemm", { transB: 1, alpha: 2, beta: 0.5 }), [
      t([1, 2], [1, 2]),
      t([2, 2], [1, 0, 0, 1]),
      t([2], [2, 4]),
    ]);
    expect(Array.from(g.data)).toEqual([3, 6]);
    const mv = node("MVAU_hls", { binaryXnorMode: 1, noActivation: 1 });
    // x = (1,0,1) → ±1 (1,−1,1); w columns (1,1,1) and (0,0,1) → popcounts 2 and 2.
    expect(Array.from(runNode(mv, [t([1, 3], [1, 0, 1]), t([3, 2], [1, 0, 1, 0, 1, 1])]).data)).toEqual([
      2, 2,
    ]);
    const act = node("MVAU_hls", { outputDataType: "BIPOLAR" });
    expect(Array.from(runNode(act, [t([1, 2], [1, -1]), t([2, 1], [1, 1]), t([1, 1], [0])]).data)).toEqual([
      1,
    ]);
  });

  it("BatchNormalization, Trunc, Sign, Reshape, Transpose, Flatten", () => {
    const bn = runNode(node("BatchNormalization", { epsilon: 0 }), [
      t([1, 2], [3, 3]),
      t([2], [2, 1]),
      t([2], [1, 0]),
      t([2], [1, 3]),
      t([2], [4, 1]),
    ]);
    expect(Array.from(bn.data)).toEqual([3, 0]);
    const tr = runNode(node("Trunc", { rounding_mode: "FLOOR" }), [
      t([2], [13, -13]),
      t([], [1]),
      t([], [0]),
      t([], [8]),
      t([], [6]),
    ]);
    expect(Array.from(tr.data)).toEqual([3, -4]);
    expect(Array.from(runNode(node("Sign"), [t([3], [-2, 0, 5])]).data)).toEqual([-1, 0, 1]);
    expect(runNode(node("Reshape"), [t([1, 2, 3], [1, 2, 3, 4, 5, 6]), t([2], [1, -1])]).dims).toEqual([
      1, 6,
    ]);
    expect(Array.from(runNode(node("Transpose"), [t([2, 3], [1, 2, 3, 4, 5, 6])]).data)).toEqual([
      1, 4, 2, 5, 3, 6,
    ]);
    expect(runNode(node("Flatten"), [t([1, 2, 3], [1, 2, 3, 4, 5, 6])]).dims).toEqual([1, 6]);
  });

  it("names the node of an unsupported op and lists the supported ones", () => {
    expect(() => runNode(node("LSTM"), [])).toThrow(/node "n" \(LSTM\).*not supported; supported ops: Quant/);
  });
});
