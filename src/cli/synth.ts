// `loom synth`: Yosys synth_xilinx on a generated accelerator, per layer and in total against
// the board, written into report.json / report.md as the `synth` section.
import { cpSync, existsSync } from "node:fs";
import type { Command } from "commander";
import { compileModel, writeOutputs } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { getBoard } from "../nn/boards.js";
import { synthAccelerator } from "../synth/accelerator.js";
import { synthInputOf } from "../synth/compiled.js";
import { readGenDir } from "../synth/gen-dir.js";
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
}

export function register(program: Command): void {
  program
    .command("synth")
    .description(
      "synthesise a generated accelerator with Yosys (synth_xilinx) and report resources per layer against the board",
    )
    .requiredOption("--board <name>", "target board: zcu104, zcu102, ultra96, pynq-z1, pynq-z2")
    .option("--model <file>", `compile this model first (default ${DEFAULT_MODEL} when --dir is not given)`)
    .option("--dir <dir>", "an existing `loom gen` output directory")
    .option("--out <dir>", "where report.json/report.md go (default: --dir, or out/ with --model)")
    .action((opts: SynthOpts) => runCommand(() => synthCommand(opts)));
}

const log = (line: string) => process.stderr.write(`loom: ${line}\n`);

export async function synthCommand(opts: SynthOpts): Promise<void> {
  if (opts.model && opts.dir) throw new UserError("give either --model or --dir, not both");
  const board = getBoard(opts.board);
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
    const model = opts.model ?? DEFAULT_MODEL;
    if (!existsSync(model)) throw new UserError(`model file ${model} does not exist`);
    const compiled = compileModel(loadModelSource(model).model, { board: board.name, log });
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
