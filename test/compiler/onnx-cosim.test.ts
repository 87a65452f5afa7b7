// The real exported ONNX models, compiled to RTL and simulated in Verilator with random
// bubbles and backpressure, against the independent ONNX executor on random valid inputs.
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { loadModelSource } from "../../src/compiler/model-source.js";
import { simulateOnnx } from "../../src/compiler/onnx-sim.js";
import type { Model } from "../../src/model/model-format.js";
import { boundaryDecisions, runOnnx } from "../../src/onnx/executor.js";
import type { OnnxGraph } from "../../src/onnx/graph.js";
import type { HostSpec } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { rng } from "../onnx/helpers/build.js";
import { buildRecipe, type GraphRecipe, type LayerRecipe } from "../onnx/helpers/random-graph.js";

const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;

const cases: Array<{ file: string; samples: number; cycles?: number; input: (r: () => number) => number }> = [
  { file: "brevitas_bnn_fc_1layer", samples: 60, input: (r) => (r() < 0.1 ? 0 : r() * 4 - 2) },
  { file: "qkeras_qdense_0", samples: 40, cycles: 32, input: (r) => Math.round((r() * 8 - 4) * 1024) / 1024 },
  // FINN's published TFC folding gives 64 cycles per image; the test uses a cheaper one.
  {
    file: "finn_tfc_w2a2_debug",
    samples: 12,
    cycles: 784,
    input: (r) => (r() < 0.1 ? 0.25 * Math.floor(r() * 5) : r()),
  },
  // The cybsec graph carries FINN's own PE/SIMD, which the compiler keeps.
  { file: "finn_cybsec_mvau", samples: 20, input: (r) => (r() < 0.5 ? -1 : 1) },
];

describe("imported ONNX models in Verilator against the ONNX executor", () => {
  for (const c of cases) {
    it(`${c.file}`, async () => {
      const path = `${dir}${c.file}.onnx`;
      const source = loadModelSource(path);
      const compiled = compileModel(source.model, {
        board: "zcu104",
        scores: true,
        cyclesPerInference: c.cycles,
      });
      const graph = readOnnx(path);
      const n = source.host!.input.shape.reduce((a, b) => a * b, 1);
      const r = rng(7);
      const inputs = Array.from({ length: c.samples }, () => Array.from({ length: n }, () => c.input(r)));
      const hw = await simulateOnnx(compiled, source.host!, inputs, "verilator", {
        validPattern: { probability: 0.7, seed: 3 },
        readyPattern: { probability: 0.6, seed: 4 },
      });
      inputs.forEach((x, k) => {
        const want = Array.from(runOnnx(graph, x));
        hw.outputs[k]!.forEach((v, i) => {
          const tol = 1e-5 * Math.max(1, Math.abs(want[i]!));
          expect(
            Math.abs(Math.fround(v) - want[i]!),
            `input ${k} output ${i}: ${v} vs ${want[i]}`,
          ).toBeLessThanOrEqual(tol);
        });
      });
    });
  }
});

/** Compiles, simulates in Verilator under bubbles and backpressure, compares with the executor. */
async function cosim(model: Model, host: HostSpec, graph: OnnxGraph, inputs: number[][]) {
  const compiled = compileModel(model, { board: "zcu104", scores: true });
  const hw = await simulateOnnx(compiled, host, inputs, "verilator", {
    validPattern: { probability: 0.7, seed: 5 },
    readyPattern: { probability: 0.6, seed: 6 },
  });
  inputs.forEach((x, k) => {
    const want = Array.from(runOnnx(graph, x));
    expect(hw.outputs[k]!.length).toBe(want.length);
    hw.outputs[k]!.forEach((v, i) => {
      const tol = 1e-5 * Math.max(1, Math.abs(want[i]!));
      expect(Math.abs(v - want[i]!), `input ${k} output ${i}: ${v} vs ${want[i]}`).toBeLessThanOrEqual(tol);
    });
  });
}

/** `count` inputs from `draw` that lie clear of every float32 decision boundary. */
function clearInputs(graph: OnnxGraph, count: number, draw: () => number[]): number[][] {
  const out: number[][] = [];
  while (out.length < count) {
    const x = draw();
    if (boundaryDecisions(graph, x) === 0) out.push(x);
  }
  return out;
}

