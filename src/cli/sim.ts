// `loom sim`: run input vectors through a model's accelerator (or its golden model).
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { z } from "zod";
import { compileModel } from "../compiler/generate.js";
import { type Engine, simulateAccelerator } from "../compiler/simulate.js";
import { UserError, runCommand } from "./user-error.js";

const inputsSchema = z.object({ inputs: z.array(z.array(z.union([z.number(), z.string().regex(/^-?\d+$/)]))).min(1) });

export function readInputs(path: string): bigint[][] {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, "utf8"));
  } catch (e) {
    throw new UserError(`${path}: cannot read the inputs (${(e as Error).message})`);
  }
  const parsed = inputsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new UserError(`${path}: ${issue.path.join(".") || "(root)"}: ${issue.message}; expected {"inputs": [[...], ...]}`);
  }
  return parsed.data.inputs.map((row, i) =>
    row.map((v, j) => {
      if (typeof v === "number" && !Number.isInteger(v)) {
        throw new UserError(`${path}: inputs[${i}][${j}] = ${v} is not an integer in the model's input datatype`);
      }
      return BigInt(v);
    }),
  );
}

export function register(program: Command): void {
  program
    .command("sim")
    .description("run input vectors through the generated accelerator in a simulator, or through the golden model")
    .requiredOption("--model <file>", "model file")
    .requiredOption("--inputs <file>", 'JSON: {"inputs": [[...flat vector...], ...]} in the model\'s input datatype')
    .option("--engine <engine>", "golden | verilator | icarus", "verilator")
    .option("--board <name>", "board whose folding to use", "zcu104")
    .option("--folding <file>", "folding file")
    .option("--out <file>", "write the result JSON here instead of stdout")
    .action((opts: { model: string; inputs: string; engine: string; board: string; folding?: string; out?: string }) =>
      runCommand(async () => {
        if (!["golden", "verilator", "icarus"].includes(opts.engine)) {
          throw new UserError(`--engine must be golden, verilator or icarus, got "${opts.engine}"`);
        }
        const inputs = readInputs(opts.inputs);
        const compiled = compileModel(opts.model, { board: opts.board, folding: opts.folding, scores: true });
        const expected = compiled.plan.inputLength;
        inputs.forEach((x, i) => {
          if (x.length !== expected) throw new UserError(`${opts.inputs}: inputs[${i}] has ${x.length} values; the model takes ${expected}`);
        });
        const r = await simulateAccelerator(compiled, inputs, opts.engine as Engine);
        const json = JSON.stringify(
          {
            outputs: r.outputs?.map((row) => row.map((v) => (v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : `${v}`))),
            predictions: r.predictions,
            cycles_per_inference: r.cyclesPerInference,
          },
          null,
          2,
        );
        if (opts.out) writeFileSync(opts.out, `${json}\n`);
        else process.stdout.write(`${json}\n`);
      }),
    );
}
