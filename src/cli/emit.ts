// `loom emit DESIGN.ts`: elaborate a user's TypeScript design file and write its Verilog.
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { elaborate, type ModuleDef } from "../dsl/index.js";
import { checkOutDir, writeOutputDir } from "../io/output-dir.js";
import { emitVerilog } from "../rtl/emit.js";
import { importDesign } from "./design-loader.js";
import { runCommand, UserError } from "./user-error.js";

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
    .action((design: string, opts: { top?: string; params?: string; out: string; force?: boolean }) =>
      runCommand(async () => {
        const file = resolve(design);
        if (!existsSync(file)) throw new UserError(`design file ${design} does not exist`);
        checkOutDir(opts.out, { force: opts.force });
        const exports = await importDesign(file);
        const { def, params } = pickTop(exports, opts.top, design);
        let given: unknown;
        if (opts.params) {
          try {
            given = JSON.parse(opts.params);
          } catch (e) {
            throw new UserError(`--params is not valid JSON: ${(e as Error).message}`);
          }
        }
        const merged =
          given && typeof given === "object" && params && typeof params === "object"
            ? { ...params, ...given }
            : (given ?? params);
        const started = performance.now();
        const emitted = emitVerilog(elaborate(def, merged));
        const log = (line: string) => process.stderr.write(`loom: ${line}\n`);
        writeOutputDir(emitted.files, opts.out, { command: "loom emit", force: opts.force, log });
        process.stderr.write(
          `loom: ${emitted.topName}: ${emitted.verilogFiles.length} module(s), ${emitted.files.size} file(s) in ${(performance.now() - started).toFixed(0)} ms\n`,
        );
        process.stdout.write(`${resolve(opts.out)}\n`);
      }),
    );
}
