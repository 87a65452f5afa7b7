// `loom emit DESIGN.ts`: elaborate a user's TypeScript design file and write its Verilog.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { DEFAULT_NODE_BUDGET, type ModuleDef } from "../dsl/index.js";
import { checkOutDir, writeOutputDir } from "../io/output-dir.js";
import { runInWorker } from "./design-worker.js";
import type { EmitJob, EmitResult } from "./emit-worker.js";
import { integerFrom, numberIn } from "./options.js";
import { runCommand, UserError } from "./user-error.js";

/** Wall-clock limit of an elaboration (s): far above the seconds the largest shipped design takes. */
export const DEFAULT_TIMEOUT_SECONDS = 120;
const MAX_TIMEOUT_SECONDS = 86_400;
/** Heap limit of the elaboration worker (MB): a design within the node budget needs well under it. */
export const DEFAULT_HEAP_MB = 4096;

interface EmitOptions {
  top?: string;
  params?: string;
  out: string;
  force?: boolean;
  timeout: number;
  nodeBudget: number;
  heap: number;
}

function isModuleDef(x: unknown): x is ModuleDef<unknown, unknown> {
  return typeof x === "object" && x !== null && "nameFor" in x && "body" in x;
}

/** Finds the module to elaborate: `--top` names an export; otherwise the default export or the only module. */
export function pickTop(
  exports: Record<string, unknown>,
  top: string | undefined,
  file: string,
): { def: ModuleDef<unknown, unknown>; params: unknown } {
  const def = exports.default as { module?: unknown; params?: unknown } | undefined;
  const modules = Object.entries(exports).filter(([, v]) => isModuleDef(v));
  if (top) {
    const found = exports[top];
    if (!isModuleDef(found)) {
      throw new UserError(
        `${file} has no exported module "${top}"; it exports ${modules.map(([k]) => k).join(", ") || "no modules"}`,
      );
    }
    return { def: found, params: def?.module === found ? def.params : undefined };
  }
  if (def && isModuleDef(def.module)) return { def: def.module, params: def.params };
  if (isModuleDef(def)) return { def, params: undefined };
  if (modules.length === 1) return { def: modules[0]![1] as ModuleDef<unknown, unknown>, params: undefined };
  throw new UserError(
    `${file}: say which module to emit with --top (exports: ${modules.map(([k]) => k).join(", ") || "none"}), or export default { module, params }`,
  );
}

export function register(program: Command): void {
  program
    .command("emit")
    .description("elaborate a TypeScript design file and write its Verilog")
    .argument("<design>", "TypeScript file exporting a module made with defineModule")
    .option("--top <name>", "exported module to use as the top")
    .option("--params <json>", "generator parameters as JSON (merged over the file's defaults)")
    .requiredOption("--out <dir>", "output directory")
    .option("--force", "write into a non-empty directory loom did not write (its other files are kept)")
    .option(
      "--timeout <seconds>",
      "stop an elaboration that runs longer than this",
      numberIn(0, MAX_TIMEOUT_SECONDS, " s"),
      DEFAULT_TIMEOUT_SECONDS,
    )
    .option(
      "--node-budget <n>",
      "most expression nodes, statements and signals the design may build",
      integerFrom(1),
      DEFAULT_NODE_BUDGET,
    )
    .option("--heap <MB>", "heap limit of the elaboration", integerFrom(64), DEFAULT_HEAP_MB)
    .action((design: string, opts: EmitOptions) =>
      runCommand(async () => {
        const file = resolve(design);
        if (!existsSync(file)) throw new UserError(`design file ${design} does not exist`);
        checkOutDir(opts.out, { force: opts.force });
        const job: EmitJob = {
          file,
          design,
          top: opts.top,
          params: opts.params,
          nodeBudget: opts.nodeBudget,
        };
        const emitted = await runInWorker<EmitJob, EmitResult>(
          new URL("./emit-worker.ts", import.meta.url),
          job,
          {
            timeoutSeconds: opts.timeout,
            heapMb: opts.heap,
            what: `elaboration of ${design}`,
          },
        );
        const log = (line: string) => process.stderr.write(`loom: ${line}\n`);
        writeOutputDir(emitted.files, opts.out, { command: "loom emit", force: opts.force, log });
        process.stderr.write(
          `loom: ${emitted.topName}: ${emitted.moduleCount} module(s), ${emitted.files.size} file(s) in ${emitted.ms.toFixed(0)} ms\n`,
        );
        process.stdout.write(`${resolve(opts.out)}\n`);
      }),
    );
}
