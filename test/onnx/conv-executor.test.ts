// The executor's spatial ops (Conv, MaxPool, AveragePool, GlobalAveragePool, Pad) against
// onnxruntime-web, an independent runtime, on random graphs covering strides, dilations,
// explicit and automatic padding, ceil mode, groups (depthwise) and rectangular kernels.
import * as ort from "onnxruntime-web";
import { describe, expect, it } from "vitest";
import { runOnnx } from "../../src/onnx/executor.js";
import { readOnnx } from "../../src/onnx/read.js";
import { type Attr, buildModel, type InitSpec, rng } from "./helpers/build.js";

interface Case {
  name: string;
  op: string;
  input: number[];
  output: number[];
  attrs: Record<string, Attr>;
  /** Weight and bias dims for Conv; pads for Pad. */
  consts?: Record<string, InitSpec>;
  opset?: number;
}

const CASES: Case[] = [
  {
    name: "conv 3x3 pads 1",
    op: "Conv",
    input: [1, 3, 7, 6],
    output: [1, 4, 7, 6],
    attrs: { pads: [1, 1, 1, 1] },
  },
  {
    name: "conv 2x3 stride 2 asymmetric pads",
    op: "Conv",
    input: [1, 2, 9, 8],
    output: [1, 5, 5, 4],
    attrs: { kernel_shape: [2, 3], strides: [2, 2], pads: [1, 0, 0, 1] },
  },
  {
    name: "conv SAME_UPPER stride 2",
    op: "Conv",
    input: [1, 3, 8, 7],
    output: [1, 2, 4, 4],
    attrs: { auto_pad: "SAME_UPPER", strides: [2, 2], kernel_shape: [3, 3] },
  },
  {
    name: "conv SAME_LOWER stride 2",
    op: "Conv",
    input: [1, 3, 8, 7],
    output: [1, 2, 4, 4],
    attrs: { auto_pad: "SAME_LOWER", strides: [2, 2], kernel_shape: [3, 3] },
  },
  {
    name: "conv VALID dilation 2",
    op: "Conv",
    input: [1, 2, 9, 9],
    output: [1, 3, 5, 5],
    attrs: { auto_pad: "VALID", dilations: [2, 2] },
  },
  { name: "conv depthwise", op: "Conv", input: [1, 4, 6, 6], output: [1, 4, 4, 4], attrs: { group: 4 } },
  {
    name: "maxpool 2x2",
    op: "MaxPool",
    input: [1, 3, 8, 6],
    output: [1, 3, 4, 3],
    attrs: { kernel_shape: [2, 2], strides: [2, 2] },
  },
  {
    name: "maxpool 3x3 stride 2 pads ceil",
    op: "MaxPool",
    input: [1, 2, 8, 7],
    output: [1, 2, 5, 4],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], pads: [1, 1, 1, 1], ceil_mode: 1 },
  },
  {
    name: "averagepool 3x2 pads count_include_pad",
    op: "AveragePool",
    input: [1, 2, 7, 6],
    output: [1, 2, 4, 4],
    attrs: { kernel_shape: [3, 2], strides: [2, 2], pads: [1, 1, 1, 1], count_include_pad: 1 },
  },
  {
    name: "averagepool SAME_UPPER",
    op: "AveragePool",
    input: [1, 2, 7, 6],
    output: [1, 2, 4, 3],
    attrs: { kernel_shape: [3, 3], strides: [2, 2], auto_pad: "SAME_UPPER" },
  },
  {
    name: "globalaveragepool",
    op: "GlobalAveragePool",
    input: [1, 5, 4, 3],
    output: [1, 5, 1, 1],
    attrs: {},
  },
  {
    name: "pad constant 0.5 (opset 13, pads as input)",
    op: "Pad",
    input: [1, 2, 3, 4],
    output: [1, 2, 6, 5],
    attrs: {},
    consts: {
      pads: { dims: [8], data: [0, 0, 1, 0, 0, 0, 2, 1], type: "int64" },
      value: { dims: [], data: [0.5] },
    },
  },
  {
    name: "pad attribute (opset 10)",
    op: "Pad",
    input: [1, 2, 3, 4],
    output: [1, 2, 4, 6],
    attrs: { pads: [0, 0, 0, 1, 0, 0, 1, 1] },
    opset: 10,
  },
];

function graphOf(c: Case, r: () => number): Uint8Array {
  const inits: Record<string, InitSpec> = { ...c.consts };
  const inputs = ["x"];
  if (c.op === "Conv") {
    const k = (c.attrs.kernel_shape as number[] | undefined) ?? [3, 3];
    const group = (c.attrs.group as number | undefined) ?? 1;
    const dims = [c.output[1]!, c.input[1]! / group, k[0]!, k[1]!];
    const n = dims.reduce((a, b) => a * b, 1);
    inits.w = { dims, data: Array.from({ length: n }, () => r() * 2 - 1) };
    inits.b = { dims: [dims[0]!], data: Array.from({ length: dims[0]! }, () => r() - 0.5) };
    inputs.push("w", "b");
  } else if (c.op === "Pad") inputs.push(...Object.keys(c.consts ?? {}));
  return buildModel({
    nodes: [{ op: c.op, inputs, output: "y", attrs: c.attrs }],
    inits,
    input: { name: "x", dims: c.input },
    output: { name: "y", dims: c.output },
    opset: c.opset ?? 13,
  });
}

describe("executor spatial ops against onnxruntime-web", () => {
  it.each(CASES)("$name", async (c) => {
    ort.env.wasm.numThreads = 1;
    const r = rng(CASES.indexOf(c) + 5);
    const bytes = graphOf(c, r);
    const graph = readOnnx(bytes);
    const session = await ort.InferenceSession.create(bytes);
    const n = c.input.reduce((a, b) => a * b, 1);
    for (let s = 0; s < 3; s++) {
      const x = Array.from({ length: n }, () => Math.fround(r() * 4 - 2));
      const want = (await session.run({ x: new ort.Tensor("float32", Float32Array.from(x), c.input) })).y!;
      const got = runOnnx(graph, x);
      expect(want.dims).toEqual(c.output);
      expect(got.length).toBe(want.data.length);
      got.forEach((v, i) => {
        const w = Number(want.data[i]);
        expect(Math.abs(v - w), `${c.name} element ${i}: executor ${v}, ort ${w}`).toBeLessThanOrEqual(
          2e-5 * Math.max(1, Math.abs(w)),
        );
      });
    }
    await session.release();
  });
});
