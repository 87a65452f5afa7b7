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
  const stem = join(dir, `${basename(model).replace(/\.(json|onnx)$/, "")}-disagreements-${split}`);
  return { inputs: `${stem}.json`, vcd: `${stem}.vcd` };
}

/**
 * Writes `{"inputs": [...], "images": [...]}` (the images' inputs as `loom sim --inputs` takes
 * them — a Loom model's codes, an ONNX graph's float input — and their indices in the split) into
 * `dir`, or into a new temporary directory when `dir` is undefined.
 */
export function writeReproduction(o: {
  model: string;
  board: string;
  /** The build loads its weights at run time (`--weights runtime`). */
  runtimeWeights?: boolean;
  split: string;
  dir?: string;
  /** Image i's input. */
  inputOf: (image: number) => readonly (bigint | number)[];
  images: readonly number[];
}): Reproduction {
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), "loom-eval-"));
  mkdirSync(dir, { recursive: true });
  const paths = reproductionPaths(dir, o.model, o.split);
  const inputsPath = paths.inputs;
  const inputs = o.images.map((i) => o.inputOf(i).map(Number));
  writeFileAtomic(inputsPath, `${JSON.stringify({ inputs, images: o.images })}\n`);
  const args = ["loom", "sim", "--model", o.model, "--inputs", inputsPath, "--engine", "verilator"];
  args.push("--board", o.board, ...(o.runtimeWeights ? ["--weights", "runtime"] : []), "--vcd", paths.vcd);
  return { inputsPath, command: args.map(shellWord).join(" ") };
}

/** Writes the reproduction of the images the hardware got differently and says where it is, on stderr. */
export function reportDisagreements(o: Parameters<typeof writeReproduction>[0]): void {
  const repro = writeReproduction(o);
  process.stderr.write(
    `loom: the hardware disagrees on ${o.images.length} image(s); their inputs are in ${repro.inputsPath}\nloom: replay them with a waveform: ${repro.command}\n`,
  );
}