describe("exporter patterns in Verilator against the ONNX executor", () => {
  it("torch.onnx.export: dynamic view flatten, BatchNorm1d, Softmax on the host", async () => {
    const path = `${dir}torch_view_bn_softmax_op13.onnx`;
    const { model, host } = importOnnx(path);
    const graph = readOnnx(path);
    const r = rng(21);
    await cosim(
      model,
      host,
      graph,
      clearInputs(graph, 16, () => Array.from({ length: 16 }, () => r() * 10 - 5)),
    );
  });

  const noHead = { mul: false, add: false, clip: false };
  const layer = (out: number, o: Partial<LayerRecipe>): LayerRecipe => ({
    out,
    gemm: false,
    bias: true,
    perChannel: false,
    bn: "none",
    act: "quant",
    ...o,
  });
  const recipes: [string, GraphRecipe][] = [
    [
      "generated: MultiThreshold input, BN on [N,C,1] then MultiThreshold, Gemm per channel, TopK (opset 11)",
      {
        ...{ opset: 11, symbolicBatch: true, inShape: [2, 4], flatten: "view", seed: 4242 },
        head: { ...noHead, mul: true },
        inQuant: "multithreshold",
        layers: [layer(5, { gemm: true, perChannel: true, bn: "nc1", act: "multithreshold" }), layer(3, {})],
        last: "affine",
        tail: "TopK",
      },
    ],
    [
      "generated: fixed-point input, Flatten, BN then Relu+Quant, quantized last layer, LogSoftmax (opset 17)",
      {
        ...{ opset: 17, symbolicBatch: false, inShape: [1, 4], flatten: "flatten", seed: 777 },
        head: noHead,
        inQuant: "none",
        layers: [layer(4, { perChannel: true, bn: "nc" }), layer(3, { gemm: true, bias: false })],
        last: "quant",
        tail: "LogSoftmax",
      },
    ],
    [
      "generated: QKeras-style Dense → Dense with no quantizer between (exact acc + bias passed on)",
      {
        ...{ opset: 13, symbolicBatch: true, inShape: [1, 6], flatten: "reshape", seed: 99 },
        head: noHead,
        inQuant: "quant",
        layers: [
          layer(5, { act: "none" }),
          layer(4, { gemm: true, act: "none" }),
          layer(3, { perChannel: true }),
        ],
        last: "affine",
        tail: "Softmax",
      },
    ],
    [
      "generated: MatMul → Add → Relu → MatMul with no quantizer between (the MVAU clamps at zero)",
      {
        ...{ opset: 13, symbolicBatch: true, inShape: [1, 6], flatten: "reshape", seed: 5150 },
        head: noHead,
        inQuant: "quant",
        layers: [layer(4, { act: "relu" }), layer(3, {})],
        last: "affine",
        tail: "none",
      },
    ],
  ];
  for (const [name, recipe] of recipes) {
    it(name, async () => {
      const built = buildRecipe(recipe);
      const { model, host } = importOnnx(built.bytes);
      const clamped = model.layers.filter((l) => l.activation.kind === "none" && l.activation.relu);
      expect(clamped.length).toBe(recipe.layers.filter((l) => l.act === "relu").length);
      const graph = readOnnx(built.bytes);
      const r = rng(recipe.seed);
      await cosim(
        model,
        host,
        graph,
        clearInputs(graph, 16, () => built.input(r)),
      );
    });
  }
});

/**
 * An exported conv graph: imported (`check` looks at the model), then `count` random inputs
 * from `value` co-simulated against the executor.
 */
async function cosimConvFile(
  file: string,
  count: number,
  value: (r: () => number) => number,
  check: (m: Model) => void,
) {
  const path = `${dir}${file}.onnx`;
  const { model, host } = importOnnx(path);
  check(model);
  const graph = readOnnx(path);
  const n = host.input.shape.reduce((a, b) => a * b, 1);
  const r = rng(31);
  await cosim(
    model,
    host,
    graph,
    clearInputs(graph, count, () => Array.from({ length: n }, () => value(r))),
  );
}

describe("imported convolutional graphs in Verilator against the ONNX executor", () => {
  // PyTorch exports (NCHW, Quant nodes as Brevitas writes them): conv + BN + ReLU + Quant +
  // max-pool, rectangular kernels, a pool with kernel ≠ stride, NCHW flattening into a Gemm.
  for (const file of ["torch_conv_bn_pool_dense_op13", "torch_conv_stride2_pad_op11"]) {
    it(file, () =>
      cosimConvFile(
        file,
        6,
        (r) => r() * 4 - 2,
        (m) => expect(m.layers.some((l) => l.kind === "conv")).toBe(true),
      ),
    );
  }
});

describe("a network ending in a conv layer streams out its whole feature map", () => {
  // QKeras single-layer QConv2D exports (NHWC graph input and output): the accelerator streams
  // the conv's output feature map, NHWC, and the host reorders it into the graph's layout.
  for (const file of ["qkeras_qconv2d_0", "qkeras_qconv2d_5"]) {
    it(file, () =>
      cosimConvFile(
        file,
        3,
        (r) => Math.round((r() * 8 - 4) * 64) / 64,
        (m) => {
          expect(m.layers[m.layers.length - 1]!.kind).toBe("conv");
          expect(m.output.argmax).toBe(false);
        },
      ),
    );
  }

  it("refuses an arg-max on a conv output in one line", () => {
    const { model } = importOnnx(`${dir}qkeras_qconv2d_0.onnx`);
    expect(() => compileModel({ ...model, output: { argmax: true } }, { board: "zcu104" })).toThrow(
      /an arg-max needs a dense last layer/,
    );
  });
});
