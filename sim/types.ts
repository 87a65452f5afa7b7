// Shared shapes of the simulation API, so the Verilator and Icarus backends are interchangeable.
import type { TopPort } from "../src/rtl/emit.js";

/** One cycle's input values by port name; absent inputs keep their previous value. */
export type CycleVector = Record<string, bigint>;
/** One cycle's output values by port name, sampled after combinational settling, before the edge. */
export type CycleOutputs = Record<string, bigint>;

/** A per-cycle on/off pattern: a fixed array (repeated) or seeded random bits with P(on) = probability. */
export type Pattern = boolean[] | { probability: number; seed: number };

export interface StreamSource {
  /** Ports `<prefix>_valid`, `<prefix>_ready` and (optionally) `<prefix>_data`. */
  prefix: string;
  beats: bigint[];
  /** When the source offers its next beat; default always. */
  validPattern?: Pattern;
}

export interface StreamSink {
  prefix: string;
  /** Number of beats to collect; the sink stops accepting afterwards. */
  count: number;
  /** When the sink is ready; default always. */
  readyPattern?: Pattern;
}

export interface StreamSpec {
  /** Cycles with reset asserted before the streams start (default 2). */
  resetCycles?: number;
  inputs: StreamSource[];
  outputs: StreamSink[];
  /** Other inputs, held for the whole run (unlisted ones are 0). */
  constants?: Record<string, bigint>;
  /** Output ports whose maximum value after reset is reported (e.g. a FIFO's occupancy). */
  watch?: string[];
  /** Cycles after reset before the run fails as a timeout (default 100000 + 100 per beat). */
  maxCycles?: number;
}

export interface StreamResult {
  outputs: Record<string, bigint[]>;
  /** Cycle index (after reset) of every transfer, per output prefix. */
  outputCycles: Record<string, number[]>;
  inputCycles: Record<string, number[]>;
  /** Cycles after reset up to and including the cycle of the last expected output beat. */
  cycles: number;
  watchMax: Record<string, bigint>;
  /** Protocol breaches on output streams, and (Icarus only) X/Z on outputs after reset. */
  violations: string[];
}

/** Waveform file formats: VCD (any viewer) or FST (compact; GTKWave, Surfer). */
export type TraceFormat = "vcd" | "fst";

export interface RunOptions {
  /**
   * Write a waveform here: VCD from Icarus; from Verilator in the format the model was built to
   * trace (`trace: true` or "vcd", or "fst").
   */
  vcd?: string;
  /** Verilator: first traced cycle, counting from 0 at the first reset cycle (default 0). */
  traceFromCycle?: number;
  /** Verilator: number of cycles traced from traceFromCycle (default: to the end of the run). */
  traceCycles?: number;
  /** Wall-clock limit for the simulator process in milliseconds (default 10 minutes). */
  timeoutMs?: number;
}

/** A design ready to simulate; both backends implement it with identical semantics. */
export interface SimModel {
  readonly simulator: "verilator" | "icarus";
  readonly topName: string;
  readonly ports: readonly TopPort[];
  /** True when this model came out of the build cache without building. */
  readonly cacheHit: boolean;
  runCycles(vectors: CycleVector[], options?: RunOptions): Promise<CycleOutputs[]>;
  runStreams(spec: StreamSpec, options?: RunOptions): Promise<StreamResult>;
}
