// The worker side of `loom emit`: imports the design file, elaborates the chosen module under the
// node budget and emits its Verilog; the main thread writes the files (see design-worker.ts).
import { parentPort, workerData } from "node:worker_threads";
import { LoomError } from "../core/errors.js";
import { elaborate } from "../dsl/index.js";
import { emitVerilog, SIM_MODELS } from "../rtl/emit.js";
import { importDesign } from "./design-loader.js";
import type { WorkerReply } from "./design-worker.js";
import { pickTop } from "./emit.js";
import { UserError } from "./user-error.js";

export interface EmitJob {
  /** Absolute path of the design file, and the name the user gave it. */
  file: string;
  design: string;
  top?: string;
  params?: string;
  nodeBudget: number;
}

export interface EmitResult {
  topName: string;
  files: Map<string, string>;
  moduleCount: number;
  /** Milliseconds spent elaborating and emitting. */
  ms: number;
}

async function emitJob(job: EmitJob): Promise<EmitResult> {
  const exports = await importDesign(job.file);
  const { def, params } = pickTop(exports, job.top, job.design);
  let given: unknown;
  if (job.params) {
    try {
      given = JSON.parse(job.params);
    } catch (e) {
      throw new UserError(`--params is not valid JSON: ${(e as Error).message}`);
    }
  }
  const merged =
    given && typeof given === "object" && params && typeof params === "object"
      ? { ...params, ...given }
      : (given ?? params);
  const started = performance.now();
  const emitted = emitVerilog(elaborate(def, merged, {}, { nodeBudget: job.nodeBudget }));
  return {
    topName: emitted.topName,
    // The primitives' simulation models in a folder of their own, so a tool that reads every
    // top-level .v file never takes a model for the vendor's primitive.
    files: new Map([
      ...emitted.files,
      ...[...emitted.simulationModels].map(([name, text]): [string, string] => [
        `${SIM_MODELS}/${name}`,
        text,
      ]),
    ]),
    moduleCount: emitted.verilogFiles.length,
    ms: performance.now() - started,
  };
}

async function reply(job: EmitJob): Promise<WorkerReply<EmitResult>> {
  try {
    return { ok: true, result: await emitJob(job) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, message: e.message, stack: e.stack, user: e instanceof LoomError };
  }
}

parentPort?.postMessage(await reply((workerData as { job: EmitJob }).job));
