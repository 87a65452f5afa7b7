// The public API of the `loom-hdl` package: `import { defineModule, compileModel } from "loom-hdl"`.
// Everything re-exported here is the supported surface; deeper paths are internal and may move.
// It is: the embedded HDL (dsl), Verilog emission and the interpreter (rtl, interp), the block
// library written in it (lib), models, their golden model and the ONNX/QONNX importer (nn, onnx),
// and the compiler from a model to an accelerator and its simulation (compiler). See docs/api.md.

export {
  type Compiled,
  type CompileOptions,
  compileModel,
  outputFiles,
  readModel,
  writeOutputs,
} from "./compiler/generate.js";
export { loadModelSource, type ModelSource, type ModelSourceOptions } from "./compiler/model-source.js";
export {
  type Engine,
  type SimulationOptions,
  type SimulationResult,
  simulateAccelerator,
} from "./compiler/simulate.js";
export * from "./dsl/index.js";
export { Simulator } from "./interp/simulator.js";
export * from "./lib/conv/index.js";
export { Argmax, type ArgmaxParams, argmaxIndexWidth } from "./lib/labelselect/argmax.js";
export * from "./lib/mvau/index.js";
export * from "./lib/stream/index.js";
export * from "./lib/threshold/index.js";
export { type GoldenResult, runGolden } from "./model/golden/index.js";
export type { DenseLayer, Model } from "./model/model-format.js";
export { loadModel } from "./model/model-load.js";
export { type ImportOptions, type ImportResult, importOnnx, SUPPORTED_OPS } from "./onnx/import.js";
export { type EmittedDesign, emitVerilog, type TopPort } from "./rtl/emit.js";
