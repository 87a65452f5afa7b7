// Every elaboration check, triggered on purpose: the message says what is wrong and points at
// the line of this file that caused it (marked with a `// <- tag` comment).
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
  Bool,
  defineModule,
  ElaborationError,
  elaborate,
  input,
  instance,
  lit,
  output,
  ports,
  reg,
  SInt,
  UInt,
  when,
  wire,
} from "../../src/dsl/index.js";
import { emitVerilog } from "../../src/rtl/emit.js";

const source = readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n");
const lineOf = (tag: string) =>
  `test/dsl/checks.test.ts:${source.findIndex((l) => l.includes(`// <- ${tag}`)) + 1}`;

function elaborationError(body: () => void): ElaborationError {
  const m = defineModule("Bad", body);
  try {
    elaborate(m, undefined);
  } catch (e) {
    expect(e).toBeInstanceOf(ElaborationError);
    return e as ElaborationError;
  }
  throw new Error("expected an elaboration error");
}

describe("elaboration checks", () => {
  it("rejects connecting a wider value without explicit truncation", () => {
    const e = elaborationError(() => {
      const io = ports({ a: input(UInt(9)), y: output(UInt(8)) });
      io.y.set(io.a); // <- width
    });
    expect(e.message).toContain(
      'width mismatch: connecting a 9-bit value to 8-bit "y"; truncate explicitly with .trunc(8)',
    );
    expect(e.message.startsWith(lineOf("width"))).toBe(true);
  });

  it("rejects an output that is never driven", () => {
    const e = elaborationError(() => {
      ports({ a: input(UInt(8)), y: output(UInt(8)) }); // <- undriven
    });
    expect(e.message).toBe(`${lineOf("undriven")}: "y" is never driven`);
  });

  it("rejects a wire that would infer a latch", () => {
    const e = elaborationError(() => {
      const io = ports({ c: input(Bool), y: output(UInt(4)) });
      const w = wire("w", UInt(4)); // <- latch
      when(io.c, () => w.set(3));
      io.y.set(w);
    });
    expect(e.message).toContain(`${lineOf("latch")}: "w" is not assigned in every branch`);
  });

  it("accepts the same wire when an otherwise branch completes it", () => {
    const m = defineModule("Good", () => {
      const io = ports({ c: input(Bool), y: output(UInt(4)) });
      const w = wire("w", UInt(4));
      when(io.c, () => w.set(3)).otherwise(() => w.set(5));
      io.y.set(w);
    });
    expect(() => elaborate(m, undefined)).not.toThrow();
  });

  it("rejects combinational loops, naming the signals on the loop", () => {
    const e = elaborationError(() => {
      const io = ports({ a: input(UInt(4)), y: output(UInt(4)) });
      const p = wire("p", UInt(4)); // <- loop
      const q = wire("q", UInt(4));
      p.set(q.add(io.a));
      q.set(p);
      io.y.set(p);
    });
    expect(e.message).toMatch(/combinational loop: (p -> q -> p|q -> p -> q)/);
  });

  it("finds loops that pass through a child instance", () => {
    const Pass = defineModule("Pass", () => {
      const io = ports({ i: input(UInt(4)), o: output(UInt(4)) });
      io.o.set(io.i);
      return io;
    });
    const e = elaborationError(() => {
      const io = ports({ y: output(UInt(4)) });
      const c = instance("c", Pass, undefined);
      c.i.set(c.o.add(1));
      io.y.set(c.o);
    });
    expect(e.message).toContain("combinational loop");
  });

  it("rejects reading bits out of range", () => {
    const e = elaborationError(() => {
      const io = ports({ a: input(UInt(8)), y: output(UInt(2)) });
      io.y.set(io.a.bits(9, 8)); // <- bits
    });
    expect(e.message).toBe(`${lineOf("bits")}: bits(9, 8) is out of range for a 8-bit UInt(8)`);
  });

  it("rejects two signals with the same Verilog name", () => {
    const e = elaborationError(() => {
      ports({ count: output(UInt(8)) });
      reg("count", UInt(8), { init: 0 }); // <- dup
    });
    expect(e.message).toContain(`${lineOf("dup")}: two signals in module Bad would both be named "count"`);
  });

  it("rejects Verilog keywords as names", () => {
    const e = elaborationError(() => {
      wire("always", UInt(1)); // <- keyword
    });
    expect(e.message).toBe(
      `${lineOf("keyword")}: "always" is a Verilog keyword; rename it (for example "always_q")`,
    );
  });

  it("rejects literals that do not fit their type", () => {
    const e = elaborationError(() => {
      lit(300, UInt(8)); // <- literal
    });
    expect(e.message).toBe(`${lineOf("literal")}: literal 300 does not fit UInt(8) (0..255)`);
  });

  it("rejects mixing signed and unsigned operands", () => {
    const e = elaborationError(() => {
      const io = ports({ a: input(UInt(8)), b: input(SInt(8)), y: output(UInt(8)) });
      io.y.set(io.a.add(io.b as never)); // <- sign
    });
    expect(e.message).toContain(`${lineOf("sign")}: add: operands differ in signedness`);
  });

  it("rejects a register that is never updated and has no reset value", () => {
    const e = elaborationError(() => {
      const io = ports({ y: output(UInt(8)) });
      const r = reg("r", UInt(8)); // <- reg
      io.y.set(r);
    });
    expect(e.message).toBe(`${lineOf("reg")}: register "r" is never updated and has no reset value`);
  });

  it("gives differing modules with one name stable unique names, and shares identical ones", () => {
    const Leaf = defineModule(
      (_p: { k: number }) => "Leaf",
      (p: { k: number }) => {
        const io = ports({ y: output(UInt(4)) });
        io.y.set(p.k);
        return io;
      },
    );
    const Top = defineModule("Top", () => {
      const io = ports({ a: output(UInt(4)), b: output(UInt(4)), c: output(UInt(4)) });
      io.a.set(instance("x", Leaf, { k: 1 }).y);
      io.b.set(instance("y", Leaf, { k: 2 }).y);
      io.c.set(instance("z", Leaf, { k: 1 }).y);
      return io;
    });
    const emitted = emitVerilog(elaborate(Top, undefined));
    expect([...emitted.files.keys()].sort()).toEqual(["Leaf.v", "Leaf_1.v", "Top.v"]);
    expect(emitted.files.get("Top.v")).toMatch(/Leaf x \(/);
    expect(emitted.files.get("Top.v")).toMatch(/Leaf_1 y \(/);
    expect(emitted.files.get("Top.v")).toMatch(/Leaf z \(/);
  });
});
