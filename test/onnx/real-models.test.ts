// The four real exported models: each imports, loads as a valid Loom model, and on random valid
// inputs Loom's integer model (golden) reproduces the reference executor.
import { describe, expect, it } from "vitest";
import { parseModel } from "../../src/model/model-load.js";
import { quantizeInput } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";

const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;

const cases: { file: string; samples: number; input: (r: () => number, i: number) => number }[] = [
  // Values around and at 0: BipolarQuant(0) = +1.
  { file: "brevitas_bnn_fc_1layer", samples: 300, input: (r) => (r() < 0.1 ? 0 : r() * 4 - 2) },
  // ap_fixed<16,6> grid (step 2^-10); |x| ≤ 4 keeps the float32 MatMul exact (see docs/onnx-import.md).
  { file: "qkeras_qdense_0", samples: 200, input: (r) => Math.round((r() * 8 - 4) * 1024) / 1024 },
  // MNIST pixels in [0, 1], including the exact threshold points 0.25 and 0.75.
  { file: "finn_tfc_w2a2_debug", samples: 40, input: (r) => (r() < 0.1 ? 0.25 * Math.floor(r() * 5) : r()) },
  { file: "finn_cybsec_mvau", samples: 200, input: (r) => (r() < 0.5 ? -1 : 1) },
];

describe("real ONNX models", () => {
  for (const c of cases) {
    it(`${c.file}: imports and matches the executor`, () => {
      const path = `${dir}${c.file}.onnx`;
      const { model, host } = importOnnx(path);
      expect(() => parseModel(JSON.parse(JSON.stringify(model)), c.file)).not.toThrow();
      expect(JSON.parse(JSON.stringify(host))).toEqual(host);
      const graph = readOnnx(path);
      const n = host.input.shape.reduce((a, b) => a * b, 1);
      const r = rng(42);
      for (let s = 0; s < c.samples; s++) {
        expectSameOutputs(
          graph,
          model,
          host,
          Array.from({ length: n }, (_, i) => c.input(r, i)),
        );
      }
    });
  }

  it("keeps MVAU folding and reads FINN's encodings", () => {
    const { model } = importOnnx(`${dir}finn_cybsec_mvau.onnx`);
    expect(model.layers.map((l) => l.folding)).toEqual(Array(4).fill({ pe: 1, simd: 1 }));
    expect(model.input.datatype).toBe("BIPOLAR");
    expect(model.layers.map((l) => l.weightDatatype)).toEqual(["INT2", "INT2", "INT2", "INT2"]);
    expect(model.layers.at(-1)!.activation).toMatchObject({ kind: "thresholds", outDatatype: "BIPOLAR" });
  });

  it("qkeras: the float input becomes ap_fixed<16,6> codes, and off-grid inputs are refused", () => {
    const { model, host } = importOnnx(`${dir}qkeras_qdense_0.onnx`);
    expect(model.input.datatype).toBe("INT16");
    expect(host.input.mode).toBe("fixed-point");
    expect(host.input.step).toEqual([2 ** -10]);
    expect(model.layers.at(-1)!.activation.kind).toBe("none");
    const { host: h8 } = importOnnx(`${dir}qkeras_qdense_0.onnx`, {
      inputFixedPoint: { bits: 8, intBits: 4 },
    });
    expect(h8.input.step).toEqual([2 ** -4]);
    const x = Array(16).fill(0.5);
    x[3] = 0.5 + 2 ** -12;
    expect(() => quantizeInput(host.input, x)).toThrow(
      /input element 3 .* not representable in signed fixed point/,
    );
    x[3] = 40;
    expect(() => quantizeInput(host.input, x)).toThrow(/input element 3/);
  });

  it("tfc: input thresholds stay on the host; the output scale goes to the host", () => {
    const { model, host } = importOnnx(`${dir}finn_tfc_w2a2_debug.onnx`);
    expect(model.input.datatype).toBe("INT2");
    expect(host.input.steps.map((s) => s.opType)).toContain("MultiThreshold");
    expect(model.layers.map((l) => l.activation.kind)).toEqual([
      "thresholds",
      "thresholds",
      "thresholds",
      "none",
    ]);
    expect(host.output.from).toBe("none");
    expect(host.output.scale[0]).toBeGreaterThan(0);
  });
});
