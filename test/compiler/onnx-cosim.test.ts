// The real exported ONNX models, compiled to RTL and simulated in Verilator with random
// bubbles and backpressure, against the independent ONNX executor on random valid inputs.
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { loadModelSource } from "../../src/compiler/model-source.js";
import { simulateOnnx } from "../../src/compiler/onnx-sim.js";
import { runOnnx } from "../../src/onnx/executor.js";
import { readOnnx } from "../../src/onnx/read.js";
import { rng } from "../onnx/helpers/build.js";

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
