// The LUT multiplier (shift-add, dot-product.ts `lutProduct`) in the interpreter: for every
// operand datatype pair the MVAU takes, random operands at and inside the range edges, the
// product equals the integer product and has `product`'s width.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DataType, encode } from "../../../src/core/datatypes.js";
import { defineModule, elaborate, input, output, ports, UInt } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { lutProduct, product } from "../../../src/lib/mvau/dot-product.js";
import { anyValueOf, BIPOLAR, INT, UINT } from "./random-layer.js";

const TYPES: DataType[] = [
  UINT(1),
  UINT(2),
  UINT(3),
  UINT(8),
  INT(2),
  INT(3),
  INT(4),
  INT(8),
  INT(12),
  BIPOLAR,
];

interface Pair {
  x: DataType;
  w: DataType;
}

/** x·w both ways; the outputs carry the products' bit patterns. */
const Products = defineModule(
  (p: Pair) => `Products_${p.x.kind}${p.x.bits}_${p.w.kind}${p.w.bits}`,
  (p: Pair) => {
    const probe = { x: UInt(p.x.bits), w: UInt(p.w.bits) };
    const io = ports({ x: input(probe.x), w: input(probe.w) });
    const lut = lutProduct(io.x, io.w, p.x, p.w);
    const dsp = product(io.x, io.w, p.x, p.w);
    const out = ports({ lut: output(UInt(lut.width)), dsp: output(UInt(dsp.width)) });
    out.lut.set(lut.signed ? lut.asUInt() : lut);
    out.dsp.set(dsp.signed ? dsp.asUInt() : dsp);
    return { ...io, ...out };
  },
);

describe("lutProduct", () => {
  for (const x of TYPES)
    for (const w of TYPES) {
      it(`${x.kind}${x.bits} × ${w.kind}${w.bits}`, () => {
        const design = elaborate(Products, { x, w });
        const width = design.top.ports.find((s) => s.signalName === "lut")!.width;
        const sim = new Simulator(design);
        const xnor = x.kind === "BIPOLAR" && w.kind === "BIPOLAR";
        fc.assert(
          fc.property(anyValueOf(x), anyValueOf(w), (a, b) => {
            sim.poke("x", encode(x, a));
            sim.poke("w", encode(w, b));
            const lut = sim.peek("lut");
            expect(lut).toBe(sim.peek("dsp"));
            // The product's bit pattern in its width (±1 × ±1 is an XNOR bit: equal is 1).
            expect(lut).toBe(xnor ? (a === b ? 1n : 0n) : BigInt.asUintN(width, a * b));
          }),
          { numRuns: 60 },
        );
      });
    }
});
