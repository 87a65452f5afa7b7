// Convolutional graphs imported as Loom conv layers: torch.onnx.export graphs with QONNX Quant
// nodes (test/fixtures/onnx/make-conv-fixtures.py) and the two QKeras QConv2D exports of the
// qonnx test suite. The imported model's golden output must equal the reference executor on
// random inputs; the executor itself is checked against onnxruntime-web on the same graphs.
// Refusals name the node and the reason.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { runGoldenLayers } from "../../src/model/golden/run-golden.js";
import type { ConvLayer } from "../../src/model/model-format.js";
import { parseModel } from "../../src/model/model-load.js";
import { quantizeInput } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { buildModel, type InitSpec, type NodeSpec, rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";
import { expectExecutorMatchesOrt } from "./helpers/ort-compare.js";

const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;

type Shape = Pick<ConvLayer, "inShape" | "kernel" | "stride" | "padding"> & { pool?: number[][] };
const pads = (top: number, bottom: number, left: number, right: number) => ({ top, bottom, left, right });

const TORCH: { file: string; layers: (Shape | "dense")[] }[] = [
  {
    // 3x3 pad 1 → BN → ReLU → Quant → MaxPool 2; 3x2 → MaxPool 3 stride 2; x.view → Gemm
    file: "torch_conv_bn_pool_dense_op13",
    layers: [
      {
        inShape: [14, 12, 2],
        kernel: [3, 3],
        stride: [1, 1],
        padding: pads(1, 1, 1, 1),
        pool: [
          [2, 2],
          [2, 2],
        ],
      },
      {
        inShape: [7, 6, 4],
        kernel: [3, 2],
        stride: [1, 1],
        padding: pads(0, 0, 0, 0),
        pool: [
          [3, 3],
          [2, 2],
        ],
      },
      "dense",
    ],
  },
  {
    // ZeroPad2d(0,1,0,1) on the host, then between layers folded into the second conv; Flatten → Gemm → Softmax
    file: "torch_conv_stride2_pad_op11",
    layers: [
      { inShape: [10, 9, 3], kernel: [3, 3], stride: [2, 2], padding: pads(0, 0, 0, 0) },
      { inShape: [4, 4, 4], kernel: [3, 3], stride: [2, 2], padding: pads(0, 1, 0, 1) },
      "dense",
    ],
  },
  {
    // 2x4 kernel, MaxPool before ReLU → Quant; output conv with auto_pad SAME_UPPER at stride 2 (NCHW out)
    file: "torch_conv_pool_before_relu_op13",
    layers: [
      {
        inShape: [9, 13, 1],
        kernel: [2, 4],
        stride: [1, 1],
        padding: pads(0, 0, 0, 0),
        pool: [
          [2, 2],
          [2, 2],
        ],
      },
      { inShape: [4, 5, 3], kernel: [3, 3], stride: [2, 2], padding: pads(0, 1, 1, 1) },
    ],
  },
  {
    // conv 3x3 stride 2 → BN → ReLU → Quant → GlobalAveragePool (16 pixels) → Flatten → Gemm:
    // the mean folds into the dense layer (its 5 columns repeated per pixel: 80 inputs)
    file: "torch_conv_global_average_op13",
    layers: [{ inShape: [9, 9, 2], kernel: [3, 3], stride: [2, 2], padding: pads(0, 0, 0, 0) }, "dense"],
  },
];

function shapeOf(l: ReturnType<typeof importOnnx>["model"]["layers"][number]): Shape | "dense" {
  if (l.kind === "dense") return "dense";
  const { inShape, kernel, stride, padding, pool } = l;
  return { inShape, kernel, stride, padding, ...(pool ? { pool: [pool.kernel, pool.stride] } : {}) };
}

/** Inputs across the 8-bit input quantizer's range and beyond (it saturates). */
const floatInput = (r: () => number, n: number) => Array.from({ length: n }, () => r() * 10 - 5);
/** QKeras graphs have no input quantizer: inputs on the default 16-bit fixed-point grid (step 2^-10). */
const fixedInput = (r: () => number, n: number) =>
  Array.from({ length: n }, () => Math.floor((r() * 15 - 7.5) * 1024) / 1024);

describe("convolutional graphs import and match the executor", () => {
  for (const f of TORCH) {
    it(`${f.file}: conv layers as expected, golden = executor on random inputs`, () => {
      const path = `${dir}${f.file}.onnx`;
      const { model, host } = importOnnx(path);
      parseModel(JSON.parse(JSON.stringify(model)), f.file);
      expect(model.layers.map(shapeOf)).toEqual(f.layers);
      const dense = model.layers.find((l) => l.kind === "dense");
      if (f.file.includes("global_average")) expect(dense).toMatchObject({ inFeatures: 4 * 4 * 5 });
      const graph = readOnnx(path);
      const n = host.input.shape.reduce((a, b) => a * b, 1);
      const r = rng(11);
      let boundary = 0;
      const hiddenCodes = new Set<bigint>();
      for (let s = 0; s < 25; s++) {
        const x = floatInput(r, n);
        if (expectSameOutputs(graph, model, host, x) === "boundary") boundary++;
        for (const c of runGoldenLayers(model, quantizeInput(host.input, x))[0]!) hiddenCodes.add(c);
      }
      expect(boundary).toBeLessThan(4);
      // The activations are not saturated: the first layer's 4-bit codes take many values.
      expect(hiddenCodes.size).toBeGreaterThan(6);
    });
  }

  for (const file of ["qkeras_qconv2d_0", "qkeras_qconv2d_5"]) {
    it(`${file}: channels-last input with Transposes, raw accumulators out in NHWC`, () => {
      const path = `${dir}${file}.onnx`;
      const { model, host } = importOnnx(path);
      expect(model.input.shape).toEqual([28, 28, 3]);
      expect(model.layers.map(shapeOf)).toEqual([
        { inShape: [28, 28, 3], kernel: [2, 2], stride: [2, 2], padding: pads(0, 0, 0, 0) },
      ]);
      expect(model.layers[0]!.activation.kind).toBe("none");
      expect(model.output.argmax).toBe(false);
      const graph = readOnnx(path);
      const r = rng(5);
      for (let s = 0; s < 3; s++) {
        expect(expectSameOutputs(graph, model, host, fixedInput(r, 28 * 28 * 3))).toBe("checked");
      }
    });
  }

  it("channels-last conv → conv → dense with Transposes around each conv (tf2onnx style) and NHWC flattening", () => {
    const q = "qonnx.custom_op.general";
    const r = rng(8);
    const codes = (n: number, scale: number) =>
      Array.from({ length: n }, () => Math.round(r() * 14 - 7) * scale);
    const quant = (x: string, s: string, bits: string, y: string, signed = 1): NodeSpec => ({
      op: "Quant",
      inputs: [x, s, "z", bits],
      output: y,
      domain: q,
      attrs: { signed },
    });
    const toNchw = { perm: [0, 3, 1, 2] };
    const toNhwc = { perm: [0, 2, 3, 1] };
    const g = buildModel({
      nodes: [
        quant("x", "s_in", "b8", "xq"),
        { op: "Transpose", inputs: ["xq"], output: "t0", attrs: toNchw },
        quant("w1", "s_w", "b8", "w1q"),
        quant("bias1", "s_w", "b8", "bias1q"),
        {
          op: "Conv",
          inputs: ["t0", "w1q", "bias1q"],
          output: "c1",
          attrs: { strides: [2, 2], auto_pad: "SAME_UPPER", kernel_shape: [3, 3] },
        },
        { op: "Transpose", inputs: ["c1"], output: "t1", attrs: toNhwc },
        { op: "Mul", inputs: ["t1", "perchannel"], output: "m1", name: "scale_nhwc" },
        { op: "Relu", inputs: ["m1"], output: "r1" },
        quant("r1", "s_act", "b4", "a1", 0),
        { op: "Transpose", inputs: ["a1"], output: "t2", attrs: toNchw },
        quant("w2", "s_w", "b8", "w2q"),
        { op: "Conv", inputs: ["t2", "w2q"], output: "c2", attrs: { kernel_shape: [2, 2] } },
        { op: "Transpose", inputs: ["c2"], output: "t3", attrs: toNhwc },
        { op: "Relu", inputs: ["t3"], output: "r2" },
        quant("r2", "s_act", "b4", "a2", 0),
        { op: "Reshape", inputs: ["a2", "flat"], output: "f" },
        quant("w3", "s_w", "b8", "w3q"),
        { op: "MatMul", inputs: ["f", "w3q"], output: "y" },
      ],
      inits: {
        s_in: { dims: [], data: [1 / 16] },
        s_w: { dims: [], data: [1 / 8] },
        s_act: { dims: [], data: [0.5] },
        z: { dims: [], data: [0] },
        b8: { dims: [], data: [8] },
        b4: { dims: [], data: [4] },
        w1: { dims: [3, 2, 3, 3], data: codes(54, 1 / 8) },
        bias1: { dims: [3], data: codes(3, 1 / 8) },
        perchannel: { dims: [3], data: [0.5, 1, 2] },
        w2: { dims: [4, 3, 2, 2], data: codes(48, 1 / 8) },
        flat: { dims: [2], data: [1, -1], type: "int64" },
        w3: { dims: [16, 5], data: codes(80, 1 / 8) },
      },
      input: { name: "x", dims: [1, 6, 6, 2] },
      output: { name: "y", dims: [1, 5] },
      domains: [{ domain: q, version: 1 }],
    });
    const { model, host } = importOnnx(g);
    expect(model.input.shape).toEqual([6, 6, 2]);
    expect(model.layers.map(shapeOf)).toEqual([
      { inShape: [6, 6, 2], kernel: [3, 3], stride: [2, 2], padding: pads(0, 1, 0, 1) },
      { inShape: [3, 3, 3], kernel: [2, 2], stride: [1, 1], padding: pads(0, 0, 0, 0) },
      "dense",
    ]);
    const graph = readOnnx(g);
    for (let s = 0; s < 40; s++) {
      expect(expectSameOutputs(graph, model, host, floatInput(r, 72))).toBe("checked");
    }
  });

  it("the executor agrees with onnxruntime-web on the torch conv fixtures (Quant lowered to standard ops)", async () => {
    // (The QKeras graphs hold double-typed Quant parameters, which the lowering does not convert;
    // their ops are plain Conv and Transpose, checked in conv-executor.test.ts.)
    let compared = 0;
    for (const { file } of TORCH) {
      const r = rng(23);
      const inputs = (n: number) => Array.from({ length: 5 }, () => floatInput(r, n));
      const bytes = readFileSync(`${dir}${file}.onnx`);
      compared += (await expectExecutorMatchesOrt(bytes, inputs, file, 4e-6)).compared;
    }
    expect(compared).toBeGreaterThan(12);
  });
});

/**
 * input [1, 2, 5, 5] → Quant (8-bit, or BipolarQuant) → Conv 3x3 (4-bit Quant weights) → the
 * `after` nodes on "c" → graph output "y" (the last node's output).
 */
function convGraph(opts: {
  after: NodeSpec[];
  conv?: Record<string, number | number[]>;
  bipolar?: boolean;
  out: number[];
  weightDims?: number[];
}) {
  const r = rng(3);
  const dims = opts.weightDims ?? [3, 2, 3, 3];
  const w = Array.from({ length: dims.reduce((a, b) => a * b, 1) }, () => Math.round(r() * 14 - 7) / 8);
  const inits: Record<string, InitSpec> = {
    w: { dims, data: w },
    ws: { dims: [], data: [0.125] },
    s: { dims: [], data: [0.05] },
    z: { dims: [], data: [0] },
    b8: { dims: [], data: [8] },
    b4: { dims: [], data: [4] },
    a: { dims: [], data: [0.25] },
    gamma: { dims: [3], data: [1, -1, 0.5] },
    beta: { dims: [3], data: [0, 0.1, 0] },
    mean: { dims: [3], data: [0, 0, 0] },
    var: { dims: [3], data: [1, 1, 1] },
  };
  const q = "qonnx.custom_op.general";
  const nodes: NodeSpec[] = [
    opts.bipolar
      ? { op: "BipolarQuant", inputs: ["x", "s"], output: "xq", domain: q }
      : { op: "Quant", inputs: ["x", "s", "z", "b8"], output: "xq", domain: q, attrs: { signed: 1 } },
    { op: "Quant", inputs: ["w", "ws", "z", "b4"], output: "wq", domain: q, attrs: { signed: 1 } },
    { op: "Conv", inputs: ["xq", "wq"], output: "c", name: "conv", attrs: { ...opts.conv } },
    ...opts.after,
  ];
  return buildModel({
    nodes,
    inits,
    input: { name: "x", dims: [1, 2, 5, 5] },
    output: { name: nodes[nodes.length - 1]!.output, dims: opts.out },
    domains: [{ domain: q, version: 1 }],
  });
}

const actQuant = (x: string, y: string): NodeSpec => ({
  op: "Quant",
  inputs: [x, "a", "z", "b4"],
  output: y,
  domain: "qonnx.custom_op.general",
  attrs: { signed: 0 },
});

describe("convolutional graphs Loom refuses, with the node and the reason", () => {
  it("a MaxPool before a batch norm with a negative gamma (max does not commute with it)", () => {
    const g = convGraph({
      after: [
        { op: "MaxPool", inputs: ["c"], output: "p", attrs: { kernel_shape: [3, 3] } },
        { op: "BatchNormalization", inputs: ["p", "gamma", "beta", "mean", "var"], output: "n", name: "bn" },
        actQuant("n", "y"),
      ],
      out: [1, 3, 1, 1],
    });
    expect(() => importOnnx(g)).toThrow(
      /node "bn" \(BatchNormalization\): follows a MaxPool but is not non-decreasing/,
    );
  });

  it("the same pool after the quantizer is fused", () => {
    const g = convGraph({
      after: [
        { op: "BatchNormalization", inputs: ["c", "gamma", "beta", "mean", "var"], output: "n", name: "bn" },
        actQuant("n", "q"),
        { op: "MaxPool", inputs: ["q"], output: "y", attrs: { kernel_shape: [3, 3] } },
      ],
      out: [1, 3, 1, 1],
    });
    const { model } = importOnnx(g);
    expect(model.layers[0]).toMatchObject({
      kind: "conv",
      pool: { kind: "max", kernel: [3, 3], stride: [1, 1] },
    });
  });

  it("zero padding on a bipolar input (no code for 0.0)", () => {
    const g = convGraph({
      bipolar: true,
      conv: { pads: [1, 1, 1, 1] },
      after: [actQuant("c", "y")],
      out: [1, 3, 5, 5],
    });
    expect(() => importOnnx(g)).toThrow(
      /node "conv" \(Conv\): zero padding needs an input code for 0\.0.*bipolar/,
    );
  });

  it("a max-pool with padding, a grouped conv, a dilated conv", () => {
    const padded = convGraph({
      after: [
        actQuant("c", "q"),
        {
          op: "MaxPool",
          inputs: ["q"],
          output: "y",
          name: "mp",
          attrs: { kernel_shape: [2, 2], pads: [1, 1, 1, 1] },
        },
      ],
      out: [1, 3, 4, 4],
    });
    expect(() => importOnnx(padded)).toThrow(/node "mp" \(MaxPool\): a max-pool with padding/);
    const dilated = convGraph({
      conv: { dilations: [2, 2] },
      after: [actQuant("c", "y")],
      out: [1, 3, 1, 1],
    });
    expect(() => importOnnx(dilated)).toThrow(/node "conv" \(Conv\): dilated convolution is not supported/);
    const grouped = convGraph({
      conv: { group: 2 },
      weightDims: [4, 1, 3, 3],
      after: [actQuant("c", "y")],
      out: [1, 4, 3, 3],
    });
    expect(() => importOnnx(grouped)).toThrow(
      /node "conv" \(Conv\): grouped or depthwise convolution \(group 2\)/,
    );
  });
});
