// `loom sim`: run input vectors (a JSON file, or image files preprocessed as the model says)
// through a model's accelerator or its golden model, a chunk at a time (sim-stream.ts).
import type { Command } from "commander";
import { compileModel } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { quantizeOnnxInputs } from "../compiler/onnx-sim.js";
import type { Engine } from "../compiler/simulate.js";
import { SIZE_POLICIES, type SizePolicy } from "../data/preprocess.js";
import { refuseOverwrite } from "../io/write-file.js";
import type { HostSpec } from "../onnx/host.js";
import { readOnnx } from "../onnx/read.js";
import { type BoundaryTally, boundaryTally } from "./boundary-tally.js";
import { FIXED_POINT_OPTION, parseFixedPoint } from "./gen.js";
import { inputRows, type RawRow } from "./inputs-file.js";
import { weightsOption } from "./options.js";
import { simulateImages } from "./sim-images.js";
import { chunkSimulator, openSink, type StreamOptions, simulateStreamed } from "./sim-stream.js";
import { addTraceOptions, type TraceFlags, waveformRequest } from "./sim-trace.js";
import { runCommand, UserError } from "./user-error.js";

function integerRow(path: string, row: RawRow, i: number): bigint[] {
  return row.map((v, j) => {
    if (typeof v === "number" && !Number.isInteger(v)) {
      throw new UserError(
        `${path}: inputs[${i}][${j}] = ${v} is not an integer in the model's input datatype`,
      );
    }
    return BigInt(v);
  });
}

export function readInputs(path: string): bigint[][] {
  return [...inputRows(path)].map((row, i) => integerRow(path, row, i));
}

/** What `loom sim` is doing, for the progress line. */
export function simLabel(engine: Engine): string {
  return engine === "golden" ? "through the golden model" : `through ${engine} (build and run)`;
}

/**
 * Every row of the file as input codes: checked (length, integers, the ONNX input grid) in a first
 * pass that holds nothing, so a bad row is refused before any result is written.
 */
function checkedCodes(
  path: string,
  host: HostSpec | undefined,
  inputLength: number,
  round: boolean | undefined,
  boundary: BoundaryTally | undefined,
): { count: number; rows: () => Iterable<bigint[]> } {
  const codesOf = (row: RawRow, i: number): bigint[] => {
    if (host) return quantizeOnnxInputs(host, [row.map(Number)], { round })[0]!;
    if (row.length !== inputLength)
      throw new UserError(`${path}: inputs[${i}] has ${row.length} values; the model takes ${inputLength}`);
    return integerRow(path, row, i);
  };
  let count = 0;
  for (const row of inputRows(path)) {
    try {
      codesOf(row, count);
    } catch (e) {
      if (host && e instanceof Error) e.message = e.message.replace(/^inputs\[0\]/, `inputs[${count}]`);
      throw e;
    }
    count++;
  }
  return {
    count,
    rows: function* () {
      let i = 0;
      for (const row of inputRows(path)) {
        const codes = codesOf(row, i);
        // Here rather than in the first pass: it runs the graph twice, under the progress line.
        boundary?.check(row.map(Number), i++);
        yield codes;
      }
    },
  };
}

interface SimFlags extends TraceFlags {
  model: string;
  inputs?: string;
  images?: string[];
  engine: string;
  board: string;
  folding?: string;
  weights: "rom" | "runtime";
  out?: string;
  inputFixedPoint: string;
  round?: boolean;
  boundaryCheck?: boolean;
  quiet?: boolean;
  json?: boolean;
  saveInputs?: string;
  size: string;
}

