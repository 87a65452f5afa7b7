// Writes an emitted design to a directory.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { EmittedDesign } from "./emit.js";

export function writeDesign(emitted: EmittedDesign, dir: string): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const [name, text] of [...emitted.files].sort(([a], [b]) => a.localeCompare(b))) {
    writeFileSync(join(dir, name), text);
    written.push(join(dir, name));
  }
  return written;
}
