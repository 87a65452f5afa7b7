// Small QONNX/FINN graphs built in the test, one per supported pattern: the imported Loom model
// (golden) must reproduce the executor on random inputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/model/model-load.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { type Attr, buildModel, type InitSpec, type NodeSpec, rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";

const Q = "qonnx.custom_op.general";

function check(bytes: Uint8Array, n: number, input: fc.Arbitrary<number>, runs = 60) {
  const { model, host } = importOnnx(bytes);
  parseModel(JSON.parse(JSON.stringify(model)));
  const graph = readOnnx(bytes);
  let boundary = 0;
  fc.assert(
    fc.property(fc.array(input, { minLength: n, maxLength: n }), (x) => {
      if (expectSameOutputs(graph, model, host, x) === "boundary") boundary++;
    }),
    { numRuns: runs, seed: 7 },
  );
  // Inputs are drawn on power-of-two grids: float32 decides like float64 on all of them.
  expect(boundary).toBe(0);
  return model;
}

const grid = (step: number, lo: number, hi: number) =>
  fc.integer({ min: lo / step, max: hi / step }).map((k) => k * step);

function randomMatrix(r: () => number, rows: number, cols: number, lo: number, hi: number): number[] {
  return Array.from({ length: rows * cols }, () => lo + Math.floor(r() * (hi - lo + 1)));
}

interface MlpOptions {
  inSigned: 0 | 1;
  inNarrow?: 0 | 1;
  inRounding: string;
  actSigned: 0 | 1;
  actBits: number;
  actZero?: number;
  actRounding: string;
  perChannelWeights: boolean;
  batchNorm?: boolean;
  negativeGamma?: boolean;
  gemm?: boolean;
}

/** x → Quant → MatMul/Gemm(Quant W) → +b → [BN] → Relu → Quant → MatMul(Quant W2) → Mul → y. */
function qonnxMlp(o: MlpOptions, seed: number): Uint8Array {
  const r = rng(seed);
  const [I, H, O] = [6, 5, 3];
  const wScale = o.perChannelWeights ? Array.from({ length: H }, (_, c) => 2 ** -(c % 3)) : [0.25];
  const inits: Record<string, InitSpec> = {
    s_in: { dims: [], data: [0.125] },
    z0: { dims: [], data: [0] },
    b_in: { dims: [], data: [6] },
    w1: {
      dims: o.gemm ? [H, I] : [I, H],
      data: randomMatrix(r, I, H, -7, 7).map(
        (v, i) => v * wScale[o.gemm ? Math.floor(i / I) % wScale.length : (i % H) % wScale.length]!,
      ),
    },
    s_w1: { dims: o.perChannelWeights ? (o.gemm ? [H, 1] : [1, H]) : [], data: wScale },
    b_w: { dims: [], data: [4] },
    bias: { dims: [H], data: Array.from({ length: H }, () => Math.round(r() * 8 - 4) / 32) },
    s_act: { dims: [], data: [0.3] },
    z_act: { dims: [], data: [o.actZero ?? 0] },
    b_act: { dims: [], data: [o.actBits] },
    w2: { dims: [H, O], data: randomMatrix(r, H, O, -3, 3) },
    s_w2: { dims: [], data: [0.5] },
    out_scale: { dims: [], data: [0.7] },
    gamma: {
      dims: [H],
      data: Array.from({ length: H }, (_, c) => (o.negativeGamma && c % 2 ? -1 : 1) * (0.5 + r())),
    },
    beta: { dims: [H], data: Array.from({ length: H }, () => r() - 0.5) },
    mean: { dims: [H], data: Array.from({ length: H }, () => r() - 0.5) },
    var: { dims: [H], data: Array.from({ length: H }, () => 0.5 + r()) },
  };
  const q = (signed: number, rounding: string, narrow = 0): Record<string, Attr> => ({
    signed,
    narrow,
    rounding_mode: rounding,
  });
  const nodes: NodeSpec[] = [
    {
      op: "Quant",
      domain: Q,
      inputs: ["x", "s_in", "z0", "b_in"],
      output: "xq",
      attrs: q(o.inSigned, o.inRounding, o.inNarrow),
    },
    {
      op: "Quant",
      domain: "onnx.brevitas",
      inputs: ["w1", "s_w1", "z0", "b_w"],
      output: "w1q",
      attrs: q(1, "ROUND", 1),
    },
    o.gemm
      ? { op: "Gemm", inputs: ["xq", "w1q", "bias"], output: "h", attrs: { transB: 1 } }
      : { op: "MatMul", inputs: ["xq", "w1q"], output: "h0" },
    ...(o.gemm ? [] : [{ op: "Add", inputs: ["h0", "bias"], output: "h" }]),
    ...(o.batchNorm
      ? [
          {
            op: "BatchNormalization",
            inputs: ["h", "gamma", "beta", "mean", "var"],
            output: "hb",
            attrs: { epsilon: { float: 1e-5 } },
          },
        ]
      : [{ op: "Identity", inputs: ["h"], output: "hb" }]),
    { op: "Relu", inputs: ["hb"], output: "hr" },
    {
      op: "Quant",
      domain: Q,
      inputs: ["hr", "s_act", "z_act", "b_act"],
      output: "a",
      attrs: q(o.actSigned, o.actRounding),
    },
    { op: "Quant", domain: Q, inputs: ["w2", "s_w2", "z0", "b_w"], output: "w2q", attrs: q(1, "ROUND") },
    { op: "MatMul", inputs: ["a", "w2q"], output: "o" },
    { op: "Mul", inputs: ["o", "out_scale"], output: "y" },
  ];
  return buildModel({
    nodes,
    inits,
    input: { name: "x", dims: [1, I] },
    output: { name: "y", dims: [1, O] },
  });
}

