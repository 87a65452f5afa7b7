// `loom synth`: Yosys synth_xilinx on a generated accelerator, per layer and in total against
// the board, written into report.json / report.md as the `synth` section.
import { cpSync, existsSync } from "node:fs";
import type { Command } from "commander";
import { compileModel, writeOutputs } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { getBoard } from "../fold/boards.js";
import { synthAccelerator } from "../synth/accelerator.js";
import { synthInputOf } from "../synth/compiled.js";
import { readGenDir } from "../synth/gen-dir.js";
import { buildIce40 } from "../synth/ice40-build.js";
import { writeSynthSection } from "../synth/section.js";
import { formatCells } from "../synth/yosys.js";
import { DEFAULT_MODEL } from "./gen.js";
import { startProgress } from "./progress.js";
import { runCommand, UserError } from "./user-error.js";

interface SynthOpts {
  board: string;
  model?: string;
  dir?: string;
  out?: string;
  folding?: string;
}

export function register(program: Command): void {
  program
    .command("synth")
    .description(
      "synthesise a generated accelerator with Yosys (synth_xilinx) and report resources per layer against the board",
    )
    .requiredOption(
      "--board <name>",
      "target board: zcu104, zcu102, ultra96, pynq-z1, pynq-z2; icebreaker, hx8k-breakout (place-and-route and bitstream)",
    )
    .option("--model <file>", `compile this model first (default ${DEFAULT_MODEL} when --dir is not given)`)
    .option("--dir <dir>", "an existing `loom gen` output directory")
    .option("--out <dir>", "where report.json/report.md go (default: --dir, or out/ with --model)")
    .option("--folding <file>", "with --model: use this folding (the folding.json shape gen writes)")
    .action((opts: SynthOpts) => runCommand(() => synthCommand(opts)));
}

const log = (line: string) => process.stderr.write(`loom: ${line}\n`);

export async function synthCommand(opts: SynthOpts): Promise<void> {
  if (opts.model && opts.dir) throw new UserError("give either --model or --dir, not both");
  if (opts.folding && opts.dir)
    throw new UserError("--folding applies to --model; a --dir was already folded");
  const board = getBoard(opts.board);
  if (board.ice40) return ice40Command(opts);
  let dir: string;
  let input: ReturnType<typeof readGenDir>;
  if (opts.dir) {
    if (!existsSync(opts.dir)) throw new UserError(`directory ${opts.dir} does not exist`);
    try {
      input = readGenDir(opts.dir);
    } catch (e) {
      throw new UserError((e as Error).message);
    }
    if (input.board && input.board !== board.name) {
      log(`note: ${opts.dir} was generated for ${input.board}; reporting against ${board.name}`);
    }
    dir = opts.out ?? opts.dir;
    // With a different --out, copy the generated files first so the source directory stays untouched.
    if (opts.out) cpSync(opts.dir, opts.out, { recursive: true });
  } else {
    const compiled = compileGiven(opts);
    dir = writeOutputs(compiled, opts.out ?? "out");
    input = synthInputOf(compiled);
  }
  const progress = startProgress("Yosys synthesis");
  const section = await synthAccelerator(input, board, { log: progress.log }).finally(() => progress.stop());
  writeSynthSection(dir, section);
  for (const w of section.warnings) log(`warning: ${w}`);
  log(`total: ${formatCells(section.total)}; ${section.fits ? "fits" : "does NOT fit"} ${board.displayName}`);
  process.stdout.write(`${dir}\n`);
}

/** Compiles --model (or the default model) for --board, with --folding when given. */
function compileGiven(opts: SynthOpts) {
  const model = opts.model ?? DEFAULT_MODEL;
  if (!existsSync(model)) throw new UserError(`model file ${model} does not exist`);
  return compileModel(loadModelSource(model).model, { board: opts.board, folding: opts.folding, log });
}

/** iCE40 boards: the accelerator behind its UART bridge, placed and routed, with a bitstream. */
async function ice40Command(opts: SynthOpts): Promise<void> {
  if (opts.dir)
    throw new UserError(`for ${opts.board} give --model: the UART top is built from the compiled model`);
  const compiled = compileGiven(opts);
  const dir = writeOutputs(compiled, opts.out ?? "out");
  const s = await buildIce40(compiled, dir, { log });
  const fmax = s.fmaxMHz === undefined ? "no clock" : `Fmax ${s.fmaxMHz.toFixed(2)} MHz`;
  const lc = s.utilisation.ICESTORM_LC;
  const ebr = s.utilisation.ICESTORM_RAM;
  log(
    `${fmax} (board clock ${s.targetMHz} MHz ${s.meetsTarget ? "met" : "NOT met"}); ` +
      `${lc?.used}/${lc?.available} logic cells, ${ebr?.used}/${ebr?.available} EBR; bitstream ${s.bitstream}`,
  );
  process.stdout.write(`${dir}\n`);
}
