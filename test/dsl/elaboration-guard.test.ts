// Issue 16 item 9: design mistakes in `loom emit` are one clear error: a module named after a
// Verilog keyword, a module that instantiates itself, and a design file outside the repository
// (which failed with "Cannot require() ES Module … in a cycle").
import { mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { MAX_INSTANCE_DEPTH } from "../../src/dsl/elaboration-guard.js";
import {
  defineModule,
  elaborate,
  input,
  instance,
  type ModuleDef,
  output,
  ports,
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

  it("loom emit loads a design file outside the repository", { timeout: 60_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-design-"));
    const dsl = resolve("src/dsl/index.ts");
    writeFileSync(
      join(dir, "pass.ts"),
      `import { defineModule, input, output, ports, UInt } from ${JSON.stringify(dsl)};
export const Pass = defineModule("pass_through", () => {
  const io = ports({ a: input(UInt(4)), b: output(UInt(4)) });
  io.b.set(io.a);
  return io;
});
`,
    );
    const r = await execa("node", ["bin/loom.js", "emit", join(dir, "pass.ts"), "--out", join(dir, "out")], {
      reject: false,
    });
    expect(r.stderr).not.toMatch(/Cannot require/);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(readdirSync(join(dir, "out"))).toContain("pass_through.v");
  });
});
