// The elaborated design: one ModuleIR per module definition instance, with every when-block
// already expanded into muxes. The emitter, the interpreter and the checks all read this.
import type { Expr } from "./expr.js";
import type { SourceLocation } from "./location.js";
import type { Signal } from "./signal.js";

export type MemoryStyle = "auto" | "block" | "distributed" | "registers" | "ultra";

export interface MemoryReadPort {
  readonly addr: Expr;
  /** Read enable after when-expansion (true when always reading). */
  enable: Expr;
  /** Registered (synchronous) read data, or the combinational read value. */
  readonly data: Signal;
  readonly synchronous: boolean;
  readonly location: SourceLocation;
}

export interface MemoryWritePort {
  readonly addr: Expr;
  readonly data: Expr;
  readonly enable: Expr;
  readonly location: SourceLocation;
}

export interface MemoryIR {
  readonly name: string;
  readonly width: number;
  readonly depth: number;
  /** ROM or RAM initial contents as unsigned bit patterns. */
  readonly init?: readonly bigint[];
  readonly style: MemoryStyle;
  readonly readPorts: MemoryReadPort[];
  readonly writePorts: MemoryWritePort[];
  readonly location: SourceLocation;
}

export interface InstanceIR {
  readonly name: string;
  readonly module: ModuleIR;
  /** Child port name → the parent-side pin signal (kind inst-input or inst-output). */
  readonly pins: ReadonlyMap<string, Signal>;
  readonly location: SourceLocation;
}

export interface BlackBoxIR {
  /** The Verilog module name the instance refers to (a vendor primitive or user file). */
  readonly verilogName: string;
  readonly parameters: Readonly<Record<string, number | string>>;
  /** Hand-written Verilog source to ship with the design, if any. */
  readonly source?: string;
  /** Whether the black box has ap_clk / ap_rst_n ports that Loom should connect. */
  readonly clocked: boolean;
  /** Its clock input, driven by the design's clock (a primitive's "CLK"). */
  readonly clockPort?: string;
  /** Its behaviour in Loom, for simulators only (blackbox.ts): same ports, clocked by `clockPort`. */
  readonly model?: ModuleIR;
}

export interface ModuleIR {
  /** Name the definition asked for; the emitter makes it unique across the design. */
  readonly desiredName: string;
  /** Generator parameters, for the header comment. */
  readonly params: unknown;
  readonly ports: readonly Signal[];
  readonly wires: readonly Signal[];
  readonly regs: readonly Signal[];
  /** Final value of every output, wire and instance input; the next value of every register. */
  readonly drivers: ReadonlyMap<Signal, Expr>;
  readonly instances: readonly InstanceIR[];
  readonly memories: readonly MemoryIR[];
  readonly blackBox?: BlackBoxIR;
  /** True when the module or any child holds state, so it needs a clock and reset. */
  readonly clocked: boolean;
  readonly location: SourceLocation;
}

export interface ClockingOptions {
  clock: string;
  reset: string;
  resetActiveLow: boolean;
}

export const DEFAULT_CLOCKING: ClockingOptions = { clock: "ap_clk", reset: "ap_rst_n", resetActiveLow: true };

export interface DesignIR {
  readonly top: ModuleIR;
  readonly clocking: ClockingOptions;
}
