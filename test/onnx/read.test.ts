// Broken and unsupported files give errors that name the tensor or node and say why.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { buildModel } from "./helpers/build.js";

const fixture = readFileSync(new URL("../fixtures/onnx/brevitas_bnn_fc_1layer.onnx", import.meta.url));

describe("readOnnx", () => {
  it("decodes nodes, attributes, initializers, annotations", () => {
    const g = readOnnx(new URL("../fixtures/onnx/finn_cybsec_mvau.onnx", import.meta.url).pathname);
    expect(g.nodes).toHaveLength(4);
    expect(g.nodes[0]!.attributes.inputDataType).toBe("BIPOLAR");
    expect(g.nodes[0]!.attributes.numInputVectors).toEqual([1]);
    expect(g.initializers.get("MatMul_0_param0")!.dims).toEqual([600, 64]);
    expect(g.initializers.get("MatMul_0_param0")!.data).toBeInstanceOf(Float32Array);
    expect(g.annotations.get("global_in")!.finn_datatype).toBe("BIPOLAR");
    expect(g.inputs.map((v) => v.name)).toEqual(["global_in"]);
    const q = readOnnx(new URL("../fixtures/onnx/qkeras_qdense_0.onnx", import.meta.url).pathname);
    expect(q.initializers.get("Quant_0_param3")!.data).toBeInstanceOf(BigInt64Array);
    expect(q.initializers.get("Quant_0_param1")!.data).toBeInstanceOf(Float64Array);
  });

  it("rejects truncated files", () => {
    for (const cut of [10, 200, fixture.length - 7]) {
      expect(() => readOnnx(fixture.subarray(0, cut), "bnn.onnx")).toThrow(
        /bnn\.onnx: .*(truncated|missing initializer|no graph)/,
      );
    }
  });

  it("rejects a missing file, garbage, tensors of the wrong size or type, missing initializers", () => {
    expect(() => readOnnx("/nonexistent/model.onnx")).toThrow(/cannot read the file/);
    expect(() => readOnnx(new Uint8Array([0xff, 0xff, 0xff, 0xff]))).toThrow(/not a valid ONNX protobuf/);
    const base = {
      nodes: [{ op: "MatMul", inputs: ["x", "w"], output: "y", name: "mm" }],
      input: { name: "x", dims: [1, 2] },
      output: { name: "y", dims: [1, 2] },
    };
    expect(() => readOnnx(buildModel({ ...base, inits: { w: { dims: [2, 2], data: [1, 2, 3] } } }))).toThrow(
      /initializer "w": holds 3 values, but dims \[2, 2\] need 4/,
    );
    expect(() => readOnnx(buildModel({ ...base, inits: {} }))).toThrow(
      /node "mm" \(MatMul\) input 1 "w" .*missing initializer/,
    );
    expect(() =>
      importOnnx(buildModel({ ...base, inits: { w: { dims: [2, 2], data: [0.5, 1, 2, 3] } } })),
    ).toThrow(/node "mm" \(MatMul\): weight \[0, 0\] = 0.5 is not an integer multiple/);
  });

  it("names unsupported ops and patterns", () => {
    const lstm = buildModel({
      nodes: [{ op: "LSTM", inputs: ["x", "w"], output: "y", name: "l1" }],
      inits: { w: { dims: [1], data: [1] } },
      input: { name: "x", dims: [1, 2] },
      output: { name: "y", dims: [1, 2] },
    });
    expect(() => importOnnx(lstm)).toThrow(
      /node "l1" \(LSTM\): op LSTM is not supported; supported ops: Quant, .*MVAU_hls/,
    );
    const conv1d = buildModel({
      nodes: [{ op: "Conv", inputs: ["x", "w"], output: "y", name: "c1" }],
      inits: { w: { dims: [1], data: [1] } },
      input: { name: "x", dims: [1, 2] },
      output: { name: "y", dims: [1, 2] },
    });
    expect(() => importOnnx(conv1d)).toThrow(/node "c1" \(Conv\): only 2-D images \(NCHW, rank 4\)/);
    const reluOut = buildModel({
      nodes: [
        { op: "MatMul", inputs: ["x", "w"], output: "h", name: "mm" },
        { op: "Relu", inputs: ["h"], output: "hr", name: "r" },
        { op: "Add", inputs: ["hr", "k"], output: "ha", name: "a" },
        { op: "MatMul", inputs: ["ha", "w"], output: "y", name: "mm2" },
      ],
      inits: { w: { dims: [2, 2], data: [1, 2, 3, 4] }, k: { dims: [], data: [0.5] } },
      input: { name: "x", dims: [1, 2] },
      output: { name: "y", dims: [1, 2] },
    });
    expect(() => importOnnx(reluOut)).toThrow(
      /node "a" \(Add\): Add after a Relu with no quantizer between layers is not supported/,
    );
  });
});
