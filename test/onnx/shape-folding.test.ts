// Shape arithmetic and constant arithmetic of every kind issue 15 lists, in one graph written the
// way dynamic-batch exports write it (symbolic batch, opset 13 axes as inputs): the flatten target
// computed from Shape/Size/Gather/Range/Div/Mul/Cast/Unsqueeze/Concat and PyTorch's
// Equal/Where/ConstantOfShape/Expand guard, weight and input scales computed with
// Pow/Reciprocal/Sqrt/Neg. It must fold to constants, import, reproduce the executor, and the
// executor must agree with onnxruntime-web on it.
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { buildModel, type NodeSpec, rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";
import { expectExecutorMatchesOrt } from "./helpers/ort-compare.js";

const Q = "qonnx.custom_op.general";
const INT64 = 7;

function shapeArithmeticGraph(): Uint8Array {
  const r = rng(3);
  const quant = (name: string, x: string, s: string, bits: string, out: string, signed = 1): NodeSpec => ({
    op: "Quant",
    name,
    domain: Q,
    inputs: [x, s, "zero", bits],
    output: out,
    attrs: { signed, narrow: 0, rounding_mode: "ROUND" },
  });
  const nodes: NodeSpec[] = [
    // Input scale 0.25 = Sqrt(0.0625); weight scale 1/8 = Reciprocal(Pow(2, 3)); Neg(Neg(…)).
    { op: "Sqrt", name: "/Sqrt", inputs: ["sixteenth"], output: "s_in" },
    { op: "Pow", name: "/Pow", inputs: ["two", "three"], output: "eight" },
    { op: "Reciprocal", name: "/Reciprocal", inputs: ["eight"], output: "s_w_neg" },
    { op: "Neg", name: "/Neg", inputs: ["s_w_neg"], output: "s_w_pos" },
    { op: "Neg", name: "/Neg_1", inputs: ["s_w_pos"], output: "s_w" },
    quant("/input_quant/Quant", "x", "s_in", "bits6", "xq"),
    // target = [N, Size(x) / N, …] guarded by Where(Equal(t, 0), 1, t) as PyTorch writes it.
    { op: "Shape", name: "/Shape", inputs: ["xq"], output: "shape" },
    { op: "Gather", name: "/Gather", inputs: ["shape", "i0"], output: "n", attrs: { axis: 0 } },
    { op: "Size", name: "/Size", inputs: ["xq"], output: "size" },
    { op: "Div", name: "/Div", inputs: ["size", "n"], output: "feat_div" },
    { op: "Range", name: "/Range", inputs: ["i1", "i3", "i1"], output: "axes12" },
    { op: "Gather", name: "/Gather_1", inputs: ["shape", "axes12"], output: "dims12", attrs: { axis: 0 } },
    { op: "Gather", name: "/Gather_2", inputs: ["dims12", "i0"], output: "d1", attrs: { axis: 0 } },
    { op: "Gather", name: "/Gather_3", inputs: ["dims12", "i1"], output: "d2", attrs: { axis: 0 } },
    { op: "Mul", name: "/Mul", inputs: ["d1", "d2"], output: "feat_mul" },
    { op: "Equal", name: "/Equal_0", inputs: ["feat_div", "feat_mul"], output: "same" },
    { op: "Where", name: "/Where_0", inputs: ["same", "feat_mul", "i0"], output: "feat" },
    { op: "Cast", name: "/Cast", inputs: ["feat"], output: "feat64", attrs: { to: INT64 } },
    { op: "Unsqueeze", name: "/Unsqueeze", inputs: ["n", "axis0"], output: "n1" },
    { op: "Unsqueeze", name: "/Unsqueeze_1", inputs: ["feat64", "axis0"], output: "f1" },
    { op: "Concat", name: "/Concat", inputs: ["n1", "f1"], output: "target", attrs: { axis: 0 } },
    { op: "Shape", name: "/Shape_1", inputs: ["target"], output: "tshape" },
    {
      op: "ConstantOfShape",
      name: "/ConstantOfShape",
      inputs: ["tshape"],
      output: "ones",
      attrs: { value: { tensor: { dims: [1], data: [1], type: "int64" } } },
    },
    { op: "Expand", name: "/Expand", inputs: ["i1", "tshape"], output: "ones_e" },
    { op: "Mul", name: "/Mul_1", inputs: ["ones", "ones_e"], output: "ones2" },
    { op: "Equal", name: "/Equal", inputs: ["target", "i0"], output: "is0" },
    { op: "Where", name: "/Where", inputs: ["is0", "ones2", "target"], output: "target2" },
    { op: "Reshape", name: "/Reshape", inputs: ["xq", "target2"], output: "flat" },
    quant("/fc1/weight_quant/Quant", "fc1.weight", "s_w", "bits4", "w1q"),
    { op: "Gemm", name: "/fc1/Gemm", inputs: ["flat", "w1q", "fc1.bias"], output: "h", attrs: { transB: 1 } },
    { op: "Relu", name: "/act/Relu", inputs: ["h"], output: "hr" },
    quant("/act/Quant", "hr", "s_act", "bits3", "a", 0),
    quant("/fc2/weight_quant/Quant", "fc2.weight", "s_w", "bits4", "w2q"),
    { op: "Gemm", name: "/fc2/Gemm", inputs: ["a", "w2q"], output: "logits", attrs: { transB: 1 } },
    { op: "Softmax", name: "/Softmax", inputs: ["logits"], output: "probs", attrs: { axis: -1 } },
  ];
  const i64 = (v: number[], dims: number[] = []) => ({ dims, data: v, type: "int64" as const });
  return buildModel({
    nodes,
    inits: {
      sixteenth: { dims: [], data: [0.0625] },
      two: { dims: [], data: [2] },
      three: { dims: [], data: [3] },
      zero: { dims: [], data: [0] },
      bits6: { dims: [], data: [6] },
      bits4: { dims: [], data: [4] },
      bits3: { dims: [], data: [3] },
      s_act: { dims: [], data: [0.5] },
      i0: i64([0]),
      i1: i64([1]),
      i3: i64([3]),
      axis0: i64([0], [1]),
      "fc1.weight": { dims: [5, 8], data: Array.from({ length: 40 }, () => (r() - 0.5) * 1.5) },
      "fc1.bias": { dims: [5], data: Array.from({ length: 5 }, () => Math.round((r() - 0.5) * 16) / 16) },
      "fc2.weight": { dims: [3, 5], data: Array.from({ length: 15 }, () => (r() - 0.5) * 1.5) },
    },
    input: { name: "x", dims: ["batch_size", 2, 4] },
    output: { name: "probs", dims: ["batch_size", 3] },
    opset: 13,
    domains: [{ domain: Q, version: 1 }],
    producer: "pytorch",
  });
}

describe("shape and constant arithmetic folds to constants", () => {
  const bytes = shapeArithmeticGraph();
  const draw = (r: () => number, n: number) =>
    Array.from({ length: n }, () => Math.round((r() * 12 - 6) * 64) / 64);

  it("imports as a two-layer chain and reproduces the executor", () => {
    const { model, host } = importOnnx(bytes);
    expect(model.layers.map((l) => [l.kind, l.activation.kind])).toEqual([
      ["dense", "thresholds"],
      ["dense", "none"],
    ]);
    expect(host.input.steps.map((s) => s.opType)).toEqual(["Quant", "Reshape"]);
    expect(host.output.tail.map((s) => s.opType)).toEqual(["Softmax"]);
    const graph = readOnnx(bytes);
    const r = rng(9);
    let boundary = 0;
    for (let s = 0; s < 60; s++)
      if (expectSameOutputs(graph, model, host, draw(r, 8)) === "boundary") boundary++;
    expect(boundary).toBe(0);
  });

  it("the executor agrees with onnxruntime-web on it (Quant lowered to standard ops)", async () => {
    const r = rng(13);
    const { compared } = await expectExecutorMatchesOrt(
      bytes,
      (n) => Array.from({ length: 20 }, () => draw(r, n)),
      "shape arithmetic",
    );
    expect(compared).toBe(20);
  });
});
