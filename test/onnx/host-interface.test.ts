// hostInterface: the one description a host driver is written from. Packing an imported graph's
// quantized input by it gives the beats the simulator streams, and its output part returns the
// graph's result from the scores.
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { hostInterface, inputBeats, packVector } from "../../src/compiler/host.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { runGolden } from "../../src/model/golden/index.js";
import { runOnnx } from "../../src/onnx/executor.js";
import { hostResult, quantizeInput } from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";

const path = new URL("../fixtures/onnx/torch_topk_op11.onnx", import.meta.url).pathname;

describe("hostInterface", () => {
  it("describes the streams and the host's float work of an imported graph as JSON", () => {
    const { model, host } = importOnnx(path);
    const compiled = compileModel(model, { board: "zcu104", scores: true });
    const hi = hostInterface(compiled.plan, host);
    expect(JSON.parse(JSON.stringify(hi))).toEqual(hi);
    expect(hi.input).toMatchObject({ port: "s_axis", datatype: model.input.datatype, length: 10 });
    expect(hi.input.tdataBits % 8).toBe(0);
    expect(hi.input.tdataBits).toBeGreaterThanOrEqual(
      hi.input.elementsPerBeat * parseDataType(hi.input.datatype).bits,
    );
    // Per-channel output offsets: the host picks the class, the hardware streams the 3 scores.
    expect(model.output.argmax).toBe(false);
    expect(hi.output).toMatchObject({ port: "m_axis", kind: "scores", length: 3 });
    expect(hi.dequantizer?.tail.map((s) => s.opType)).toEqual(["TopK"]);

    const x = Array.from({ length: 10 }, (_, i) => Math.cos(i) * 2);
    const codes = quantizeInput(hi.input.quantizer!, x);
    const beats = packVector(codes, parseDataType(hi.input.datatype), hi.input.elementsPerBeat);
    expect(beats).toEqual(inputBeats(compiled.plan, [codes]));
    const { scores } = runGolden(model, [codes]);
    expect(hostResult(hi.dequantizer!, scores[0]!)).toEqual(Array.from(runOnnx(readOnnx(path), x)));
  });
});
