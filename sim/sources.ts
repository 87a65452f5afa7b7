// What a simulator (or lint) reads of an emitted design: its files plus the Loom models of its
// vendor primitives (EmittedDesign.simulationModels), which synthesis never sees.
import type { EmittedDesign } from "../src/rtl/emit.js";

export interface SimulatorSources {
  /** Every file to write into the build directory, sorted by name. */
  files: Array<[string, string]>;
  /** The Verilog files to compile: the design's, then the primitives' models. */
  verilogFiles: string[];
}

export function simulatorSources(emitted: EmittedDesign): SimulatorSources {
  const files = [...emitted.files, ...emitted.simulationModels].sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  return { files, verilogFiles: [...emitted.verilogFiles, ...emitted.simulationModels.keys()] };
}