export function register(program: Command): void {
  const command = program
    .command("sim")
    .description(
      "run input vectors or images through the generated accelerator in a simulator, or through the golden model",
    )
    .requiredOption("--model <file>", "model file")
    .option("--inputs <file>", 'JSON: {"inputs": [[...flat vector...], ...]} in the model\'s input datatype')
    .option(
      "--images <paths...>",
      "image files or folders (searched recursively), preprocessed as the model's input.preprocess says; a parent folder named after a class is the label",
    )
    .option(
      "--size <policy>",
      "--images whose size differs from the model's input: resize | exact (refuse)",
      "resize",
    )
    .option("--json", "--images: write one JSON document instead of text lines")
    .option("--save-inputs <file>", "--images: also write the preprocessed input codes as an --inputs file")
    .option("--engine <engine>", "golden | verilator | icarus", "verilator")
    .option("--board <name>", "board whose folding to use", "zcu104")
    .option("--folding <file>", "folding file")
    .addOption(weightsOption())
    .option("--out <file>", "write the results here instead of stdout")
    .option("--quiet", "no progress on stderr")
    .option(...FIXED_POINT_OPTION)
    .option(
      "--no-boundary-check",
      "ONNX: do not count the inputs within float32 rounding of a decision boundary of the graph (it runs the graph twice per input)",
    )
    .option(
      "--round",
      "ONNX graph without its own input quantizer: round inputs onto its fixed-point grid (half to even, saturating) instead of refusing off-grid values",
    );
  addTraceOptions(command).action((opts: SimFlags) =>
    runCommand(async () => {
      if (!["golden", "verilator", "icarus"].includes(opts.engine)) {
        throw new UserError(`--engine must be golden, verilator or icarus, got "${opts.engine}"`);
      }
      if ((opts.inputs === undefined) === (opts.images === undefined))
        throw new UserError("give the inputs as --inputs FILE or --images DIR|FILE…, one of them");
      if (!SIZE_POLICIES.includes(opts.size as SizePolicy))
        throw new UserError(`--size ${opts.size}: expected ${SIZE_POLICIES.join(" or ")}`);
      if (opts.json && !opts.images)
        throw new UserError("--json applies to --images (--inputs always writes JSON)");
      if (opts.saveInputs && !opts.images) throw new UserError("--save-inputs applies to --images");
      if (opts.saveInputs) refuseOverwrite([opts.saveInputs], opts.force === true, "loom sim");
      const trace = waveformRequest(opts, opts.engine);
      const source = loadModelSource(opts.model, { inputFixedPoint: parseFixedPoint(opts.inputFixedPoint) });
      if (opts.round && !source.host)
        throw new UserError("--round applies to ONNX models (their float inputs) only");
      // ONNX: inputs on which the float32 graph decides within rounding of a boundary are counted.
      const boundary =
        source.host && opts.boundaryCheck !== false ? boundaryTally(readOnnx(opts.model)) : undefined;
      const compiled = compileModel(source.model, {
        board: opts.board,
        folding: opts.folding,
        runtimeWeights: opts.weights === "runtime",
        scores: true,
      });
      const engine = opts.engine as Engine;
      const simulate = chunkSimulator(compiled, source.host, engine, trace);
      // A waveform is one run from reset: keep every input in one chunk then.
      const stream: Omit<StreamOptions, "total"> = {
        label: simLabel(engine),
        quiet: opts.quiet,
        chunk: trace ? Number.POSITIVE_INFINITY : undefined,
      };
      if (opts.images) {
        await simulateImages(opts.model, source, opts.images, opts.size as SizePolicy, simulate, {
          ...stream,
          json: opts.json === true,
          out: opts.out,
          saveInputs: opts.saveInputs,
          boundary,
        });
        return;
      }
      const inputs = checkedCodes(opts.inputs!, source.host, compiled.plan.inputLength, opts.round, boundary);
      const predictions: number[] = [];
      const sink = openSink(opts.out);
      try {
        sink.write('{"outputs":[');
        let first = true;
        const timing = await simulateStreamed(
          inputs.rows(),
          (codes) => codes,
          simulate,
          (_, output, prediction) => {
            sink.write(`${first ? "" : ","}${JSON.stringify(output)}`);
            first = false;
            predictions.push(prediction);
          },
          { ...stream, total: inputs.count },
        );
        const near = boundary ? `"boundary_inputs":${JSON.stringify(boundary.indices)},` : "";
        sink.write(
          `],"predictions":${JSON.stringify(predictions)},${near}${JSON.stringify(timing).slice(1)}\n`,
        );
      } finally {
        sink.close();
      }
      const line = boundary?.summary(inputs.count, "inputs");
      if (line) process.stderr.write(`${line}\n`);
    }),
  );
}
