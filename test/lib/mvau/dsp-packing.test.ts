// DSP packing: k products of one input and k weights from one multiplication, checked in the
// interpreter against BigInt products at random and extreme values, and in the MVAU.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildIcarus } from "../../../sim/index.js";
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
import {
  DSP48E1,
  DSP48E2,
  DSP48E2_INFERRED,
  type DspPorts,
  dspPacking,
  packedProducts,
} from "../../../src/lib/mvau/dsp-packing.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { type EmittedDesign, emitVerilog } from "../../../src/rtl/emit.js";
import { expectedBeats, inputBeats } from "./reference.js";
import { driveStreams, rng } from "./stream-driver.js";
import { checkInVerilator } from "./verilator-run.js";

interface Case {
  inputType: DataType;
  weightType: DataType;
  fields: number;
  ports: DspPorts;
}

/** Wide enough for any field's value (a product of at most 8 × 8 bits plus its carry). */
const FIELD_PORT_BITS = 24;

const PackedTop = defineModule(
  (c: Case) =>
    `PackedTop_${c.inputType.kind}${c.inputType.bits}_${c.weightType.kind}${c.weightType.bits}_${c.fields}_${c.ports.wide}`,
  (c: Case) => {
    const packing = dspPacking(c.inputType, c.weightType, c.ports);
    const spec: Record<string, ReturnType<typeof input> | ReturnType<typeof output>> = {
      x: input(UInt(c.inputType.bits)),
    };
    for (let j = 0; j < c.fields; j++) {
      spec[`w${j}`] = input(UInt(c.weightType.bits));
      spec[`p${j}`] = output(SInt(FIELD_PORT_BITS));
    }
    const io = ports(spec) as unknown as Record<string, Signal>;
    const ws = Array.from({ length: c.fields }, (_, j) => elementValue(io[`w${j}`]!, c.weightType));
    const values = packedProducts(
      "product",
      elementValue(io.x!, c.inputType),
      ws,
      c.inputType,
      c.weightType,
      packing,
    );
    values.forEach((v, j) => io[`p${j}`]!.set(v.pad(FIELD_PORT_BITS)));
    return io;
  },
);

const dt = (kind: "INT" | "UINT", bits: number): DataType => ({ kind, bits });

