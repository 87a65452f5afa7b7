// The Loom DSL: import everything a hardware description needs from here.
export { blackBox } from "./blackbox.js";
export { ElaborationError } from "./errors.js";
export { cat, Expr, lit, mux, type Operand, select } from "./expr.js";
export type { DesignIR, MemoryStyle, ModuleIR } from "./ir.js";
export { addressWidth, type Ram, type Rom, ram, rom } from "./memory.js";
export {
  connect,
  defineModule,
  type ElaborationOptions,
  elaborate,
  input,
  instance,
  type ModuleDef,
  named,
  output,
  type PortSpec,
  ports,
  reg,
  regEnable,
  regNext,
  type Value,
  type ValueOf,
  when,
  wire,
} from "./module.js";
export { DEFAULT_NODE_BUDGET } from "./node-budget.js";
export { Signal } from "./signal.js";
export {
  AxiStream,
  Decoupled,
  FALSE,
  fire,
  isStalled,
  Stream,
  type StreamType,
  type StreamValue,
  TRUE,
} from "./stream.js";
export {
  Bool,
  Bundle,
  bitWidth,
  flipped,
  type GroundType,
  type HwType,
  SInt,
  typeName,
  UInt,
  Vec,
} from "./types.js";
