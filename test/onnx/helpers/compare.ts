// Runs an imported model the two ways a test compares: the reference executor on the ONNX graph
// (float), and the host quantizer + Loom's integer golden model + host output scale.
import { expect } from "vitest";
import { argmax, runGolden } from "../../../src/model/golden/index.js";
import type { Model } from "../../../src/model/model-format.js";
import { boundaryDecisions, runOnnx } from "../../../src/onnx/executor.js";
import type { OnnxGraph } from "../../../src/onnx/graph.js";
import { type HostSpec, hostResult, quantizeInput } from "../../../src/onnx/host.js";

/**
 * Asserts that Loom's integer model reproduces the executor on one input. An input whose
 * quantizer decisions change between float32 and float64 (within float32 rounding of a
 * boundary) is not compared: returns "boundary" so the caller counts and reports it.
 */
export function expectSameOutputs(
  graph: OnnxGraph,
  model: Model,
  host: HostSpec,
  x: number[],
): "checked" | "boundary" {
  if (boundaryDecisions(graph, x) > 0) return "boundary";
  const expected = Array.from(runOnnx(graph, x));
  const codes = quantizeInput(host.input, x);
  const { scores, predictions } = runGolden(model, [codes]);
  const got = hostResult(host.output, scores[0]!);
  if (host.output.from === "thresholds") {
    // Output codes: the graph's values exactly (up to float32 rounding of the output scale).
    got.forEach((v, i) => {
      expect(Math.fround(v), `output ${i} for input ${x}`).toBe(expected[i]);
    });
  } else {
    got.forEach((v, i) => {
      const tol = 1e-5 * Math.max(1, Math.abs(expected[i]!));
      expect(
        Math.abs(v - expected[i]!),
        `output ${i}: loom ${v} vs executor ${expected[i]}`,
      ).toBeLessThanOrEqual(tol);
    });
  }
  if (model.output.argmax && host.output.tail.length === 0) expect(predictions[0]).toBe(argmax(expected));
  return "checked";
}
