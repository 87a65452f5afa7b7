// A hash of a directory tree (every file's relative path and content), so a test can assert that
// a refused command wrote or changed nothing: equal hashes before and after.
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

export function treeHash(dir: string): string {
  const h = createHash("sha256");
  const walk = (d: string, rel: string) => {
    if (!existsSync(d)) return;
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) {
        h.update(`${rel}${e}/\0`);
        walk(p, `${rel}${e}/`);
      } else h.update(`${rel}${e}\0`).update(readFileSync(p)).update("\0");
    }
  };
  walk(dir, "");
  return h.digest("hex");
}
