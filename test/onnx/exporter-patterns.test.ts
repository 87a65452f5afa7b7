// One graph per exporter pattern not covered by the PyTorch fixtures, built with protobuf in the
// shape the exporter writes (node names, domains, opsets, attribute forms): Loom's integer model
// must reproduce the reference executor.
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { buildModel, type InitSpec, type NodeSpec, rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";

function agree(bytes: Uint8Array, draw: (r: () => number) => number[], samples = 40) {
  const { model, host } = importOnnx(bytes);
  const graph = readOnnx(bytes);
  const r = rng(5);
  let boundary = 0;
  for (let s = 0; s < samples; s++)
    if (expectSameOutputs(graph, model, host, draw(r)) === "boundary") boundary++;
  expect(boundary).toBe(0);
  return { model, host };
}

const ints = (r: () => number, n: number, lo: number, hi: number) =>
  Array.from({ length: n }, () => lo + Math.floor(r() * (hi - lo + 1)));

describe("exporter patterns built as the exporters write them", () => {
  it("FINN streamlined: MultiThreshold input, MatMul, Mul, BN between Unsqueeze/Squeeze, MultiThreshold, TopK", () => {
    const r = rng(1);
    const FINN = "finn.custom_op.general"; // no opset_import entry, as FINN writes it
    const [I, H, O] = [6, 4, 3];
    const nodes: NodeSpec[] = [
      {
        op: "MultiThreshold",
        name: "MultiThreshold_0",
        domain: FINN,
        inputs: ["global_in", "t0"],
        output: "m0",
        attrs: { out_dtype: "UINT2" },
      },
      { op: "MatMul", name: "MatMul_0", inputs: ["m0", "w0"], output: "mm0" },
      { op: "Mul", name: "Mul_0", inputs: ["mm0", "s0"], output: "mul0" },
      { op: "Unsqueeze", name: "Unsqueeze_0", inputs: ["mul0"], output: "u0", attrs: { axes: [2] } },
      {
        op: "BatchNormalization",
        name: "BatchNormalization_0",
        inputs: ["u0", "g", "b", "mu", "var"],
        output: "bn0",
        attrs: { epsilon: { float: 1e-4 } },
      },
      { op: "Squeeze", name: "Squeeze_0", inputs: ["bn0"], output: "sq0", attrs: { axes: [2] } },
      {
        op: "MultiThreshold",
        name: "MultiThreshold_1",
        domain: FINN,
        inputs: ["sq0", "t1"],
        output: "m1",
        attrs: { out_dtype: "UINT2", out_scale: { float: 1 }, out_bias: { float: -1 } },
      },
      { op: "MatMul", name: "MatMul_1", inputs: ["m1", "w1"], output: "mm1" },
      { op: "Mul", name: "Mul_1", inputs: ["mm1", "s1"], output: "scores" },
      {
        op: "TopK",
        name: "TopK_0",
        inputs: ["scores", "k"],
        output: "global_out",
        outputs: ["topk_values", "global_out"],
        attrs: { axis: -1, largest: 1, sorted: 1 },
      },
    ];
    const inits: Record<string, InitSpec> = {
      t0: { dims: [1, 3], data: [0.25, 0.5, 0.75] },
      w0: { dims: [I, H], data: ints(r, I * H, -1, 1) },
      s0: { dims: [1], data: [0.5] },
      g: { dims: [H], data: [1, -0.5, 2, 0.75] },
      b: { dims: [H], data: [0.1, -0.2, 0.3, 0] },
      mu: { dims: [H], data: [0, 0.5, -0.5, 1] },
      var: { dims: [H], data: [1, 2, 0.5, 1.5] },
      t1: { dims: [H, 3], data: [-1, 0, 1, -0.5, 0.25, 1, -2, 0, 2, -1, -0.5, 0] },
      w1: { dims: [H, O], data: ints(r, H * O, -1, 1) },
      s1: { dims: [], data: [0.25] },
      k: { dims: [1], data: [1], type: "int64" },
    };
    const bytes = buildModel({
      nodes,
      inits,
      input: { name: "global_in", dims: [1, I] },
      output: { name: "global_out", dims: [1, 1], int64: true },
      opset: 11,
      // FINN's annotations (INT8 on ternary weights) must not size the hardware.
      annotations: { m0: "UINT2", w0: "INT8", w1: "INT8", m1: "INT2" },
      producer: "FINN",
    });
    const { model, host } = agree(bytes, (r) => Array.from({ length: I }, () => Math.floor(r() * 5) / 4));
    expect(model.layers.map((l) => l.weightDatatype)).toEqual(["INT2", "INT2"]);
    expect(host.output.tail.map((s) => s.opType)).toEqual(["TopK"]);
    // A uniform output scale keeps the hardware arg-max, which is the TopK index.
    expect(model.output.argmax).toBe(true);
  });

  it("Brevitas: bipolar input mapped by Add/Div on the host, then Quant; BipolarQuant weights", () => {
    const r = rng(2);
    const Q = "onnx.brevitas";
    const quant2 = (name: string, input: string, scale: string, output: string): NodeSpec => ({
      op: "Quant",
      name,
      domain: Q,
      inputs: [input, scale, "zero", "bits2"],
      output,
      attrs: { signed: 0, narrow: 0, rounding_mode: "ROUND" },
    });
    const bytes = buildModel({
      nodes: [
        { op: "Add", name: "/Add", inputs: ["inp.1", "one"], output: "/Add_output_0" },
        { op: "Div", name: "/Div", inputs: ["/Add_output_0", "two"], output: "/Div_output_0" },
        quant2("/input_quant/Quant", "/Div_output_0", "s_in", "xq"),
        {
          op: "BipolarQuant",
          name: "/fc/weight_quant/BipolarQuant",
          domain: Q,
          inputs: ["fc.weight", "one"],
          output: "wq",
        },
        { op: "Gemm", name: "/fc/Gemm", inputs: ["xq", "wq"], output: "g", attrs: { transB: 1 } },
        { op: "Relu", name: "/act/Relu", inputs: ["g"], output: "gr" },
        quant2("/act/Quant", "gr", "s_act", "a"),
        { op: "Gemm", name: "/out/Gemm", inputs: ["a", "wq2", "bias2"], output: "y", attrs: { transB: 1 } },
      ],
      inits: {
        one: { dims: [], data: [1] },
        two: { dims: [], data: [2] },
        zero: { dims: [], data: [0] },
        bits2: { dims: [], data: [2] },
        s_in: { dims: [], data: [1 / 3] },
        s_act: { dims: [], data: [0.5] },
        "fc.weight": { dims: [5, 8], data: Array.from({ length: 40 }, () => r() - 0.5) },
        wq2: { dims: [2, 5], data: ints(r, 10, -2, 2) },
        bias2: { dims: [2], data: [0.5, -1] },
      },
      input: { name: "inp.1", dims: ["batch", 8] },
      output: { name: "y", dims: ["batch", 2] },
      opset: 13,
      producer: "pytorch",
    });
    const { host } = agree(bytes, (r) => Array.from({ length: 8 }, () => (r() < 0.5 ? -1 : 1)));
    expect(host.input.mode).toBe("graph");
    expect(host.input.steps.map((s) => s.opType)).toEqual(["Add", "Div", "Quant"]);
  });
});
