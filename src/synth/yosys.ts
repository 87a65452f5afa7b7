// Resource estimates from Yosys's `synth_xilinx`, run in-process from the WebAssembly build
// (@yowasp/yosys), so no vendor tool or native Yosys is needed. The numbers are Yosys's
// technology mapping, not Vivado's, but they show what a block maps to (block RAM or LUT RAM,
// how many LUTs of control logic) and catch a memory that failed to infer.
import type { EmittedDesign } from "../rtl/emit.js";

/** `xcup`: UltraScale+ (ZCU104, ZCU102, Ultra96); `xc7`: 7-series (PYNQ-Z1/Z2). */
export type XilinxFamily = "xcup" | "xc7";

export interface CellCounts {
  /** LUT1..LUT6 cells (logic LUTs; LUT RAM and SRLs are counted separately). */
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
  /** Keep the log (Yosys's stdout) in the result; default false. */
  keepLog?: boolean;
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

/**
 * Synthesises an emitted design with `synth_xilinx` out of context (no I/O buffers) and
 * returns its cell counts. Takes seconds to a minute: the first call compiles the WebAssembly.
 */
export async function synthXilinx(emitted: EmittedDesign, options: SynthOptions = {}): Promise<SynthResult> {
  const family = options.family ?? "xcup";
  const { runYosys } = await import("@yowasp/yosys");
  const files: Record<string, string> = {};
  for (const [name, text] of emitted.files) files[name] = text;
  const read = emitted.verilogFiles.map((f) => `read_verilog ${f}`).join("; ");
  const script = `${read}; synth_xilinx -family ${family} -top ${emitted.topName} -noiopad; tee -q -o stat.json stat -json`;
  const chunks: Uint8Array[] = [];
  const out = (await runYosys(["-q", "-p", script], files, {
    stdout: options.keepLog ? (b) => b && chunks.push(b) : null,
    stderr: (b) => b && chunks.push(b),
  })) as Record<string, unknown>;
  const raw = out["stat.json"];
  const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw as Uint8Array);
  const stat = JSON.parse(text) as { design?: { num_cells_by_type?: Record<string, number> } };
  const byType = stat.design?.num_cells_by_type ?? {};
  const log = options.keepLog ? Buffer.concat(chunks).toString("utf8") : undefined;
  return { top: emitted.topName, family, cells: classifyCells(byType), log };
}

/** One line for reports: `LUT 23  FF 40  LUTRAM 2  SRL 0  BRAM18 0  BRAM36 1  URAM 0  DSP 0`. */
export function formatCells(c: CellCounts): string {
  return `LUT ${c.lut}  FF ${c.ff}  LUTRAM ${c.lutram}  SRL ${c.srl}  BRAM18 ${c.bram18}  BRAM36 ${c.bram36}  URAM ${c.uram}  DSP ${c.dsp}`;
}
