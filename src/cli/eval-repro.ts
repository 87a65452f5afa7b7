// `loom eval --engine verilator`: when the hardware disagrees with the golden or trained model,
// the disagreeing images become a `loom sim` inputs file and a command that replays them with a
// waveform, so the failure can be looked at without re-running the whole split.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { writeFileAtomic } from "../io/write-file.js";

export interface Reproduction {
  inputsPath: string;
  /** The `loom sim` command line that replays the images in Verilator and writes a VCD. */
  command: string;
}

/** A word as a POSIX shell reads it back unchanged. */
function shellWord(s: string): string {
  return /^[\w./:=@%+-]+$/.test(s) ? s : `'${s.replaceAll("'", `'\\''`)}'`;
}

/** Where the reproduction of `model`'s disagreements on `split` goes in `dir`. */
export function reproductionPaths(
  dir: string,
  model: string,
  split: string,
): { inputs: string; vcd: string } {
  const stem = join(dir, `${basename(model).replace(/\.json$/, "")}-disagreements-${split}`);
  return { inputs: `${stem}.json`, vcd: `${stem}.vcd` };
}

/**
 * Writes `{"inputs": [...], "images": [...]}` (the images' input codes and their indices in the
 * split) into `dir`, or into a new temporary directory when `dir` is undefined.
 */
export function writeReproduction(o: {
  model: string;
  board: string;
  /** The build loads its weights at run time (`--weights runtime`). */
  runtimeWeights?: boolean;
  split: string;
  dir?: string;
  inputs: readonly (readonly bigint[])[];
  images: readonly number[];
}): Reproduction {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "loom-eval-"));
  mkdirSync(dir, { recursive: true });
  const paths = reproductionPaths(dir, o.model, o.split);
  const inputsPath = paths.inputs;
  const inputs = o.images.map((i) => o.inputs[i]!.map(Number));
  writeFileAtomic(inputsPath, `${JSON.stringify({ inputs, images: o.images })}\n`);
  const args = ["loom", "sim", "--model", o.model, "--inputs", inputsPath, "--engine", "verilator"];
  args.push("--board", o.board, ...(o.runtimeWeights ? ["--weights", "runtime"] : []), "--vcd", paths.vcd);
  return { inputsPath, command: args.map(shellWord).join(" ") };
}
