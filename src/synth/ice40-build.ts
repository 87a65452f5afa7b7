// `loom synth` for an iCE40 board: the compiled accelerator behind the UART bridge, its pin
// file, then synthesis, place-and-route and bitstream, written next to the report as `ice40/`
// and as the `ice40` section of report.json / report.md.
import { join } from "node:path";
import { boardPcf } from "../compiler/constraints.js";
import type { Compiled } from "../compiler/generate.js";
import { nonZeroResets, SerialTop } from "../compiler/serial-top.js";
import { elaborate } from "../dsl/index.js";
import { writeOutputDir } from "../io/output-dir.js";
import { clocksPerBit } from "../lib/uart/index.js";
import { type EmittedDesign, emitVerilog } from "../rtl/emit.js";
import { type Ice40Result, runIce40Flow } from "./ice40.js";
import { addReportSection } from "./section.js";

/** The serial link's default rate (the FTDI parts on both boards run it without error at 12 MHz: 104 cycles per bit). */
export const DEFAULT_BAUD = 115200;

/** The accelerator behind the UART bridge, emitted, after checking it starts from the power-up state. */
export function serialDesign(
  compiled: Compiled,
  baud = DEFAULT_BAUD,
): { emitted: EmittedDesign; clocksPerBit: number } {
  const cpb = clocksPerBit(compiled.clockMHz * 1e6, baud);
  const design = elaborate(SerialTop, { plan: compiled.plan, clocksPerBit: cpb });
  const nonZero = nonZeroResets(design);
  if (nonZero.length > 0) {
    throw new Error(
      `the iCE40 top needs every reset value to be 0 (its power-up state); these are not: ${nonZero.slice(0, 5).join(", ")}`,
    );
  }
  return { emitted: emitVerilog(design), clocksPerBit: cpb };
}

export interface Ice40Section {
  tool: string;
  board: { name: string; part: string };
  top: string;
  baud: number;
  clocksPerBit: number;
  targetMHz: number;
  fmaxMHz?: number;
  meetsTarget: boolean;
  /** Images per second at the measured Fmax (initiation interval from the plan). */
  imagesPerSecondAtFmax?: number;
  cells: Record<string, number>;
  utilisation: Ice40Result["utilisation"];
  bitstream: string;
  seconds: Ice40Result["seconds"];
}

export function ice40Markdown(s: Ice40Section): string {
  const u = s.utilisation;
  const row = (label: string, key: string) =>
    u[key]
      ? `| ${label} | ${u[key]!.used} | ${u[key]!.available} | ${((100 * u[key]!.used) / u[key]!.available).toFixed(1)}% |`
      : "";
  const fmax = s.fmaxMHz === undefined ? "n/a" : `${s.fmaxMHz.toFixed(2)} MHz`;
  return `## Place and route (${s.tool})

${s.board.name} (${s.board.part}), top \`${s.top}\` (the accelerator behind a ${s.baud}-baud UART, ${s.clocksPerBit} cycles per bit).
Synthesis ${s.seconds.synth.toFixed(0)} s, place-and-route ${s.seconds.placeAndRoute.toFixed(0)} s. Bitstream: \`${s.bitstream}\`.

| | |
|---|---|
| maximum frequency (nextpnr, after routing) | ${fmax} |
| board clock | ${s.targetMHz} MHz (${s.meetsTarget ? "met" : "**not met**"}) |
| images/s at Fmax | ${s.imagesPerSecondAtFmax?.toLocaleString("en-US") ?? "n/a"} |

| resource | used | available | utilisation |
|---|---|---|---|
${[
  row("logic cells (LUT4 + FF)", "ICESTORM_LC"),
  row("EBR (4 Kib block RAM)", "ICESTORM_RAM"),
  row("SPRAM (256 Kib)", "ICESTORM_SPRAM"),
  row("DSP (SB_MAC16)", "ICESTORM_DSP"),
  row("I/O", "SB_IO"),
]
  .filter((r) => r !== "")
  .join("\n")}
`;
}

/** Builds the serial top for an iCE40 board, writes DIR/ice40/ and the report section. */
export async function buildIce40(
  compiled: Compiled,
  dir: string,
  o: { baud?: number; log?: (line: string) => void; onStatus?: (status: string) => void } = {},
): Promise<Ice40Section> {
  const log = o.log ?? (() => {});
  const board = compiled.board;
  const part = board.ice40;
  if (!part) throw new Error(`${board.name} is not an iCE40 board`);
  const baud = o.baud ?? DEFAULT_BAUD;
  const { emitted, clocksPerBit: cpb } = serialDesign(compiled, baud);
  const pcf = boardPcf(board);
  log(
    `synth_ice40 + nextpnr-ice40 (--${part.device} --package ${part.package}) on ${emitted.topName}; this takes a few minutes`,
  );
  const r = await runIce40Flow(
    { files: emitted.files, verilogFiles: emitted.verilogFiles, top: emitted.topName },
    part,
    { pcf, clockMHz: compiled.clockMHz, netlist: true, onStatus: o.onStatus },
  );
  const bin = `${emitted.topName}.bin`;
  // ice40/ is a directory of its own that Loom writes whole (staged, with its manifest).
  const files = new Map<string, string | Uint8Array>();
  for (const [name, text] of emitted.files) files.set(`rtl/${name}`, text);
  files.set(`${board.name}.pcf`, pcf);
  files.set(bin, r.bitstream);
  if (r.netlist) files.set("netlist.v", r.netlist);
  writeOutputDir(files, join(dir, "ice40"), { command: "loom synth", log });
  const section: Ice40Section = {
    tool: "Yosys synth_ice40 + nextpnr-ice40 + icepack (@yowasp)",
    board: { name: board.name, part: board.part },
    top: emitted.topName,
    baud,
    clocksPerBit: cpb,
    targetMHz: compiled.clockMHz,
    fmaxMHz: r.fmax,
    meetsTarget: r.fmax !== undefined && r.fmax >= compiled.clockMHz,
    imagesPerSecondAtFmax:
      r.fmax === undefined ? undefined : Math.round((r.fmax * 1e6) / compiled.plan.initiationInterval),
    cells: r.cells,
    utilisation: r.utilisation,
    bitstream: join("ice40", bin),
    seconds: r.seconds,
  };
  addReportSection(dir, "ice40", section, ice40Markdown(section), "\n## Place and route (");
  return section;
}
