// Each simulation run gets a private working directory: stimulus and result files live there,
// and the design's memory images are linked in because $readmemh("<name>.hex") is resolved
// against the simulator's working directory. Cached builds stay read-only and shareable.
import { copyFile, mkdtemp, rm, symlink } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EmittedDesign } from "../src/rtl/emit.js";

export async function withRunDir<T>(
  emitted: EmittedDesign,
  buildDir: string,
  body: (dir: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), "loom-sim-"));
  try {
    for (const name of emitted.files.keys()) {
      if (!name.endsWith(".hex")) continue;
      await symlink(join(buildDir, name), join(dir, name)).catch(() =>
        copyFile(join(buildDir, name), join(dir, name)),
      );
    }
    return await body(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
