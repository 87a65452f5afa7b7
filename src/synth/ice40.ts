// The open iCE40 flow, all from WebAssembly (in worker threads, yowasp-worker.ts): Yosys `synth_ice40`, nextpnr-ice40
// place-and-route (@yowasp/nextpnr-ice40) and icepack. Unlike the Xilinx path this is real
// timing: nextpnr's static timing analysis of the placed and routed design gives the clock's
// maximum frequency, and icepack the bitstream a board boots from.
import { withoutLutRam } from "../core/memory-style.js";
import { ICE40_DSP_MIN_PRODUCT_BITS } from "../fold/boards.js";
import type { Ice40Part } from "../fold/ice40-boards.js";
import { parseStat } from "./stat.js";
import {
  failureSummary,
  forYosys,
  outputText,
  runYosysScript,
  type SynthInput,
  yosysFiles,
} from "./yosys.js";
import { runTool, type Tree } from "./yowasp-worker.js";

/**
 * iCE40 has no LUT RAM: a memory the generator marks `ram_style = "distributed"` (not block
 * RAM) is built from logic cells, which Yosys calls "logic" (it finds no other mapping). A
 * memory left to the tool (no attribute) goes where the one memory policy says for a part
 * without LUT RAM (`withoutLutRam`): logic when small, else left to Yosys (block RAM).
 */
export function forIce40(verilog: string): string {
  return keepDspProducts(forYosys(verilog))
    .replace(/ram_style\s*=\s*"distributed"/g, 'ram_style = "logic"')
    .replace(
      /^(\s*)reg \[(\d+):0\] (\w+) \[0:(\d+)\];/gm,
      (line, indent: string, msb: string, name: string, last: string) =>
        withoutLutRam((Number(msb) + 1) * (Number(last) + 1)) === "distributed"
          ? `${indent}(* ram_style = "logic" *) reg [${msb}:0] ${name} [0:${last}];`
          : line,
    );
}

/**
 * Yosys 0.55's `ice40_dsp` miscompiles the MVAU's adder tree: for \`s <= p0 + p1\` over two
 * registered products it packs one product, the adder and p0's register into one SB_MAC16 and
 * leaves its C/D input (p0) undefined, so the other product is lost (the netlist computes x,
 * the board p1 alone; docs/resource-estimates.md, "iCE40"). A `keep` on the product registers
 * that go to a DSP (at least `ICE40_DSP_MIN_PRODUCT_BITS` wide, the SB_MAC16 rule) stops that
 * packing: each product gets its SB_MAC16 and the sum is right. Narrower products stay in logic,
 * where `keep` would only stop Yosys trimming their registers.
 */
export function keepDspProducts(verilog: string): string {
  return verilog.replace(
    /^(\s*)reg (signed )?\[(\d+):0\] (product_\w+);/gm,
    (line, indent: string, signed: string | undefined, msb: string, name: string) =>
      Number(msb) + 1 >= ICE40_DSP_MIN_PRODUCT_BITS
        ? `${indent}(* keep *) reg ${signed ?? ""}[${msb}:0] ${name};`
        : line,
  );
}

export interface Ice40Options {
  /** Pin constraints (`.pcf` text); without them nextpnr places the I/Os where it likes. */
  pcf?: string;
  /** Clock target for nextpnr (`--freq`); timing is reported either way. */
  clockMHz: number;
  /** Also return Yosys's post-synthesis netlist as Verilog (for simulation with cells_sim.v). */
  netlist?: boolean;
  /** Placement seed (default nextpnr's). */
  seed?: number;
  /** Told which tool runs, and in Yosys the pass and module (yosys-progress.ts). */
  onStatus?: (status: string) => void;
}

export interface Ice40Utilisation {
  used: number;
  available: number;
}

export interface Ice40Result {
  top: string;
  device: string;
  /** Cells after `synth_ice40` (SB_LUT4, SB_DFF*, SB_CARRY, SB_RAM40_4K, SB_MAC16, …). */
  cells: Record<string, number>;
  /** nextpnr's maximum frequency per clock net, after routing. */
  fmaxMHz: Record<string, number>;
  /** The design's clock: the lowest of the per-clock maxima (undefined with no clocked logic). */
  fmax?: number;
  /** nextpnr's placed utilisation per resource (ICESTORM_LC, ICESTORM_RAM, ICESTORM_DSP, …). */
  utilisation: Record<string, Ice40Utilisation>;
  /** The bitstream icepack wrote (`.bin`). */
  bitstream: Uint8Array;
  netlist?: string;
  seconds: { synth: number; placeAndRoute: number; pack: number };
}

