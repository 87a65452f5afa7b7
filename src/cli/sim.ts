// `loom sim`: run input vectors through a model's accelerator (or its golden model).
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { compileModel } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { quantizeOnnxInputs, simulateOnnxCodes } from "../compiler/onnx-sim.js";
import { type Engine, simulateAccelerator } from "../compiler/simulate.js";
import { FIXED_POINT_OPTION, parseFixedPoint } from "./gen.js";
import { withProgress } from "./progress.js";
import { addTraceOptions, type TraceFlags, waveformRequest } from "./sim-trace.js";
import { runCommand, UserError } from "./user-error.js";

const inputsSchema = z.object({
  inputs: z.array(z.array(z.union([z.number(), z.string().regex(/^-?\d+$/)]))).min(1),
});

/** The inputs file as numbers (for ONNX graphs, whose inputs are floats). */
export function readFloatInputs(path: string): number[][] {
  return readRaw(path).map((row) => row.map(Number));
}

function readRaw(path: string): Array<Array<number | string>> {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`${path}: cannot read the inputs (${(e as Error).message})`);
  }
  const parsed = inputsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(
      `${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}; expected {"inputs": [[...], ...]}`,
    );
  }
  return parsed.data.inputs;
}

export function readInputs(path: string): bigint[][] {
  return readRaw(path).map((row, i) =>
    row.map((v, j) => {
      if (typeof v === "number" && !Number.isInteger(v)) {
        throw new UserError(
          `${path}: inputs[${i}][${j}] = ${v} is not an integer in the model's input datatype`,
        );
      }
      return BigInt(v);
    }),
  );
}

/**
 * The two timing figures under their own names: the initiation interval (cycles between results
 * at steady state; "measured" needs at least two inputs in an RTL engine) and the latency (cycles
 * from the first input beat to the first result).
 */
function timing(r: { cyclesPerInference: number; intervalSource: string; latencyCycles: number }) {
  return {
    initiation_interval_cycles: r.cyclesPerInference,
    initiation_interval_source: r.intervalSource,
    latency_cycles: r.latencyCycles,
  };
}

export function register(program: Command): void {
  const command = program
    .command("sim")
    .description(
      "run input vectors through the generated accelerator in a simulator, or through the golden model",
    )
    .requiredOption("--model <file>", "model file")
    .requiredOption(
      "--inputs <file>",
      'JSON: {"inputs": [[...flat vector...], ...]} in the model\'s input datatype',
    )
    .option("--engine <engine>", "golden | verilator | icarus", "verilator")
    .option("--board <name>", "board whose folding to use", "zcu104")
    .option("--folding <file>", "folding file")
    .option("--out <file>", "write the result JSON here instead of stdout")
    .option(...FIXED_POINT_OPTION)
    .option(
      "--round",
      "ONNX graph without its own input quantizer: round inputs onto its fixed-point grid (half to even, saturating) instead of refusing off-grid values",
    );
  addTraceOptions(command).action(
    (
      opts: {
        model: string;
        inputs: string;
        engine: string;
        board: string;
        folding?: string;
        out?: string;
        inputFixedPoint: string;
        round?: boolean;
      } & TraceFlags,
    ) =>
      runCommand(async () => {
        if (!["golden", "verilator", "icarus"].includes(opts.engine)) {
          throw new UserError(`--engine must be golden, verilator or icarus, got "${opts.engine}"`);
        }
        const trace = waveformRequest(opts, opts.engine);
        const source = loadModelSource(opts.model, {
          inputFixedPoint: parseFixedPoint(opts.inputFixedPoint),
        });
        const compiled = compileModel(source.model, {
          board: opts.board,
          folding: opts.folding,
          scores: true,
        });
        const engine = opts.engine as Engine;
        let result: {
          outputs?: Array<Array<number | string>>;
          predictions: number[];
        } & ReturnType<typeof timing>;
        if (source.host) {
          // An ONNX graph: float inputs in, the graph's own float outputs out.
          const inputs = readFloatInputs(opts.inputs);
          // Bad inputs are refused before the (long) simulation starts reporting progress.
          const codes = quantizeOnnxInputs(source.host, inputs, { round: opts.round });
          const r = await withProgress(
            simLabel(inputs.length, engine),
            simulateOnnxCodes(compiled, source.host, codes, engine, { trace }),
          );
          result = {
            outputs: r.outputs,
            predictions: r.predictions,
            ...timing(r),
          };
        } else {
          if (opts.round) throw new UserError("--round applies to ONNX models (their float inputs) only");
          const inputs = readInputs(opts.inputs);
          const expected = compiled.plan.inputLength;
          inputs.forEach((x, i) => {
            if (x.length !== expected)
              throw new UserError(
                `${opts.inputs}: inputs[${i}] has ${x.length} values; the model takes ${expected}`,
              );
          });
          const r = await withProgress(
            simLabel(inputs.length, engine),
            simulateAccelerator(compiled, inputs, engine, { trace }),
          );
          result = {
            outputs: r.outputs?.map((row) =>
              row.map((v) =>
                v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
                  ? Number(v)
                  : `${v}`,
              ),
            ),
            predictions: r.predictions,
            ...timing(r),
          };
        }
        const json = JSON.stringify(result);
        if (opts.out) writeFileSync(opts.out, `${json}\n`);
        else process.stdout.write(`${json}\n`);
      }),
  );
}

/** What `loom sim` is doing, for the progress line. */
function simLabel(count: number, engine: Engine): string {
  const images = `${count} image${count === 1 ? "" : "s"}`;
  return engine === "golden"
    ? `${images} through the golden model`
    : `${images} through ${engine} (build and run)`;
}
