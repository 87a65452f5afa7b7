// Simulation of an imported ONNX graph's accelerator in the graph's own terms: float inputs go
// through the host-side input quantizer, the hardware computes integer scores, and the host
// applies the output scale, so the result is what the ONNX graph itself returns.
import type { HostSpec } from "../onnx/host.js";
import { hostOutputs, hostResult, type QuantizeOptions, quantizeInput } from "../onnx/host.js";
import type { Compiled } from "./generate.js";
import { type Engine, type SimulationOptions, simulateAccelerator } from "./simulate.js";

export interface OnnxSimulationResult {
  /** What the graph returns per input (up to float32 rounding of the final scale). */
  outputs: number[][];
  /** Arg-max of the scaled scores before the tail (the class a TopK/ArgMax tail returns). */
  predictions: number[];
  cyclesPerInference: number;
  intervalSource: "measured" | "planned";
  latencyCycles: number;
}

/** The graph's float inputs as the hardware's input codes (the host-side head and quantizer). */
export function quantizeOnnxInputs(
  host: HostSpec,
  inputs: readonly (readonly number[])[],
  o: QuantizeOptions = {},
): bigint[][] {
  return inputs.map((x, i) => {
    try {
      return quantizeInput(host.input, x, o);
    } catch (err) {
      if (err instanceof Error) err.message = `inputs[${i}]: ${err.message}`;
      throw err;
    }
  });
}

/** Runs float inputs through the host head, the accelerator and the host tail. */
export function simulateOnnx(
  compiled: Compiled,
  host: HostSpec,
  inputs: readonly (readonly number[])[],
  engine: Engine,
  o: SimulationOptions & QuantizeOptions = {},
): Promise<OnnxSimulationResult> {
  return simulateOnnxCodes(compiled, host, quantizeOnnxInputs(host, inputs, o), engine, o);
}

/** The accelerator and the host tail on input codes from `quantizeOnnxInputs`. */
export async function simulateOnnxCodes(
  compiled: Compiled,
  host: HostSpec,
  codes: readonly (readonly bigint[])[],
  engine: Engine,
  o: SimulationOptions = {},
): Promise<OnnxSimulationResult> {
  const r = await simulateAccelerator(compiled, codes, engine, o);
  if (!r.outputs)
    throw new Error("the accelerator was built without its raw-score output; compile with scores: true");
  const { cyclesPerInference, intervalSource, latencyCycles } = r;
  return {
    outputs: r.outputs.map((scores) => hostResult(host.output, scores)),
    predictions: r.outputs.map((scores) => firstMax(hostOutputs(host.output, scores))),
    cyclesPerInference,
    intervalSource,
    latencyCycles,
  };
}

function firstMax(xs: readonly number[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (x > xs[best]!) best = i;
  });
  return best;
}
