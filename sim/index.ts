// Loom's simulation harness: build an emitted design with Verilator or Icarus and drive it
// cycle by cycle (runCycles) or as ready/valid streams (runStreams).
export { cacheRoot } from "./cache.js";
export { buildIcarus, type IcarusCycleOptions, type IcarusModel } from "./icarus.js";
export { lintVerilog } from "./lint.js";
export { seededRandom } from "./prng.js";
export { StreamTimeoutError } from "./stream-result.js";
export type {
  CycleOutputs,
  CycleVector,
  Pattern,
  RunOptions,
  SimModel,
  StreamResult,
  StreamSink,
  StreamSource,
  StreamSpec,
  TraceFormat,
} from "./types.js";
export { buildVerilator, type VerilatorModel, type VerilatorOptions } from "./verilator.js";
