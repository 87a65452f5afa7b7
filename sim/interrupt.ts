// Ctrl-C (SIGINT) or SIGTERM during a build: remove the half-built temporary directories and
// stop the running compilers before exiting, so no `.tmp-verilator-*` directory or orphaned
// compiler is left behind. Node's default would exit at once and skip both.
import { rmSync } from "node:fs";

const tempDirs = new Set<string>();
const children = new Set<{ kill: (signal?: NodeJS.Signals) => boolean }>();
let installed = false;

function install(): void {
  if (installed) return;
  installed = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      for (const child of children) child.kill("SIGKILL");
      for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
      process.exit(signal === "SIGINT" ? 130 : 143);
    });
  }
}

/** Registers a temporary directory to remove on interrupt; returns the unregister function. */
export function removeOnInterrupt(dir: string): () => void {
  install();
  tempDirs.add(dir);
  return () => tempDirs.delete(dir);
}

/** Registers a child process to kill on interrupt; returns the unregister function. */
export function killOnInterrupt(child: { kill: (signal?: NodeJS.Signals) => boolean }): () => void {
  install();
  children.add(child);
  return () => children.delete(child);
}
