// Writing a command's output directory (`loom gen --out`, `loom emit --out`) without damaging
// anything Loom did not create:
// - the files are built in a fresh temporary directory beside the target and moved into place
//   only once all of them were written, so a failed or interrupted run changes nothing;
// - a manifest (.loom-manifest.json) records what Loom wrote; a non-empty directory without one
//   is refused unless --force, and a rewrite replaces only the previous manifest's files,
//   keeping (and naming) everything else;
// - a lock file beside the directory makes a second concurrent run fail clearly.
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { basename, dirname, join, relative, resolve, sep } from "node:path";
import { OutputError } from "./write-file.js";

export const MANIFEST = ".loom-manifest.json";

export interface Manifest {
  /** The command that wrote the directory. */
  writtenBy: string;
  /** Relative paths (with "/"), sorted. */
  files: string[];
}

/** The manifest of a directory Loom wrote, or undefined if there is none (or it is not Loom's). */
export function readManifest(dir: string): Manifest | undefined {
  const path = join(dir, MANIFEST);
  if (!existsSync(path)) return undefined;
  try {
    const m = JSON.parse(readFileSync(path, "utf8")) as Manifest;
    if (typeof m.writtenBy === "string" && Array.isArray(m.files) && m.files.every(isSafeRelative)) return m;
  } catch {
    // An unreadable manifest is treated as no manifest: the directory is then not Loom's.
  }
  return undefined;
}

function isSafeRelative(p: unknown): p is string {
  return typeof p === "string" && p !== "" && !p.startsWith("/") && !p.split("/").includes("..");
}

/** Every file under dir, relative, "/"-separated (directories themselves are not listed). */
function listFiles(dir: string, under = ""): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(join(dir, under), { withFileTypes: true }).flatMap((e) => {
    const rel = under === "" ? e.name : `${under}/${e.name}`;
    return e.isDirectory() ? listFiles(dir, rel) : [rel];
  });
}

export interface WriteDirOptions {
  /** Allow writing into a non-empty directory Loom did not write (its other files are kept). */
  force?: boolean;
  /** Names the command in the manifest and in messages, e.g. "loom gen". */
  command: string;
  log?: (line: string) => void;
}

/**
 * Checks an --out value before any work is done: not empty, not a file, and not a directory of
 * someone else's files (unless force). Returns the absolute directory.
 */
export function checkOutDir(out: string, o: { force?: boolean } = {}): string {
  if (out.trim() === "") throw new OutputError("--out is empty: name the output directory");
  const dir = resolve(out);
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new OutputError(`--out ${out} is a file, not a directory`);
  }
  const previous = readManifest(dir);
  const foreign = listFiles(dir).filter((f) => f !== MANIFEST && !previous?.files.includes(f));
  if (foreign.length > 0 && !previous && !o.force) {
    throw new OutputError(
      `${out} is not empty and was not written by loom (${describe(foreign)}); choose a new or empty directory, or pass --force to write into it (files loom did not write are kept)`,
    );
  }
  return dir;
}

/**
 * Writes `files` (relative path → content) into `out` as described above and returns the
 * directory's absolute path.
 */
export function writeOutputDir(
  files: ReadonlyMap<string, string | Uint8Array>,
  out: string,
  o: WriteDirOptions,
): string {
  const dir = resolve(out);
  mkdirSync(dirname(dir), { recursive: true });
  const release = lockDir(dir, o.command);
  try {
    // Checked again under the lock: the directory may have changed since the command started.
    checkOutDir(out, o);
    const previous = readManifest(dir);
    const existing = listFiles(dir).filter((f) => f !== MANIFEST);
    const foreign = existing.filter((f) => !previous?.files.includes(f));
    const clobbered = foreign.filter((f) => files.has(f));
    if (clobbered.length > 0 && !o.force) {
      throw new OutputError(
        `${out}: ${describe(clobbered)} would be replaced but loom did not write ${clobbered.length === 1 ? "it" : "them"}; move ${clobbered.length === 1 ? "it" : "them"} away or pass --force`,
      );
    }
    const staging = stage(files, dir, o.command);
    if (existing.length === 0 && !existsSync(join(dir, MANIFEST))) {
      if (existsSync(dir)) rmdirSync(dir);
      renameSync(staging, dir);
    } else {
      moveIntoPlace(staging, dir, previous?.files ?? []);
    }
    const kept = foreign.filter((f) => !files.has(f));
    if (kept.length > 0)
      o.log?.(`kept ${kept.length} file(s) in ${out} that loom did not write: ${describe(kept)}`);
    return dir;
  } finally {
    release();
  }
}

function describe(paths: string[]): string {
  const shown = paths.slice(0, 5).join(", ");
  return paths.length > 5 ? `${shown} and ${paths.length - 5} more` : shown;
}

/** Writes every file and the manifest into a fresh directory beside `dir`; on failure removes it. */
function stage(files: ReadonlyMap<string, string | Uint8Array>, dir: string, command: string): string {
  const staging = mkdtempSync(join(dirname(dir), `.${basename(dir)}.loom-tmp-`));
  try {
    for (const [rel, content] of files) {
      if (!isSafeRelative(rel)) throw new Error(`output path ${rel} leaves the directory`);
      const path = join(staging, ...rel.split("/"));
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, content);
    }
    const manifest: Manifest = { writtenBy: command, files: [...files.keys()].sort() };
    writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    return staging;
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw new OutputError(`cannot write the output of ${command} next to ${dir}: ${(e as Error).message}`);
  }
}

/** Removes the previous manifest's files, then renames the staged files (manifest last) into `dir`. */
function moveIntoPlace(staging: string, dir: string, previousFiles: readonly string[]): void {
  for (const f of previousFiles) rmSync(join(dir, ...f.split("/")), { force: true });
  for (const f of listFiles(staging).filter((x) => x !== MANIFEST)) {
    const to = join(dir, ...f.split("/"));
    mkdirSync(dirname(to), { recursive: true });
    rmSync(to, { force: true, recursive: true });
    renameSync(join(staging, ...f.split("/")), to);
  }
  renameSync(join(staging, MANIFEST), join(dir, MANIFEST));
  rmSync(staging, { recursive: true, force: true });
  removeEmptyDirs(dir, previousFiles);
}

/** Directories of the previous files that are now empty (a layer that no longer exists). */
function removeEmptyDirs(dir: string, previousFiles: readonly string[]): void {
  const dirs = new Set(previousFiles.map((f) => f.split("/").slice(0, -1).join("/")).filter((d) => d !== ""));
  for (const d of [...dirs].sort((a, b) => b.length - a.length)) {
    const path = join(dir, ...d.split("/"));
    if (existsSync(path) && readdirSync(path).length === 0) rmdirSync(path);
  }
}

/** Takes `<dir>.loom-lock` (holding our pid); a lock whose process is gone is taken over. */
function lockDir(dir: string, command: string): () => void {
  const lock = `${dir}.loom-lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      writeFileSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return () => rmSync(lock, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") {
        throw new OutputError(`cannot lock ${dir} (${(e as Error).message})`);
      }
      const pid = Number.parseInt(readFileSync(lock, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new OutputError(
          `${relative(process.cwd(), dir) || dir}${sep} is being written by another ${command} (process ${pid}, lock ${lock}); wait for it or choose another --out`,
        );
      }
      rmSync(lock, { force: true });
    }
  }
  throw new OutputError(`cannot lock ${dir}: ${lock} keeps reappearing`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}