interface NextpnrReport {
  fmax?: Record<string, { achieved?: number; constraint?: number }>;
  utilization?: Record<string, { used?: number; available?: number }>;
}

/** Reads Fmax per clock and utilisation from nextpnr's `--report` JSON. */
export function parseNextpnrReport(text: string): {
  fmaxMHz: Record<string, number>;
  utilisation: Record<string, Ice40Utilisation>;
} {
  let raw: NextpnrReport;
  try {
    raw = JSON.parse(text) as NextpnrReport;
  } catch {
    throw new Error("nextpnr's report is not JSON");
  }
  if (!raw || typeof raw.utilization !== "object")
    throw new Error("nextpnr's report has no utilization section");
  const fmaxMHz: Record<string, number> = {};
  for (const [clock, f] of Object.entries(raw.fmax ?? {})) {
    if (typeof f.achieved === "number") fmaxMHz[clock] = f.achieved;
  }
  const utilisation: Record<string, Ice40Utilisation> = {};
  for (const [res, u] of Object.entries(raw.utilization ?? {})) {
    utilisation[res] = { used: u.used ?? 0, available: u.available ?? 0 };
  }
  return { fmaxMHz, utilisation };
}

/** Runs one nextpnr-ice40 or icepack command; a failure throws with its error lines. */
async function runIce40Tool(command: string, name: string, args: string[], files: Tree) {
  try {
    const { out, output } = await runTool({ pkg: "@yowasp/nextpnr-ice40", command, args, files });
    return { out, log: output };
  } catch (e) {
    throw new Error(`${name} failed: ${failureSummary(e)}`);
  }
}

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Synthesis, place-and-route and bitstream for one iCE40 part. */
export async function runIce40Flow(
  input: SynthInput,
  part: Ice40Part,
  o: Ice40Options,
): Promise<Ice40Result> {
  const { files, read } = yosysFiles(input, forIce40);
  const dsp = part.dsp > 0 ? " -dsp" : "";
  const netlist = o.netlist ? "; write_verilog -noattr netlist.v" : "";
  let since = performance.now();
  const synth = await runYosysScript(
    `${read}; synth_ice40${dsp} -top ${input.top} -json top.json; tee -q -o stat.json stat -json -top ${input.top}${netlist}`,
    files,
    input.top,
    { onStatus: o.onStatus && ((s) => o.onStatus!(`synth_ice40 ${s}`)), modules: input.verilogFiles.length },
  );
  const synthSeconds = seconds(since);
  const stat = parseStat(outputText(synth.out, "stat.json") ?? "");
  const json = outputText(synth.out, "top.json");
  if (json === undefined) throw new Error(`Yosys wrote no netlist for ${input.top}`);

  since = performance.now();
  const pnrFiles: Tree = { "top.json": json };
  const args = [`--${part.device}`, "--package", part.package, "--json", "top.json"];
  if (o.pcf !== undefined) {
    pnrFiles["top.pcf"] = o.pcf;
    args.push("--pcf", "top.pcf");
  }
  if (o.seed !== undefined) args.push("--seed", String(o.seed));
  args.push("--freq", String(o.clockMHz), "--asc", "top.asc", "--report", "report.json");
  o.onStatus?.("nextpnr-ice40 placing and routing");
  const pnr = await runIce40Tool("runNextpnrIce40", "nextpnr-ice40", args, pnrFiles);
  const pnrSeconds = seconds(since);
  const report = parseNextpnrReport(outputText(pnr.out, "report.json") ?? "");

  since = performance.now();
  const asc = outputText(pnr.out, "top.asc");
  if (asc === undefined) throw new Error("nextpnr-ice40 wrote no .asc");
  o.onStatus?.("icepack");
  const pack = await runIce40Tool("runIcepack", "icepack", ["top.asc", "top.bin"], {
    "top.asc": asc,
  });
  const bin = pack.out["top.bin"];
  if (!(bin instanceof Uint8Array)) throw new Error("icepack wrote no bitstream");
  const fmaxes = Object.values(report.fmaxMHz);
  return {
    top: input.top,
    device: `iCE40${part.device.toUpperCase()}-${part.package.toUpperCase()}`,
    cells: stat.design ?? stat.modules.get(input.top) ?? {},
    fmaxMHz: report.fmaxMHz,
    fmax: fmaxes.length > 0 ? Math.min(...fmaxes) : undefined,
    utilisation: report.utilisation,
    bitstream: bin,
    netlist: o.netlist ? outputText(synth.out, "netlist.v") : undefined,
    seconds: { synth: synthSeconds, placeAndRoute: pnrSeconds, pack: seconds(since) },
  };
}
