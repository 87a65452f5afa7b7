// Issue 16 item 10: Ctrl-C during a Verilator build leaves no `.tmp-verilator-*` directory and
// no running compiler.
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("interrupting a Verilator build", () => {
  it("removes the temporary build directory and stops the compilers", { timeout: 120_000 }, async () => {
    const cache = mkdtempSync(join(tmpdir(), "loom-int-cache-"));
    const script = join(cache, "..", `${cache.split("/").pop()}-build.mts`);
    writeFileSync(
      script,
      `import { compileModel } from ${JSON.stringify(resolve("src/compiler/generate.ts"))};
import { buildVerilator } from ${JSON.stringify(resolve("sim/index.ts"))};
await buildVerilator(compileModel(${JSON.stringify(resolve("test/fixtures/models/tiny-float.json"))}, { board: "zcu104" }).emitted);
`,
    );
    const child = execa("node", ["--import", "tsx", script], {
      env: { LOOM_CACHE_DIR: cache },
      reject: false,
      cwd: resolve("."),
    });
    let exited = false;
    void child.finally(() => {
      exited = true;
    });
    const building = () => readdirSync(cache).some((f) => f.startsWith(".tmp-verilator-"));
    for (let i = 0; i < 900 && !building() && !exited; i++) await sleep(100);
    expect(building(), "the build never started").toBe(true);
    await sleep(1500); // let make start the compilers
    child.kill("SIGINT");
    const r = await child;
    expect(r.exitCode ?? r.signal).toBe(130);
    expect(readdirSync(cache).filter((f) => f.startsWith(".tmp-"))).toEqual([]);
    await sleep(500);
    const left = await execa("pgrep", ["-f", cache], { reject: false });
    expect(left.stdout.trim(), "compilers still running").toBe("");
    rmSync(script);
  });
});
