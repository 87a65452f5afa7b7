// Resource estimates from Yosys's `synth_xilinx`, run from the WebAssembly build (@yowasp/yosys)
// in a worker thread, so no vendor tool or native Yosys is needed. The numbers are Yosys's
// technology mapping, not Vivado's, but they show what a block maps to (block RAM or LUT RAM,
// how many LUTs of control logic) and catch a memory that failed to infer.

import type { EmittedDesign } from "../rtl/emit.js";
import { type ModuleDepth, netlistDepths } from "./logic-depth.js";
import { weightMemoryModules } from "./memory-check.js";
import { hierarchicalCells, parseStat, type YosysStat } from "./stat.js";
import { YOSYS_HEADER_ARGS, YosysProgress } from "./yosys-progress.js";
import { runTool, ToolFailure } from "./yowasp-worker.js";

/** `xcup`: UltraScale+ (ZCU104, ZCU102, Ultra96); `xc7`: 7-series (PYNQ-Z1/Z2). */
export type XilinxFamily = "xcup" | "xc7";

export interface CellCounts {
  /** LUT1..LUT6 cells (logic LUTs; LUT RAM and SRLs are counted separately; INV cells, which Vivado absorbs, are in byType only). */
  lut: number;
  /** Flip-flops (FDRE, FDSE, FDCE, FDPE). */
  ff: number;
  /** Distributed RAM primitives (RAM32M, RAM64X1D, …); one primitive may span several LUTs. */
  lutram: number;
  /** Shift-register LUTs (SRL16E, SRLC32E). */
  srl: number;
  bram18: number;
  bram36: number;
  uram: number;
  dsp: number;
  carry: number;
  /** Every cell type with its count, as Yosys reports it. */
  byType: Record<string, number>;
}

export interface SynthOptions {
  family?: XilinxFamily;
  /** Keep the log (Yosys's section headers, warnings and errors) in the result; default false. */
  keepLog?: boolean;
  /** Flatten the hierarchy before synthesis (`synth_xilinx -flatten`); default false. */
  flatten?: boolean;
  /** Weight memories to keep as modules of their own rather than inline into their MVAU (`inlineWeightMemories`). */
  memoriesApart?: readonly string[];
  /** Also measure each module's logic depth from the netlist (logic-depth.ts); default false. */
  depth?: boolean;
  /** Told what Yosys is doing as it goes (the pass, and the module in per-module passes). */
  onStatus?: (status: string) => void;
}

export interface SynthResult {
  top: string;
  family: XilinxFamily;
  cells: CellCounts;
  log?: string;
}

/** Sums the cell types of a `stat -json` report into the categories of CellCounts. */
export function classifyCells(byType: Record<string, number>): CellCounts {
  const c: CellCounts = {
    lut: 0,
    ff: 0,
    lutram: 0,
    srl: 0,
    bram18: 0,
    bram36: 0,
    uram: 0,
    dsp: 0,
    carry: 0,
    byType,
  };
  for (const [type, n] of Object.entries(byType)) {
    if (/^LUT[1-6]$/.test(type)) c.lut += n;
    else if (/^FD[RSCP]E$/.test(type)) c.ff += n;
    else if (/^RAM\d+(X\d+[SDQ]?|M\d*)/.test(type)) c.lutram += n;
    else if (/^SRL/.test(type)) c.srl += n;
    else if (type === "RAMB18E1" || type === "RAMB18E2") c.bram18 += n;
    else if (type === "RAMB36E1" || type === "RAMB36E2") c.bram36 += n;
    else if (type.startsWith("URAM")) c.uram += n;
    else if (type.startsWith("DSP48")) c.dsp += n;
    else if (type.startsWith("CARRY")) c.carry += n;
  }
  return c;
}

/** What Yosys needs: Verilog and memory-image files by name, which to read, and the top. */
export interface SynthInput {
  files: ReadonlyMap<string, string> | Record<string, string>;
  verilogFiles: readonly string[];
  top: string;
}

