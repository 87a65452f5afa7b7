// `loom gen`: compile a quantized model into an accelerator for a board.
import { existsSync } from "node:fs";
import { type Command, Option } from "commander";
import { compileModel, writeOutputs } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { checkOutDir } from "../io/output-dir.js";
import type { WeightMemoryStyle } from "../lib/mvau/params.js";
import { integerFrom, MAX_CLOCK_MHZ, numberIn, weightsOption } from "./options.js";
import { runCommand, UserError } from "./user-error.js";

/** The shipped pneumonia classifier. */
export const DEFAULT_MODEL = "models/pneumonia-cnn-w4a4.json";

export function register(program: Command): void {
  program
    .command("gen")
    .description(
      "compile a quantized model into a streaming accelerator (Verilog, constraints, Vivado script, report)",
    )
    .requiredOption("--board <name>", "target board: zcu104, zcu102, ultra96, pynq-z1, pynq-z2")
    .option("--model <file>", "model file (.json in Loom's format, or .onnx)", DEFAULT_MODEL)
    .option("--out <dir>", "output directory", "out")
    .option("--force", "write into a non-empty directory loom did not write (its other files are kept)")
    .option(
      "--clock <MHz>",
      `PL clock in MHz, at most ${MAX_CLOCK_MHZ} (default: the board's)`,
      numberIn(0, MAX_CLOCK_MHZ, " MHz"),
    )
    .addOption(
      new Option("--target-fps <n>", "fold for this many inferences per second at the clock")
        .argParser(numberIn(0, Number.POSITIVE_INFINITY))
        .conflicts(["cyclesPerInference", "folding"]),
    )
    .addOption(
      new Option(
        "--cycles-per-inference <n>",
        "fold for this initiation interval (cycles between inferences)",
      )
        .argParser(integerFrom(1))
        .conflicts("folding"),
    )
    .option("--folding <file>", "use this folding (the folding.json shape gen writes)")
    .option(
      "--utilisation <fraction>",
      "share of each board resource the folding may use, in (0, 1] (default 0.7)",
      numberIn(0, 1),
    )
    .option(
      "--weight-memory <style>",
      "auto | block | distributed | ultra: every layer's weights (default auto: the memory policy, or what the folding search chooses per layer to fit the board; ultra = UltraRAM, needs --weights runtime)",
    )
    .addOption(weightsOption())
    .option(
      "--multipliers <style>",
      "dsp | lut: every product in DSP slices or in LUTs (default: DSP, or LUTs where the folding search needs them to fit the board)",
    )
    .option(
      "--no-dsp-packing",
      "give every PE its own DSP multiplier (default: PEs share one where products fit)",
    )
    .option(
      "--no-dsp-primitive",
      "write shared products as multiplications for synthesis to infer (default on UltraScale+: instantiated DSP48E2s, their pipeline registers inside)",
    )
    .option("--scores", "also stream out the last layer's raw scores")
    .option(...FIXED_POINT_OPTION)
    .action(
      (opts: {
        board: string;
        model: string;
        out: string;
        force?: boolean;
        clock?: number;
        targetFps?: number;
        cyclesPerInference?: number;
        folding?: string;
        utilisation?: number;
        weightMemory?: string;
        weights: "rom" | "runtime";
        multipliers?: string;
        dspPacking: boolean;
        dspPrimitive: boolean;
        scores?: boolean;
        inputFixedPoint: string;
      }) =>
        runCommand(async () => {
          const started = performance.now();
          if (!existsSync(opts.model)) throw new UserError(`model file ${opts.model} does not exist`);
          checkOutDir(opts.out, { force: opts.force });
          if (opts.weightMemory === "ultra" && opts.weights !== "runtime") {
            throw new UserError(
              "--weight-memory ultra needs --weights runtime (UltraRAM cannot be initialised from the bitstream)",
            );
          }
          if (opts.weightMemory && !["auto", "block", "distributed", "ultra"].includes(opts.weightMemory)) {
            throw new UserError(
              `--weight-memory must be auto, block, distributed or ultra, got "${opts.weightMemory}"`,
            );
          }
          if (opts.multipliers && !["dsp", "lut"].includes(opts.multipliers)) {
            throw new UserError(`--multipliers must be dsp or lut, got "${opts.multipliers}"`);
          }
          const compiled = await compileAny(
            opts.model,
            {
              board: opts.board,
              clockMHz: opts.clock,
              targetFps: opts.targetFps,
              cyclesPerInference: opts.cyclesPerInference,
              folding: opts.folding,
              utilisation: opts.utilisation,
              weightMemory: opts.weightMemory as WeightMemoryStyle | undefined,
              runtimeWeights: opts.weights === "runtime",
              multipliers: opts.multipliers as "dsp" | "lut" | undefined,
              dspPacking: opts.dspPacking,
              dspPrimitive: opts.dspPrimitive,
              scores: opts.scores,
              log: (line) => process.stderr.write(`loom: ${line}\n`),
            },
            parseFixedPoint(opts.inputFixedPoint),
          );
          const dir = writeOutputs(compiled, opts.out, {
            force: opts.force,
            log: (line) => process.stderr.write(`loom: ${line}\n`),
          });
          const r = compiled.report;
          process.stderr.write(
            `loom: ${r.top}: II ${r.initiationInterval} cycles per inference, latency ${r.latencyCycles} cycles, ${r.throughputPerSecond.toLocaleString("en-US")} inferences/s at ${r.board.clockMHz} MHz; ` +
              `est. ${r.estimate.lut} LUT, ${r.estimate.bram36} BRAM36, ${r.estimate.uram ? `${r.estimate.uram} URAM, ` : ""}${r.estimate.dsp} DSP` +
              `${r.binding ? `; ${r.binding.resource} binds (${r.binding.detail})` : ""}; done in ${((performance.now() - started) / 1000).toFixed(2)} s\n`,
          );
          process.stdout.write(`${dir}\n`);
        }),
    );
}

/** Compiles a Loom model file or an ONNX file. */
async function compileAny(
  path: string,
  o: Parameters<typeof compileModel>[1],
  fixed?: { bits: number; intBits: number },
) {
  return compileModel(loadModelSource(path, { inputFixedPoint: fixed }).model, o);
}

/** The ONNX fixed-point input flag that gen and sim share. */
export const FIXED_POINT_OPTION = [
  "--input-fixed-point <bits,intBits>",
  "fixed-point input format for ONNX graphs with an unquantized float input",
  "16,6",
] as const;

/** "16,6" → 16 bits with 6 integer bits (sign included), as hls4ml's ap_fixed<16,6>. */
export function parseFixedPoint(text: string): { bits: number; intBits: number } {
  const m = /^(\d+),(-?\d+)$/.exec(text.trim());
  if (!m)
    throw new UserError(
      `--input-fixed-point must look like "16,6" (total bits, integer bits), got "${text}"`,
    );
  return { bits: Number(m[1]), intBits: Number(m[2]) };
}
