// The reference executor against onnxruntime-web (an independent runtime) on one QONNX file:
// Quant is lowered to standard ops first; inputs whose quantizer decisions depend on float32
// rounding are skipped and counted.
import * as ort from "onnxruntime-web";
import { expect } from "vitest";
import { boundaryDecisions, runOnnx } from "../../../src/onnx/executor.js";
import { readOnnx } from "../../../src/onnx/read.js";
import { lowerQuant } from "./lower-quant.js";

export async function expectExecutorMatchesOrt(
  bytes: Uint8Array,
  inputs: (n: number) => number[][],
  label: string,
  tolerance = 4e-7,
): Promise<{ compared: number; boundary: number }> {
  ort.env.wasm.numThreads = 1;
  const graph = readOnnx(bytes);
  const session = await ort.InferenceSession.create(lowerQuant(bytes));
  const dims = graph.inputs[0]!.shape!.map((d) => (typeof d === "number" ? d : 1));
  let compared = 0;
  let boundary = 0;
  for (const [s, x] of inputs(dims.reduce((a, b) => a * b, 1)).entries()) {
    if (boundaryDecisions(graph, x) > 0) {
      boundary++;
      continue;
    }
    const want = runOnnx(graph, x);
    const feeds = { [graph.inputs[0]!.name]: new ort.Tensor("float32", Float32Array.from(x), dims) };
    const out = (await session.run(feeds))[graph.outputs[0]!.name]!;
    const got = Array.from(out.data as ArrayLike<number | bigint>, Number);
    expect(got.length).toBe(want.length);
    got.forEach((v, i) => {
      expect(
        Math.abs(v - want[i]!),
        `${label} sample ${s} output ${i}: ort ${v}, executor ${want[i]}`,
      ).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(want[i]!)));
    });
    compared++;
  }
  await session.release();
  return { compared, boundary };
}
