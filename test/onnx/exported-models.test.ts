// Graphs written by a real exporter: torch.onnx.export of small PyTorch models (dynamic
// flatten, nn.Flatten, BatchNorm1d on [N,C] and [N,C,1], Softmax/LogSoftmax/TopK/ArgMax heads,
// opsets 9–17) with QONNX Quant nodes inserted by test/fixtures/onnx/make-torch-fixtures.py.
// Loom's integer model must reproduce the reference executor, and the executor must reproduce
// onnxruntime-web (an independent runtime) on the same graphs with Quant written in standard ops.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/model/model-load.js";
import { quantizeInput } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";
import { expectExecutorMatchesOrt } from "./helpers/ort-compare.js";

const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;

const FIXTURES: { file: string; tail: string; flatten: string }[] = [
  { file: "torch_view_bn_softmax_op9", tail: "Softmax", flatten: "Reshape" },
  { file: "torch_view_bn_softmax_op13", tail: "Softmax", flatten: "Reshape" },
  { file: "torch_flatten_unsqueeze_bn_op11", tail: "LogSoftmax", flatten: "Flatten" },
  { file: "torch_flatten_unsqueeze_bn_op17", tail: "LogSoftmax", flatten: "Flatten" },
  { file: "torch_topk_op11", tail: "TopK", flatten: "Reshape" },
  { file: "torch_argmax_op13", tail: "ArgMax", flatten: "Reshape" },
];

/** Inputs across the 8-bit input quantizer's range and beyond (it saturates). */
const randomInput = (r: () => number, n: number) => Array.from({ length: n }, () => r() * 10 - 5);

describe("torch.onnx.export graphs with QONNX quantizers", () => {
  for (const f of FIXTURES) {
    it(`${f.file}: imports (shape arithmetic folded, ${f.tail} on the host) and matches the executor`, () => {
      const path = `${dir}${f.file}.onnx`;
      const { model, host } = importOnnx(path);
      parseModel(JSON.parse(JSON.stringify(model)), f.file);
      expect(host.input.mode).toBe("graph");
      expect(host.input.steps.map((s) => s.opType)).toEqual(expect.arrayContaining(["Quant", f.flatten]));
      expect(host.output.tail.map((s) => s.opType)).toEqual([f.tail]);
      expect(model.layers.map((l) => l.activation.kind)).toEqual(["thresholds", "none"]);
      const graph = readOnnx(path);
      const n = host.input.shape.reduce((a, b) => a * b, 1);
      const r = rng(3);
      let boundary = 0;
      for (let s = 0; s < 60; s++) {
        if (expectSameOutputs(graph, model, host, randomInput(r, n)) === "boundary") boundary++;
      }
      // The input scale 0.0371 is not a power of two: a few inputs may sit on a boundary.
      expect(boundary).toBeLessThan(6);
    });
  }

  it("a graph with its own input quantizer accepts every finite float (scale 0.0371, codes −127..127)", () => {
    const { host } = importOnnx(`${dir}torch_view_bn_softmax_op13.onnx`);
    const x = Array.from({ length: 16 }, (_, i) => -1.5582 + i * 0.01);
    x[3] = -34.85371398925781;
    x[4] = 1e30;
    const codes = quantizeInput(host.input, x).map(Number);
    expect(codes[0]).toBe(-42);
    expect([codes[3], codes[4]]).toEqual([-127, 127]);
  });

  it("without an input quantizer the fixed-point grid is checked, and --round rounds onto it", () => {
    const { host } = importOnnx(`${dir}qkeras_qdense_0.onnx`, { inputFixedPoint: { bits: 8, intBits: 4 } });
    const x = Array(16).fill(0.5);
    x[1] = 0.53; // between 0.5 and 0.5625 (step 1/16), nearer 0.5
    x[2] = 100; // beyond 7.9375
    x[3] = 0.53125; // a tie: half to even → 0.5 (code 8)
    expect(() => quantizeInput(host.input, x)).toThrow(
      /input element 1 = 0\.53 is not representable .*--round/,
    );
    const codes = quantizeInput(host.input, x, { round: true }).map(Number);
    expect(codes.slice(0, 4)).toEqual([8, 8, 127, 8]);
  });

  it("the executor agrees with onnxruntime-web on every fixture (Quant lowered to standard ops)", async () => {
    let compared = 0;
    let boundary = 0;
    for (const f of FIXTURES) {
      const r = rng(17);
      const inputs = (n: number) => Array.from({ length: 25 }, () => randomInput(r, n));
      const c = await expectExecutorMatchesOrt(readFileSync(`${dir}${f.file}.onnx`), inputs, f.file);
      compared += c.compared;
      boundary += c.boundary;
    }
    expect(compared).toBeGreaterThan(130);
    expect(boundary).toBeLessThan(15);
  });
});
