// Writing a user's files safely: the data goes to a temporary sibling first and is renamed into
// place, so a full disk or a crash never leaves a truncated file; failures name the path.
import { existsSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { LoomError } from "../core/errors.js";

/** An output location Loom cannot or must not write (one line for the user). */
export class OutputError extends LoomError {
  override name = "OutputError";
  constructor(message: string) {
    super("output", message);
  }
}

/** Writes `data` to `path` through a temporary file in the same directory and a rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const tmp = join(dirname(path), `.${basename(path)}.loom-tmp-${process.pid}`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try {
      rmSync(tmp, { force: true });
    } catch {
      // The temporary file could not even be created.
    }
    throw new OutputError(`cannot write ${path}: ${(e as Error).message}`);
  }
}

/** Refuses to replace existing files unless `force`: commands never overwrite a user's files unasked. */
export function refuseOverwrite(paths: readonly string[], force: boolean, what: string): void {
  if (force) return;
  const existing = paths.filter((p) => existsSync(p));
  if (existing.length > 0) {
    throw new OutputError(
      `${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""}; ${what} replaces ${existing.length === 1 ? "it" : "them"} only with --force`,
    );
  }
}
