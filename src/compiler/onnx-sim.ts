// Simulation of an imported ONNX graph's accelerator in the graph's own terms: float inputs go
// through the host-side input quantizer, the hardware computes integer scores, and the host
// applies the output scale, so the result is what the ONNX graph itself returns.
import type { HostSpec } from "../onnx/host.js";
import { hostOutputs, quantizeInput } from "../onnx/host.js";
import type { Compiled } from "./generate.js";
import { type Engine, type SimulationOptions, simulateAccelerator } from "./simulate.js";

export interface OnnxSimulationResult {
  /** The graph's outputs per input (float, up to float32 rounding of the final scale). */
  outputs: number[][];
  predictions: number[];
  cyclesPerInference: number;
  latencyCycles: number;
}

export async function simulateOnnx(
  compiled: Compiled,
  host: HostSpec,
  inputs: readonly (readonly number[])[],
  engine: Engine,
  o: SimulationOptions = {},
): Promise<OnnxSimulationResult> {
  const codes = inputs.map((x) => quantizeInput(host.input, x));
  const r = await simulateAccelerator(compiled, codes, engine, o);
  if (!r.outputs)
    throw new Error("the accelerator was built without its raw-score output; compile with scores: true");
  const outputs = r.outputs.map((scores) => hostOutputs(host.output, scores));
  return {
    outputs,
    predictions: outputs.map(firstMax),
    cyclesPerInference: r.cyclesPerInference,
    latencyCycles: r.latencyCycles,
  };
}

function firstMax(xs: readonly number[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (x > xs[best]!) best = i;
  });
  return best;
}
