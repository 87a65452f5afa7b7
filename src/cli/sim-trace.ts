// `loom sim --vcd/--fst`: waveform options, checked before anything is built.
import type { Command } from "commander";
import type { WaveformOptions } from "../compiler/simulate.js";
import { refuseOverwrite } from "../io/write-file.js";
import { integerFrom } from "./options.js";
import { UserError } from "./user-error.js";

export interface TraceFlags {
  vcd?: string;
  fst?: string;
  traceFrom?: number;
  traceCycles?: number;
  traceDepth?: number;
  force?: boolean;
}

export function addTraceOptions(command: Command): Command {
  return command
    .option("--vcd <file>", "verilator engine: write a VCD waveform of the run")
    .option("--fst <file>", "verilator engine: write an FST waveform (much smaller; GTKWave, Surfer)")
    .option(
      "--trace-from <cycle>",
      "first traced cycle, counting from 0 at the first reset cycle",
      integerFrom(0),
    )
    .option("--trace-cycles <n>", "number of cycles traced (default: to the end of the run)", integerFrom(1))
    .option(
      "--trace-depth <levels>",
      "levels of hierarchy traced: 1 = the top module's own signals, 2 = its blocks' too (default all)",
      integerFrom(1),
    )
    .option("--force", "replace an existing waveform or --save-inputs file");
}

/** The waveform request, or undefined when none was asked for. */
export function waveformRequest(o: TraceFlags, engine: string): WaveformOptions | undefined {
  if (o.vcd && o.fst) throw new UserError("--vcd and --fst: choose one waveform format");
  const path = o.vcd ?? o.fst;
  const windowed = o.traceFrom !== undefined || o.traceCycles !== undefined || o.traceDepth !== undefined;
  if (!path) {
    if (windowed) throw new UserError("--trace-from, --trace-cycles and --trace-depth need --vcd or --fst");
    return undefined;
  }
  if (engine !== "verilator")
    throw new UserError(`--${o.vcd ? "vcd" : "fst"} needs --engine verilator (got ${engine})`);
  refuseOverwrite([path], o.force === true, "loom sim");
  return {
    path,
    format: o.vcd ? "vcd" : "fst",
    fromCycle: o.traceFrom,
    cycles: o.traceCycles,
    depth: o.traceDepth,
  };
}
