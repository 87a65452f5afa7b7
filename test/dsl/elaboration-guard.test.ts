// Issue 16 item 9: design mistakes in `loom emit` are one clear error: a module named after a
// Verilog keyword, a module that instantiates itself, and a design file outside the repository
// (which failed with "Cannot require() ES Module … in a cycle"); a design that builds without end
// stops at the node budget, and one that never finishes stops at `loom emit --timeout`.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { MAX_INSTANCE_DEPTH } from "../../src/dsl/elaboration-guard.js";
import {
  defineModule,
  type Expr,
  elaborate,
  input,
  instance,
  type ModuleDef,
  output,
  ports,
  rom,
  UInt,
} from "../../src/dsl/index.js";

const passThrough = (name: string) =>
  defineModule(name, () => {
    const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
    io.b.set(io.a);
    return io;
  });

describe("elaboration guards", () => {
  it.each(["module", "logic", "wire"])("refuses the module name %s", (name) => {
    expect(() => elaborate(passThrough(name), undefined)).toThrow(
      new RegExp(`module name "${name}" is a Verilog keyword`),
    );
  });

  it("names a module that instantiates itself", () => {
    const Loop: ModuleDef<undefined, unknown> = defineModule("loop_top", () => {
      const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
      const inner = instance("again", Loop, undefined) as typeof io;
      inner.a.set(io.a);
      io.b.set(inner.b);
      return io;
    });
    expect(() => elaborate(Loop, undefined)).toThrow(
      /module "loop_top" instantiates itself with the same parameters \(loop_top → loop_top\)/,
    );
  });

  it("stops a recursion whose parameters never repeat", () => {
    const Deep: ModuleDef<number, unknown> = defineModule(
      (n: number) => `deep_${n}`,
      (n: number) => {
        const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
        const inner = instance("next", Deep, n + 1) as typeof io;
        inner.a.set(io.a);
        io.b.set(inner.b);
        return io;
      },
    );
    expect(() => elaborate(Deep, 0)).toThrow(new RegExp(`nested ${MAX_INSTANCE_DEPTH} instances deep`));
  });

  it("stops a design that builds expressions without end at the node budget", () => {
    const Grow = defineModule("grow", () => {
      const io = ports({ a: input(UInt(8)), b: output(UInt(8)) });
      let e: Expr = io.a;
      while (io.a.width > 0) e = e.add(1);
      io.b.set(e);
      return io;
    });
    expect(() => elaborate(Grow, undefined, {}, { nodeBudget: 5000 })).toThrow(
      /elaboration-guard\.test\.ts:\d+: the design built more than 5,000 nodes/,
    );
    // A ROM's words count too, and running out while reading them is not "a word does not fit".
    const BigRom = defineModule("big_rom", () => {
      const io = ports({ a: input(UInt(12)), b: output(UInt(8)) });
      io.b.set(
        rom(
          "words",
          UInt(8),
          Array.from({ length: 4096 }, (_, i) => i % 256),
        ).read(io.a),
      );
      return io;
    });
    expect(() => elaborate(BigRom, undefined, {}, { nodeBudget: 1000 })).toThrow(/more than 1,000 nodes/);
    expect(elaborate(BigRom, undefined, {}, { nodeBudget: 10_000 }).nodes).toBeGreaterThan(4096);
    // The budget is per elaboration: a normal design elaborates after the failed one.
    const ok = elaborate(passThrough("after"), undefined, {}, { nodeBudget: 5000 });
    expect(ok.nodes).toBeGreaterThan(0);
    expect(ok.nodes).toBeLessThan(5000);
  });
});

/** Writes design files importing the DSL by absolute path (as from outside the repository). */
function designDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "loom-design-"));
  const header = `import { defineModule, input, output, ports, UInt, type Expr } from ${JSON.stringify(resolve("src/dsl/index.ts"))};\n`;
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), header + body);
  return dir;
}

const emit = (dir: string, design: string, out: string, ...extra: string[]) =>
  execa("node", ["bin/loom.js", "emit", join(dir, design), "--out", join(dir, out), ...extra], {
    reject: false,
  });

// The four runs are separate processes; running them side by side halves the wall time.
describe.concurrent("loom emit", () => {
  const dir = designDir({
    "pass.ts": `export const Pass = defineModule("pass_through", () => {
  const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
  io.b.set(io.a);
  return io;
});
`,
    "spin.ts": `export const Spin = defineModule("spin", () => {
  const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
  while (io.a.width > 0) {}
  io.b.set(io.a);
  return io;
});
`,
    "grow.ts": `export const Grow = defineModule("grow", () => {
  const io = ports({ a: input(UInt(8)), b: output(UInt(8)) });
  let e: Expr = io.a;
  while (io.a.width > 0) e = e.add(1);
  io.b.set(e);
  return io;
});
`,
    "hog.ts": `export const Hog = defineModule("hog", () => {
  const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
  const kept: number[][] = [];
  while (io.a.width > 0) kept.push(new Array(1000).fill(kept.length + 0.5));
  io.b.set(io.a);
  return io;
});
`,
  });

  it("loads a design file outside the repository and writes the elaborated Verilog", {
    timeout: 60_000,
  }, async ({ expect }) => {
    const r = await emit(dir, "pass.ts", "out");
    expect(r.stderr).not.toMatch(/Cannot require/);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dir, "out"))).toEqual(expect.arrayContaining(["pass_through.v"]));
    // The worker's Verilog is the emitter's output for the same module, byte for byte.
    const { emitVerilog } = await import("../../src/rtl/emit.js");
    const { Pass } = (await import(join(dir, "pass.ts"))) as { Pass: ModuleDef<undefined, unknown> };
    const expected = emitVerilog(elaborate(Pass, undefined)).files.get("pass_through.v");
    expect(readFileSync(join(dir, "out", "pass_through.v"), "utf8")).toBe(expected);
    expect(r.stderr).toMatch(/^loom: pass_through: 1 module\(s\), 1 file\(s\) in \d+ ms$/m);
  });

  it("stops a design that never finishes at --timeout, in one line", { timeout: 60_000 }, async ({
    expect,
  }) => {
    const r = await emit(dir, "spin.ts", "spin-out", "--timeout", "3");
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `loom: elaboration of ${join(dir, "spin.ts")} did not finish within 3 s; does a loop in it never end? (raise the limit with --timeout)`,
    );
    expect(existsSync(join(dir, "spin-out"))).toBe(false);
  });

  it("stops runaway expression building at --node-budget, in one line", { timeout: 60_000 }, async ({
    expect,
  }) => {
    const r = await emit(dir, "grow.ts", "grow-out", "--node-budget", "20000");
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toMatch(/^loom: \S*grow\.ts:5: the design built more than 20,000 nodes[^\n]*$/);
    expect(existsSync(join(dir, "grow-out"))).toBe(false);
  });

  it("stops a design that fills the heap at --heap, in one line", { timeout: 60_000 }, async ({ expect }) => {
    const r = await emit(dir, "hog.ts", "hog-out", "--heap", "256");
    expect(r.exitCode).toBe(1);
    expect(r.stderr.trim()).toBe(
      `loom: elaboration of ${join(dir, "hog.ts")} ran out of memory (the heap limit is 256 MB; raise it with --heap)`,
    );
    expect(existsSync(join(dir, "hog-out"))).toBe(false);
  });
});
