// DSP packing: k products of one input and k weights from one multiplication, checked in the
// interpreter against BigInt products at random and extreme values, and in the MVAU.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../../src/compiler/generate.js";
import { type DataType, encode, maxValue, minValue } from "../../../src/core/datatypes.js";
import {
  defineModule,
  elaborate,
  input,
  output,
  ports,
  SInt,
  type Signal,
  UInt,
} from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { elementValue } from "../../../src/lib/mvau/dot-product.js";
import { DSP48E1, dspPacking, packedProducts } from "../../../src/lib/mvau/dsp-packing.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { emitVerilog } from "../../../src/rtl/emit.js";
import { expectedBeats, inputBeats } from "./reference.js";
import { driveStreams } from "./stream-driver.js";

interface Case {
  inputType: DataType;
  weightType: DataType;
  fields: number;
}

const PackedTop = defineModule(
  (c: Case) =>
    `PackedTop_${c.inputType.kind}${c.inputType.bits}_${c.weightType.kind}${c.weightType.bits}_${c.fields}`,
  (c: Case) => {
    const packing = dspPacking(c.inputType, c.weightType);
    const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {
      x: input(UInt(c.inputType.bits)),
    };
    for (let j = 0; j < c.fields; j++) {
      spec[`w${j}`] = input(UInt(c.weightType.bits));
      spec[`p${j}`] = output(SInt(packing.spacing + 1));
    }
    const io = ports(spec) as unknown as Record<string, Signal>;
    const ws = Array.from({ length: c.fields }, (_, j) => elementValue(io[`w${j}`]!, c.weightType));
    const values = packedProducts("product", elementValue(io.x!, c.inputType), ws, c.weightType, packing);
    values.forEach((v, j) => io[`p${j}`]!.set(v.pad(packing.spacing + 1)));
    return io;
  },
);

const dt = (kind: "INT" | "UINT", bits: number): DataType => ({ kind, bits });
const typeArb = fc
  .record({ kind: fc.constantFrom<"INT" | "UINT">("INT", "UINT"), bits: fc.integer({ min: 2, max: 8 }) })
  .map(({ kind, bits }) => dt(kind, bits));

/** A value of the datatype, biased to the extremes where a borrow or overflow would show. */
const edgyValue = (t: DataType) =>
  fc.oneof(
    fc.constantFrom(minValue(t), maxValue(t), 0n, minValue(t) <= -1n ? -1n : 1n),
    fc.bigInt(minValue(t), maxValue(t)),
  );