/**
 * Vivado builds a `rom_style = "distributed"` ROM from LUTs as logic; Yosys 0.55 rejects that
 * style for ROMs ("no valid mapping found for memory") and calls the same thing "logic".
 */
export function forYosys(verilog: string): string {
  return verilog.replace(/rom_style\s*=\s*"distributed"/g, 'rom_style = "logic"');
}

/** Yosys's file tree for a synthesis input (ROM styles translated, see `forYosys`) and the read commands. */
export function yosysFiles(
  input: SynthInput,
  translate: (verilog: string) => string = forYosys,
): { files: Record<string, string>; read: string } {
  const files: Record<string, string> = {};
  const entries = input.files instanceof Map ? [...input.files] : Object.entries(input.files);
  for (const [name, text] of entries) files[name] = name.endsWith(".v") ? translate(text) : text;
  const read = input.verilogFiles.map((f) => `read_verilog ${f}`).join("; ");
  return { files, read };
}

const NETLIST_BEGIN = "LOOM-NETLIST-BEGIN";
const NETLIST_END = "LOOM-NETLIST-END";

/**
 * The script step that writes the design's own modules (`-selected`: not the 8 MB of cell
 * library that `write_json` adds otherwise) as a JSON netlist, read back with `netlistOf`. It goes
 * to stdout between two markers, not to a file: the YoWASP runtime grows an output file by
 * copying it on every write, so a netlist of a few hundred megabytes never finished writing
 * (pneumonia-w8a8's fc0 at II 128 was still in `write_json` after 28 minutes).
 */
export const WRITE_NETLIST = `log -stdout ${NETLIST_BEGIN}; write_json -selected; log -stdout ${NETLIST_END}`;

/** The JSON netlist that `WRITE_NETLIST` put in a run's output, or undefined when there is none. */
export function netlistOf(output: string): string | undefined {
  const begin = output.indexOf(`${NETLIST_BEGIN}\n`);
  const end = output.indexOf(NETLIST_END, begin);
  if (begin < 0 || end < 0) return undefined;
  const json = output.indexOf("\n{", begin);
  return json < 0 || json > end ? undefined : output.slice(json + 1, end);
}

/**
 * How `synth_xilinx` keeps the hierarchy but inlines each weight memory (`weights_<pe>` in an MVAU,
 * src/lib/mvau/weight-memory.ts) into its MVAU: every module gets `keep_hierarchy` but those, and
 * `-flatten` then removes only their boundary. Inside the MVAU, Yosys merges a shallow LUT ROM's
 * logic with the products it feeds; across a kept boundary it cannot (TFC's MatMul_1 at PE 64 /
 * SIMD 16: 9,438 LUT inlined, 11,457 apart). Memories in `apart` (read as black boxes, or the
 * run's top) keep their boundary: a large layer's memories are synthesised in runs of their own
 * (split.ts).
 */
export function inlineWeightMemories(
  input: SynthInput,
  apart: readonly string[] = [],
): { before: string; flatten: string } {
  const texts = input.files instanceof Map ? [...input.files.values()] : Object.values(input.files);
  const keep = new Set([...apart, input.top]);
  const inline = [...new Set(texts.flatMap((t) => weightMemoryModules(t)))].filter((m) => !keep.has(m));
  if (inline.length === 0) return { before: "", flatten: "" };
  return {
    before: `setattr -mod -set keep_hierarchy 1 *; setattr -mod -unset keep_hierarchy ${inline.join(" ")}; `,
    flatten: " -flatten",
  };
}

/** A file Yosys or nextpnr wrote, as text. */
export function outputText(out: Record<string, unknown>, name: string): string | undefined {
  const raw = out[name];
  if (raw === undefined) return undefined;
  return typeof raw === "string" ? raw : new TextDecoder().decode(raw as Uint8Array);
}

/**
 * Runs one Yosys script (in a worker thread, yowasp-worker.ts) and returns the files it left with
 * its output: the section headers of `-v 3`, warnings and errors. `onStatus` is told the current
 * pass and module as Yosys reaches them (yosys-progress.ts). A failure throws with Yosys's error
 * lines, which name the problem.
 */
