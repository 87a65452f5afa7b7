// Emission is deterministic: elaborating the same design twice, or in another process, gives
// byte-identical files.
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { Fir } from "../../examples/fir.js";
import { compileModel } from "../../src/compiler/generate.js";
import { elaborate } from "../../src/dsl/index.js";
import { emitVerilog } from "../../src/rtl/emit.js";

describe("Verilog emission", () => {
  it("gives byte-identical output for the same design", () => {
    const p = { sampleWidth: 8, coefficients: [3, -1, 4, 1, -5] };
    const a = emitVerilog(elaborate(Fir, p)).files;
    const b = emitVerilog(elaborate(Fir, p)).files;
    expect([...a.entries()]).toEqual([...b.entries()]);
    const x = compileModel("test/fixtures/models/tiny-float.json", { board: "zcu104" }).emitted.files;
    const y = compileModel("test/fixtures/models/tiny-float.json", { board: "zcu104" }).emitted.files;
    expect([...x.entries()]).toEqual([...y.entries()]);
  });

  it("gives the same output in a fresh process", async () => {
    const script = `
      import { compileModel } from "./src/compiler/generate.ts";
      import { createHash } from "node:crypto";
      const files = compileModel("test/fixtures/models/tiny-float.json", { board: "zcu104" }).emitted.files;
      const h = createHash("sha256");
      for (const [k, v] of [...files].sort()) h.update(k + "\\n" + v);
      console.log(h.digest("hex"));`;
    const run = () =>
      execa("node", ["--import", "tsx", "--input-type=module", "-e", script]).then((r) => r.stdout.trim());
    const [first, second] = await Promise.all([run(), run()]);
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(second).toBe(first);
  });
});