/** Multiplications in the design's Verilog: inferred ones (` * `) and instantiated DSP48E2s. */
const multipliersIn = (emitted: EmittedDesign) => {
  const text = [...emitted.files.values()].join("\n");
  return text.split(" * ").length - 1 + (text.split(/^ {2}DSP48E2 #\(/m).length - 1);
};
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
  it("packs 8-bit × 8-bit in pairs and 4-bit × 4-bit four to a DSP48E2, as FINN does", () => {
    // Inferred: the product's 34 bits are registered in the fabric. Instantiated (the default
    // on a DSP48E2), the slice's MREG and PREG hold it two cycles: no fabric register.
    const guarded8 = { fields: 2, spacing: 17, canaryBits: 0, weightBits: 26 };
    const inferred = { registerBits: 34, stages: 1, primitive: false };
    const instantiated = { registerBits: 0, stages: 2, primitive: true };
    expect(dspPacking(dt("UINT", 8), dt("INT", 8))).toEqual({ ...guarded8, ...instantiated });
    expect(dspPacking(dt("INT", 8), dt("INT", 8))).toEqual({ ...guarded8, ...instantiated });
    expect(dspPacking(dt("INT", 8), dt("INT", 8), DSP48E2_INFERRED)).toEqual({ ...guarded8, ...inferred });
    // Four fields 7 bits apart (a product needs 8): one canary bit per field recovers the carry.
    // Inferred, P holds 3 · 7 bits and the top field's 8, three canary bits beside it; with the
    // primitive only the three canaries, registered twice to keep pace with MREG and PREG.
    const four = { fields: 4, spacing: 7, canaryBits: 1, weightBits: 26 };
    expect(dspPacking(dt("UINT", 4), dt("INT", 4), DSP48E2_INFERRED)).toEqual({
      ...four,
      registerBits: 21 + 8 + 3,
      stages: 1,
      primitive: false,
    });
    expect(dspPacking(dt("UINT", 4), dt("INT", 4))).toEqual({
      ...four,
      registerBits: 2 * 3,
      stages: 2,
      primitive: true,
    });
    expect(dspPacking(dt("INT", 4), dt("INT", 4)).fields).toBe(4);
    expect(dspPacking(dt("UINT", 8), dt("INT", 2)).fields).toBe(3); // guarded: 2 canary bits cost LUTs
    // Not a multiplication, or a product that synthesis keeps in LUTs: nothing to share.
    expect(dspPacking({ kind: "BIPOLAR", bits: 1 }, dt("INT", 8)).fields).toBe(1);
    expect(dspPacking(dt("UINT", 2), dt("INT", 2)).fields).toBe(1);
    // A 7-series DSP48E1 multiplies 25 × 18: two guarded 8 × 8-bit fields need 26 bits, two
    // overlapping ones 16 bits apart fit in 25.
    expect(dspPacking(dt("UINT", 8), dt("INT", 8), DSP48E1)).toMatchObject({
      fields: 2,
      spacing: 16,
      canaryBits: 1,
      weightBits: 25,
    });
    expect(dspPacking(dt("UINT", 4), dt("INT", 4), DSP48E1)).toMatchObject({ fields: 3, canaryBits: 0 });
  });

  it("packs for the board's DSP slice in the compiler, and the estimate counts it", () => {
    const folding = {
      layers: [
        { name: "fc0", pe: 2, simd: 16 },
        { name: "fc1", pe: 2, simd: 16 },
        { name: "fc2", pe: 1, simd: 1 },
      ],
    };
    const dsp = (board: string, dspPacking?: boolean, dspPrimitive?: boolean) => {
      const c = compileModel("models/pneumonia-w8a8.json", { board, folding, dspPacking, dspPrimitive });
      const multipliers = multipliersIn(c.emitted);
      return {
        ports: c.plan.layers[0]!.mvau.dspPorts,
        dsp: c.report.layers[0]!.estimate.dsp,
        ff: c.report.layers[0]!.estimate.ff,
        multipliers,
        models: [...c.emitted.simulationModels.keys()],
      };
    };
    // fc0 and fc1 each have 16 lanes × 2 PEs: packing saves one multiplier per lane and layer,
    // on a DSP48E2 (guarded fields) and on a DSP48E1 (overlapping fields).
    const packed = dsp("zcu104");
    const e1 = dsp("pynq-z2");
    const off = dsp("zcu104", false);
    expect(packed).toMatchObject({ ports: { wide: 27, narrow: 18 }, dsp: 16 });
    expect(e1).toMatchObject({ ports: DSP48E1, dsp: 16 });
    expect(off.dsp).toBe(32);
    expect(off.multipliers - packed.multipliers).toBe(32);
    expect(e1.multipliers).toBe(packed.multipliers);
    // UltraScale+ instantiates DSP48E2s (their model only for simulators); --no-dsp-primitive
    // infers the same multipliers and the estimate charges their product registers again.
    const inferred = dsp("zcu104", undefined, false);
    expect(packed.models).toEqual(["DSP48E2.v"]);
    expect(inferred).toMatchObject({
      ports: DSP48E2_INFERRED,
      dsp: 16,
      multipliers: packed.multipliers,
      models: [],
    });
    expect(inferred.ff).toBeGreaterThan(packed.ff);
  });

  /**
   * Steps the packed multiplier through (x, weights), one pair per cycle, and checks every field
   * against x·w `stages` cycles later (2 in an instantiated DSP48E2, run as its Loom model).
   */
  const checkFields = (c: Case, steps: { x: bigint; w: bigint[] }[]) => {
    const { stages } = dspPacking(c.inputType, c.weightType, c.ports);
    const sim = new Simulator(elaborate(PackedTop, c));
    for (let t = 0; t < steps.length + stages - 1; t++) {
      const { x, w } = steps[Math.min(t, steps.length - 1)]!;
      sim.poke("x", encode(c.inputType, x));
      w.forEach((wv, j) => sim.poke(`w${j}`, encode(c.weightType, wv)));
      sim.step();
      const done = steps[t - stages + 1];
      done?.w.forEach((wv, j) => {
        const got = BigInt.asIntN(FIELD_PORT_BITS, sim.peek(`p${j}`));
        expect(got, `x=${done.x} w${j}=${wv}`).toBe(done.x * wv);
      });
    }
  };

  it("recovers all four 4-bit products for every input and weight", () => {
    for (const ports of [DSP48E2])
      for (const inputType of [dt("UINT", 4), dt("INT", 4)]) {
        const weightType = dt("INT", 4);
        const c = { inputType, weightType, ports, fields: 4 };
        expect(dspPacking(inputType, weightType, ports).fields).toBe(4);
        const value = (t: DataType, code: number) => minValue(t) + BigInt(code);
        // Every (x, w) pair in every field, each field a different weight at each step.
        const steps = Array.from({ length: 256 }, (_, t) => ({
          x: value(inputType, t >> 4),
          w: [0, 1, 2, 3].map((j) => value(weightType, ((t & 15) + 5 * j) % 16)),
        }));
        checkFields(c, steps);
      }
  });

  it("runs the DSP48E2's Loom model in Icarus too: every product two cycles after its operands", async () => {
    const c: Case = { inputType: dt("UINT", 8), weightType: dt("INT", 8), ports: DSP48E2, fields: 2 };
    expect(dspPacking(c.inputType, c.weightType, c.ports)).toMatchObject({ primitive: true, stages: 2 });
    const emitted = emitVerilog(elaborate(PackedTop, c));
    expect([...emitted.simulationModels.keys()]).toEqual(["DSP48E2.v"]);
    expect(emitted.verilogFiles).not.toContain("DSP48E2.v");
    const random = rng(77);
    const pick = (t: DataType) =>
      minValue(t) + BigInt(Math.floor(random() * Number(maxValue(t) - minValue(t) + 1n)));
    const steps = Array.from({ length: 24 }, () => ({
      x: pick(c.inputType),
      w: [pick(c.weightType), pick(c.weightType)],
    }));
    steps[0] = { x: 255n, w: [-128n, -128n] };
    steps[1] = { x: 255n, w: [127n, -128n] };
    const vectors = steps.map(({ x, w }) => ({
      x: encode(c.inputType, x),
      w0: encode(c.weightType, w[0]!),
      w1: encode(c.weightType, w[1]!),
    }));
    const outputs = await (await buildIcarus(emitted)).runCycles([...vectors, vectors[0]!, vectors[0]!]);
    // Outputs are sampled before each clock edge: step t's products show at cycle t + 2.
    steps.forEach(({ x, w }, t) =>
      w.forEach((wv, j) => expect(BigInt.asIntN(FIELD_PORT_BITS, outputs[t + 2]![`p${j}`]!)).toBe(x * wv)),
    );
  });

  it("recovers every product exactly from one multiplication", () => {
    const caseArb = fc
      .tuple(typeArb, typeArb, fc.constantFrom(DSP48E2, DSP48E1))
      .filter(([x, w, ports]) => dspPacking(x, w, ports).fields > 1)
      .chain(([inputType, weightType, ports]) =>
        fc.record({
          inputType: fc.constant(inputType),
          weightType: fc.constant(weightType),
          ports: fc.constant(ports),
          // One field: a lone PE's product, which goes through the DSP48E2 primitive too.
          fields: fc.integer({ min: 1, max: dspPacking(inputType, weightType, ports).fields }),
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
        ({ c, x, w }) =>
          checkFields(
            c,
            x.map((xv, t) => ({ x: xv, w: w[t]! })),
          ),
      ),
      { numRuns: 150 },
    );
  });

  it("halves the MVAU's multipliers for 8-bit PE = 4 and computes the same outputs, in DSP48E2s in Verilator too", async () => {
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
    const multipliers = (p: MvauParams) => multipliersIn(emitVerilog(elaborate(Mvau, p)));
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
      // The instantiated DSP48E2s (their Loom model) in Verilator, under bubbles and backpressure.
      if (p === base)
        await checkInVerilator(elaborate(Mvau, p), inputBeats(p, vectors), expected, [[0.7, 0.5]], 23);
    }
  });

  it("packs four 4-bit PEs per multiplier in the MVAU: golden outputs in the interpreter and Verilator under backpressure", async () => {
    // PE = 6: one group of four fields and one of two. Weights and inputs are drawn half the
    // time from the range ends (−8, 7, 0 for weights; 0, 15 for UINT4 inputs), where a wrong
    // carry between fields would show.
    const random = rng(4242);
    const pick = (t: DataType) => {
      const r = random();
      if (r < 0.5) {
        const edges = [minValue(t), maxValue(t), 0n];
        return edges[Math.floor(r * 6)]!;
      }
      return minValue(t) + BigInt(Math.floor(random() * Number(maxValue(t) - minValue(t) + 1n)));
    };
    const weightType = dt("INT", 4);
    for (const inputType of [dt("UINT", 4), dt("INT", 4)]) {
      const p: MvauParams = {
        mw: 16,
        mh: 12,
        simd: 4,
        pe: 6,
        inputType,
        weightType,
        weights: Array.from({ length: 12 }, () => Array.from({ length: 16 }, () => pick(weightType))),
        activation: { kind: "none" },
      };
      const vectors = Array.from({ length: 6 }, () => Array.from({ length: 16 }, () => pick(inputType)));
      const design = elaborate(Mvau, p);
      const multipliers = multipliersIn(emitVerilog(design));
      expect(multipliers).toBe(4 * 2);
      const expected = vectors.flatMap((v) => expectedBeats(p, v, mvauShape(p).outType));
      const run = driveStreams(design, inputBeats(p, vectors), expected.length, {
        validProbability: 0.6,
        readyProbability: 0.5,
        seed: 5,
      });
      expect(run.violations).toEqual([]);
      expect(run.outputs).toEqual(expected);
      // One Verilator build (the UINT4 × INT4 layer, FINN's case): full rate and two stall patterns.
      if (inputType.kind === "UINT")
        await checkInVerilator(
          design,
          inputBeats(p, vectors),
          expected,
          [
            [0.5, 1],
            [0.7, 0.4],
          ],
          17,
        );
    }
  });
});