export async function runYosysScript(
  script: string,
  files: Record<string, string>,
  what: string,
  o: { onStatus?: (status: string) => void; modules?: number; lane?: number } = {},
): Promise<{ out: Record<string, unknown>; log: string }> {
  const follow = new YosysProgress(o.modules);
  const onLine = o.onStatus && ((line: string) => follow.line(line) && o.onStatus!(follow.status));
  try {
    const { out, output } = await runTool({
      pkg: "@yowasp/yosys",
      command: "runYosys",
      args: [...YOSYS_HEADER_ARGS, "-p", script],
      files,
      onLine,
      lane: o.lane,
    });
    return { out, log: output };
  } catch (e) {
    throw new Error(`Yosys failed on ${what}: ${failureSummary(e)}`);
  }
}

/** The error lines a failed tool wrote (or its last lines, or the error itself), on one line. */
export function failureSummary(e: unknown): string {
  const output = e instanceof ToolFailure ? e.output : "";
  const lines = output.trim().split("\n");
  const errors = lines.filter((l) => /^ERROR|error:/i.test(l));
  const tail = (errors.length > 0 ? errors : lines.slice(-3)).join(" | ");
  return tail || (e as Error).message;
}

/**
 * Runs `synth_xilinx` out of context (no I/O buffers) and returns Yosys's per-module statistics.
 * The hierarchy is kept unless `flatten` is set, so each module's cells can be read separately.
 */
export async function runSynthStat(
  input: SynthInput,
  options: SynthOptions = {},
): Promise<{ stat: YosysStat; log?: string; depths?: Map<string, ModuleDepth>; netlist?: string }> {
  const family = options.family ?? "xcup";
  const { files, read } = yosysFiles(input);
  const inline = options.flatten
    ? { before: "", flatten: " -flatten" }
    : inlineWeightMemories(input, options.memoriesApart);
  // The JSON netlist (with `depth`) is returned too, for checks on its cells' parameters.
  const json = options.depth ? `; ${WRITE_NETLIST}` : "";
  const script = `${read}; ${inline.before}synth_xilinx -family ${family} -top ${input.top} -noiopad${inline.flatten}; tee -q -o stat.json stat -json -top ${input.top}${json}`;
  const { out, log } = await runYosysScript(script, files, input.top, {
    onStatus: options.onStatus,
    modules: input.verilogFiles.length,
  });
  const text = outputText(out, "stat.json");
  if (text === undefined) throw new Error(`Yosys wrote no statistics for ${input.top}: ${log.slice(0, 500)}`);
  const netlist = options.depth ? netlistOf(log) : undefined;
  return {
    stat: parseStat(text),
    log: options.keepLog ? log : undefined,
    depths: netlist === undefined ? undefined : netlistDepths(netlist),
    netlist,
  };
}

/**
 * Synthesises an emitted design with `synth_xilinx` out of context (no I/O buffers) and
 * returns its cell counts. Takes seconds to a minute: the first call compiles the WebAssembly.
 */
export async function synthXilinx(emitted: EmittedDesign, options: SynthOptions = {}): Promise<SynthResult> {
  const family = options.family ?? "xcup";
  const { stat, log } = await runSynthStat(
    { files: emitted.files, verilogFiles: emitted.verilogFiles, top: emitted.topName },
    { ...options, family },
  );
  return {
    top: emitted.topName,
    family,
    cells: classifyCells(hierarchicalCells(stat, emitted.topName)),
    log,
  };
}

/** One line for reports: `LUT 23  FF 40  LUTRAM 2  SRL 0  BRAM18 0  BRAM36 1  URAM 0  DSP 0`. */
export function formatCells(c: CellCounts): string {
  return `LUT ${c.lut}  FF ${c.ff}  LUTRAM ${c.lutram}  SRL ${c.srl}  BRAM18 ${c.bram18}  BRAM36 ${c.bram36}  URAM ${c.uram}  DSP ${c.dsp}`;
}