describe("DSP packing", () => {
  it("packs 8-bit × 8-bit in pairs and narrow products three to a DSP48E2", () => {
    expect(dspPacking(dt("UINT", 8), dt("INT", 8))).toEqual({ fields: 2, spacing: 17 });
    expect(dspPacking(dt("INT", 8), dt("INT", 8))).toEqual({ fields: 2, spacing: 17 });
    expect(dspPacking(dt("UINT", 4), dt("INT", 4)).fields).toBe(3);
    expect(dspPacking(dt("UINT", 8), dt("INT", 2)).fields).toBe(3);
    // Not a multiplication, or a product that synthesis keeps in LUTs: nothing to share.
    expect(dspPacking({ kind: "BIPOLAR", bits: 1 }, dt("INT", 8)).fields).toBe(1);
    expect(dspPacking(dt("UINT", 2), dt("INT", 2)).fields).toBe(1);
    // A 7-series DSP48E1 multiplies 25 × 18: two 8 × 8-bit products need 26 bits.
    expect(dspPacking(dt("UINT", 8), dt("INT", 8), DSP48E1).fields).toBe(1);
    expect(dspPacking(dt("UINT", 4), dt("INT", 4), DSP48E1).fields).toBe(3);
  });

  it("packs for the board's DSP slice in the compiler, and the estimate counts it", () => {
    const folding = {
      layers: [
        { name: "fc0", pe: 2, simd: 16 },
        { name: "fc1", pe: 2, simd: 16 },
        { name: "fc2", pe: 1, simd: 1 },
      ],
    };
    const dsp = (board: string, dspPacking?: boolean) => {
      const c = compileModel("models/pneumonia-w8a8.json", { board, folding, dspPacking });
      const multipliers = [...c.emitted.files.values()].join("\n").split(" * ").length - 1;
      return { ports: c.plan.layers[0]!.mvau.dspPorts, dsp: c.report.layers[0]!.estimate.dsp, multipliers };
    };
    // fc0 and fc1 each have 16 lanes × 2 PEs: packing saves one multiplier per lane and layer.
    const packed = dsp("zcu104");
    const e1 = dsp("pynq-z2");
    const off = dsp("zcu104", false);
    expect(packed).toMatchObject({ ports: { wide: 27, narrow: 18 }, dsp: 16 });
    expect(e1).toMatchObject({ ports: DSP48E1, dsp: 32 });
    expect(off.dsp).toBe(32);
    expect(off.multipliers - packed.multipliers).toBe(32);
    expect(e1.multipliers).toBe(off.multipliers);
  });

  it("recovers every product exactly from one multiplication", () => {
    const caseArb = fc
      .tuple(typeArb, typeArb)
      .filter(([x, w]) => dspPacking(x, w).fields > 1)
      .chain(([inputType, weightType]) =>
        fc.record({
          inputType: fc.constant(inputType),
          weightType: fc.constant(weightType),
          fields: fc.integer({ min: 2, max: dspPacking(inputType, weightType).fields }),
        }),
      );
    fc.assert(
      fc.property(
        caseArb.chain((c) =>
          fc.record({
            c: fc.constant(c),
            x: fc.array(edgyValue(c.inputType), { minLength: 8, maxLength: 8 }),
            w: fc.array(fc.array(edgyValue(c.weightType), { minLength: c.fields, maxLength: c.fields }), {
              minLength: 8,
              maxLength: 8,
            }),
          }),
        ),
        ({ c, x, w }) => {
          const sim = new Simulator(elaborate(PackedTop, c));
          x.forEach((xv, t) => {
            sim.poke("x", encode(c.inputType, xv));
            w[t]!.forEach((wv, j) => sim.poke(`w${j}`, encode(c.weightType, wv)));
            sim.step();
            const width = dspPacking(c.inputType, c.weightType).spacing + 1;
            w[t]!.forEach((wv, j) => {
              const got = BigInt.asIntN(width, sim.peek(`p${j}`));
              expect(got, `x=${xv} w${j}=${wv}`).toBe(xv * wv);
            });
          });
        },
      ),
      { numRuns: 150 },
    );
  });

  it("halves the MVAU's multipliers for 8-bit PE = 4 and computes the same outputs", () => {
    const rnd = (n: number, lo: number, span: number) =>
      Array.from({ length: n }, (_, i) => BigInt(lo + ((i * 2654435761) % span)));
    const base: MvauParams = {
      mw: 32,
      mh: 8,
      simd: 8,
      pe: 4,
      inputType: dt("UINT", 8),
      weightType: dt("INT", 8),
      weights: Array.from({ length: 8 }, (_, r) =>
        rnd(32, -128 + r, 256).map((v) => (v > 127n ? v - 256n : v)),
      ),
      activation: { kind: "none" },
    };
    const vectors = [rnd(32, 0, 256), rnd(32, 3, 253).map((v) => 255n - v)];
    const multipliers = (p: MvauParams) => {
      const emitted = emitVerilog(elaborate(Mvau, p));
      return [...emitted.files.values()].join("\n").split(" * ").length - 1;
    };
    const packed = multipliers(base);
    const plain = multipliers({ ...base, dspPacking: false });
    expect(plain).toBe(8 * 4);
    expect(packed).toBe(8 * 2);
    expect(emitVerilog(elaborate(Mvau, { ...base, dspPacking: false })).topName).toMatch(/_nopack$/);
    for (const p of [base, { ...base, dspPacking: false }]) {
      const shape = mvauShape(p);
      const expected = vectors.flatMap((v) => expectedBeats(p, v, shape.outType));
      const run = driveStreams(elaborate(Mvau, p), inputBeats(p, vectors), expected.length, {
        validProbability: 0.7,
        readyProbability: 0.5,
        seed: 11,
      });
      expect(run.outputs).toEqual(expected);
    }
  });
});