describe("importing QONNX patterns", () => {
  const variants: [string, MlpOptions][] = [
    [
      "signed input, per-tensor weights",
      {
        inSigned: 1,
        inRounding: "ROUND",
        actSigned: 0,
        actBits: 3,
        actRounding: "ROUND",
        perChannelWeights: false,
      },
    ],
    [
      "narrow input, per-channel weights, FLOOR",
      {
        inSigned: 1,
        inNarrow: 1,
        inRounding: "FLOOR",
        actSigned: 0,
        actBits: 4,
        actRounding: "FLOOR",
        perChannelWeights: true,
      },
    ],
    [
      "unsigned input, CEIL, signed activation",
      {
        inSigned: 0,
        inRounding: "CEIL",
        actSigned: 1,
        actBits: 4,
        actRounding: "CEIL",
        perChannelWeights: true,
      },
    ],
    [
      "ROUND_TO_ZERO, zero point, batch-norm",
      {
        inSigned: 1,
        inRounding: "ROUND_TO_ZERO",
        actSigned: 0,
        actBits: 3,
        actZero: 2,
        actRounding: "ROUND_TO_ZERO",
        perChannelWeights: false,
        batchNorm: true,
      },
    ],
    [
      "negative batch-norm slopes (factored into weights)",
      {
        inSigned: 1,
        inRounding: "ROUND",
        actSigned: 0,
        actBits: 2,
        actRounding: "ROUND",
        perChannelWeights: true,
        batchNorm: true,
        negativeGamma: true,
      },
    ],
    [
      "Gemm with transB and bias",
      {
        inSigned: 1,
        inRounding: "ROUND",
        actSigned: 0,
        actBits: 3,
        actRounding: "ROUND",
        perChannelWeights: true,
        gemm: true,
      },
    ],
  ];
  variants.forEach(([name, o], i) => {
    it(name, () => {
      // Inputs around the input quantizer's steps, including exact half steps.
      check(qonnxMlp(o, 100 + i), 6, grid(1 / 64, -10, 10));
    });
  });

  it("bipolar: BipolarQuant input and weights, Gemm, Sign output", () => {
    const r = rng(5);
    const bytes = buildModel({
      nodes: [
        { op: "BipolarQuant", domain: "onnx.brevitas", inputs: ["x", "one"], output: "xb" },
        { op: "BipolarQuant", domain: "onnx.brevitas", inputs: ["w", "one"], output: "wb" },
        { op: "Gemm", inputs: ["xb", "wb", "c"], output: "g", attrs: { transB: 1 } },
        { op: "Sign", inputs: ["g"], output: "y" },
      ],
      inits: {
        one: { dims: [1], data: [1] },
        w: { dims: [4, 7], data: Array.from({ length: 28 }, () => r() - 0.5) },
        c: { dims: [4], data: [0, 1, -1, 2] },
      },
      input: { name: "x", dims: [1, 7] },
      output: { name: "y", dims: [1, 4] },
    });
    const model = check(bytes, 7, fc.constantFrom(-1, -0.5, 0, 0.5, 1));
    expect(model.layers[0]!.weightDatatype).toBe("BIPOLAR");
  });

  it("FINN streamlined: MultiThreshold input, Trunc inside a layer, Div/Sub/Add output", () => {
    const r = rng(9);
    const bytes = buildModel({
      nodes: [
        {
          op: "MultiThreshold",
          domain: Q,
          inputs: ["x", "t_in"],
          output: "m",
          attrs: { out_dtype: "UINT2" },
        },
        { op: "MatMul", inputs: ["m", "w1"], output: "h" },
        {
          op: "Trunc",
          domain: Q,
          inputs: ["h", "one", "zero", "b8", "b4"],
          output: "ht",
          attrs: { rounding_mode: "FLOOR" },
        },
        {
          op: "MultiThreshold",
          domain: Q,
          inputs: ["ht", "t_h"],
          output: "a",
          attrs: { out_scale: { float: 2 }, out_bias: { float: -1 } },
        },
        { op: "MatMul", inputs: ["a", "w2"], output: "o" },
        { op: "Sub", inputs: ["o", "k"], output: "o1" },
        { op: "Div", inputs: ["o1", "d"], output: "y" },
      ],
      inits: {
        t_in: { dims: [1, 3], data: [-0.5, 0, 0.5] },
        w1: { dims: [5, 4], data: randomMatrix(r, 5, 4, -8, 8) },
        one: { dims: [], data: [1] },
        zero: { dims: [], data: [0] },
        b8: { dims: [], data: [8] },
        b4: { dims: [], data: [5] },
        t_h: { dims: [4, 1], data: [0, 1, -1, 0] },
        w2: { dims: [4, 2], data: randomMatrix(r, 4, 2, -1, 1) },
        k: { dims: [2], data: [0.5, -0.25] },
        d: { dims: [], data: [3] },
      },
      input: { name: "x", dims: [1, 5] },
      output: { name: "y", dims: [1, 2] },
    });
    check(bytes, 5, fc.double({ min: -1, max: 1, noNaN: true }));
  });

  it("FINN folded: XNOR MVAU (binary input) then Thresholding, PE/SIMD kept", () => {
    const r = rng(11);
    const [MW, MH] = [8, 4];
    const bytes = buildModel({
      nodes: [
        {
          op: "MVAU_hls",
          domain: "finn.custom_op.fpgadataflow.hls",
          inputs: ["x", "w", "t"],
          output: "h",
          attrs: {
            MW,
            MH,
            PE: 2,
            SIMD: 4,
            binaryXnorMode: 1,
            noActivation: 0,
            inputDataType: "BINARY",
            weightDataType: "BINARY",
            outputDataType: "BINARY",
            ActVal: 0,
          },
        },
        {
          op: "MVAU_rtl",
          domain: "finn.custom_op.fpgadataflow.rtl",
          inputs: ["h", "w2"],
          output: "o",
          attrs: {
            MW: MH,
            MH: 2,
            PE: 1,
            SIMD: 2,
            binaryXnorMode: 1,
            noActivation: 1,
            inputDataType: "BINARY",
            weightDataType: "BINARY",
            outputDataType: "INT32",
          },
        },
        { op: "StreamingFIFO_rtl", inputs: ["o"], output: "f" },
        {
          op: "Thresholding_hls",
          inputs: ["f", "t2"],
          output: "y",
          attrs: { outputDataType: "BIPOLAR", ActVal: 0 },
        },
      ],
      inits: {
        w: { dims: [MW, MH], data: randomMatrix(r, MW, MH, 0, 1) },
        t: { dims: [MH, 1], data: [3, 4, 5, 4] },
        w2: { dims: [MH, 2], data: randomMatrix(r, MH, 2, 0, 1) },
        t2: { dims: [2, 1], data: [2, 3] },
      },
      input: { name: "x", dims: [1, MW] },
      output: { name: "y", dims: [1, 2] },
    });
    const model = check(bytes, MW, fc.constantFrom(0, 1));
    expect(model.layers.map((l) => l.folding)).toEqual([
      { pe: 2, simd: 4 },
      { pe: 1, simd: 2 },
    ]);
    expect(model.layers.map((l) => l.weightDatatype)).toEqual(["BIPOLAR", "BIPOLAR"]);
  });

  it("tf2onnx-style double scales and int64 bit widths", () => {
    const bytes = buildModel({
      nodes: [
        {
          op: "Quant",
          domain: Q,
          inputs: ["w", "s", "z", "b"],
          output: "wq",
          attrs: { signed: 1, narrow: 0, rounding_mode: "ROUND" },
        },
        { op: "MatMul", inputs: ["x", "wq"], output: "y" },
      ],
      inits: {
        w: { dims: [3, 2], data: [0.3, -0.2, 0.1, 0.6, -0.9, 0.4], type: "raw" },
        s: { dims: [], data: [0.125], type: "double" },
        z: { dims: [], data: [0], type: "int64" },
        b: { dims: [], data: [4], type: "int64" },
      },
      input: { name: "x", dims: [1, 3] },
      output: { name: "y", dims: [1, 2] },
    });
    check(bytes, 3, grid(1 / 1024, -4, 4));
  });

  it("finn_datatype annotations that disagree with the weights never size the hardware", () => {
    const graph = (w: number[], annotation: string) =>
      buildModel({
        nodes: [{ op: "MatMul", inputs: ["x", "w"], output: "y" }],
        inits: { w: { dims: [2, 2], data: w } },
        input: { name: "x", dims: [1, 2] },
        output: { name: "y", dims: [1, 2] },
        annotations: { x: "INT4", w: annotation },
      });
    const wide = check(graph([1, -1, 0, 1], "INT8"), 2, fc.integer({ min: -8, max: 7 }));
    expect(wide.layers[0]!.weightDatatype).toBe("INT2");
    const narrow = check(graph([5, -6, 0, 1], "INT2"), 2, fc.integer({ min: -8, max: 7 }));
    expect(narrow.layers[0]!.weightDatatype).toBe("INT4");
  });
});
