// `loom sim` in chunks: inputs are read, simulated and written out a chunk at a time, so memory
// stays flat however many images there are, and progress (images/s, ETA) is reported on stderr
// after every chunk. The timing figures of the chunks are combined into the whole run's.
import { closeSync, openSync, writeSync } from "node:fs";
import type { Compiled } from "../compiler/generate.js";
import { simulateOnnxCodes } from "../compiler/onnx-sim.js";
import { type Engine, simulateAccelerator, type WaveformOptions } from "../compiler/simulate.js";
import type { HostSpec } from "../onnx/host.js";
import { startProgress } from "./progress.js";
import { UserError } from "./user-error.js";

/** Images per simulator run: large enough that a Verilator run's start-up is amortized. */
export const SIM_CHUNK = 500;

export interface ChunkResult {
  /** Per input: the graph's float outputs (ONNX) or the integer scores (numbers, or strings beyond 2^53). */
  outputs: Array<Array<number | string>>;
  predictions: number[];
  cyclesPerInference: number;
  intervalSource: "measured" | "planned";
  latencyCycles: number;
}

export interface Timing {
  initiation_interval_cycles: number;
  initiation_interval_source: "measured" | "planned";
  latency_cycles: number;
}

function jsonInteger(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : `${v}`;
}

/** Simulates one chunk of input codes: the accelerator, plus the graph's host tail for ONNX models. */
export function chunkSimulator(
  compiled: Compiled,
  host: HostSpec | undefined,
  engine: Engine,
  trace?: WaveformOptions,
): (codes: bigint[][]) => Promise<ChunkResult> {
  return async (codes) => {
    if (host) return simulateOnnxCodes(compiled, host, codes, engine, { trace });
    const r = await simulateAccelerator(compiled, codes, engine, { trace });
    if (!r.outputs) throw new Error("the accelerator was built without its raw-score output");
    return { ...r, outputs: r.outputs.map((row) => row.map(jsonInteger)) };
  };
}

/** The whole run's timing: latency of the first chunk, interval averaged over every measured gap. */
function combine(parts: Array<{ n: number; r: ChunkResult }>): Timing {
  const first = parts[0]!.r;
  const measured = parts.filter((p) => p.r.intervalSource === "measured" && p.n > 1);
  const gaps = measured.reduce((s, p) => s + p.n - 1, 0);
  return {
    initiation_interval_cycles:
      gaps > 0
        ? measured.reduce((s, p) => s + p.r.cyclesPerInference * (p.n - 1), 0) / gaps
        : first.cyclesPerInference,
    initiation_interval_source: gaps > 0 ? "measured" : "planned",
    latency_cycles: first.latencyCycles,
  };
}

export interface StreamOptions {
  total: number;
  label: string;
  quiet?: boolean;
  /** Inputs per simulator run (default SIM_CHUNK; a waveform needs the whole run in one). */
  chunk?: number;
}

/**
 * Runs `items` through `simulate` a chunk at a time, calling `each` with every item's output and
 * prediction in order, and returns the combined timing.
 */
export async function simulateStreamed<T>(
  items: Iterable<T>,
  codesOf: (item: T) => bigint[],
  simulate: (codes: bigint[][]) => Promise<ChunkResult>,
  each: (item: T, output: Array<number | string>, prediction: number) => void,
  o: StreamOptions,
): Promise<Timing> {
  const size = o.chunk ?? SIM_CHUNK;
  const progress = startProgress(`${o.total} image${o.total === 1 ? "" : "s"} ${o.label}`, {
    total: o.total,
    unit: "images",
    quiet: o.quiet,
  });
  const parts: Array<{ n: number; r: ChunkResult }> = [];
  let done = 0;
  let batch: T[] = [];
  let codes: bigint[][] = [];
  const flush = async () => {
    const r = await simulate(codes);
    batch.forEach((item, i) => each(item, r.outputs[i]!, r.predictions[i]!));
    parts.push({ n: codes.length, r });
    done += codes.length;
    progress.update(done);
    batch = [];
    codes = [];
  };
  try {
    for (const item of items) {
      batch.push(item);
      codes.push(codesOf(item));
      if (codes.length >= size) await flush();
    }
    if (codes.length > 0) await flush();
  } catch (e) {
    progress.stop("failed");
    throw e;
  }
  progress.stop();
  return combine(parts);
}

/** Where results go: --out FILE (written as they come) or stdout. */
export interface Sink {
  write(text: string): void;
  close(): void;
}

export function openSink(out: string | undefined): Sink {
  if (!out) return { write: (t) => void process.stdout.write(t), close() {} };
  let fd: number;
  try {
    fd = openSync(out, "w");
  } catch (e) {
    throw new UserError(`--out ${out}: cannot write (${(e as Error).message})`);
  }
  return { write: (t) => void writeSync(fd, t), close: () => closeSync(fd) };
}
