// Runtime-writable weights in the interpreter, over a sequence the Verilator stream harness
// cannot express: load weights A, infer; start loading weights B and offer vectors while the
// load is half done (nothing may come out); finish B, and the same vectors give B's outputs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { Mvau, type MvauParams, mvauShape } from "../../../src/lib/mvau/index.js";
import { anyValueOf, layerCase } from "./random-layer.js";
import { expectedBeats, inputBeats, weightLoadBeats } from "./reference.js";
import { rng } from "./stream-driver.js";

/** Drives the three streams cycle by cycle with random bubbles and backpressure. */
class Harness {
  readonly outputs: bigint[] = [];
  private readonly random: () => number;
  constructor(
    readonly sim: Simulator,
    seed: number,
  ) {
    this.random = rng(seed);
    sim.poke("ap_rst_n", 0);
    for (const s of ["in_valid", "weights_valid", "out_ready"]) sim.poke(s, 0);
    sim.step();
    sim.step();
    sim.poke("ap_rst_n", 1);
  }

  /** Offers `beats` on a stream (valid held until taken), collecting outputs, then idles. */
  send(prefix: "in" | "weights", beats: bigint[]): void {
    for (const beat of beats) {
      while (this.random() < 0.3) this.cycle();
      this.sim.poke(`${prefix}_valid`, 1);
      this.sim.poke(`${prefix}_data`, beat);
      while (this.sim.peek(`${prefix}_ready`) !== 1n) this.cycle();
      this.cycle();
      this.sim.poke(`${prefix}_valid`, 0);
    }
  }

  /** One clock edge with a random ready on `out`. */
  cycle(): void {
    const ready = this.random() < 0.6;
    this.sim.poke("out_ready", ready ? 1 : 0);
    if (ready && this.sim.peek("out_valid") === 1n) this.outputs.push(this.sim.peek("out_data"));
    this.sim.step();
  }

  /** Runs until `count` outputs are in (or fails after `limit` cycles). */
  drain(count: number, limit = 20_000): bigint[] {
    for (let i = 0; this.outputs.length < count; i++) {
      if (i > limit) throw new Error(`${this.outputs.length}/${count} outputs after ${limit} cycles`);
      this.cycle();
    }
    return this.outputs.splice(0);
  }
}

describe("MVAU runtime weights (interpreter)", () => {
  it("reloads: A's outputs, nothing during a half-done load of B, then B's outputs", () => {
    const reload = layerCase({ maxMw: 16, maxMh: 6, maxVectors: 3 }).chain((c) =>
      fc.record({
        c: fc.constant(c),
        b: fc.array(
          fc.array(anyValueOf(c.params.weightType), { minLength: c.params.mw, maxLength: c.params.mw }),
          {
            minLength: c.params.mh,
            maxLength: c.params.mh,
          },
        ),
        seed: fc.integer({ min: 1, max: 1 << 28 }),
      }),
    );
    fc.assert(
      fc.property(reload, ({ c, b, seed }) => {
        const a: MvauParams = { ...c.params, runtimeWeights: true };
        const withB: MvauParams = { ...a, weights: b };
        const shape = mvauShape(a);
        const expect_ = (p: MvauParams) => c.vectors.flatMap((v) => expectedBeats(p, v, shape.outType));
        const h = new Harness(new Simulator(elaborate(Mvau, a)), seed);
        h.send("weights", weightLoadBeats(a));
        h.send("in", inputBeats(a, c.vectors));
        expect(h.drain(expect_(a).length)).toEqual(expect_(a));
        const beatsB = weightLoadBeats(withB);
        if (beatsB.length > 1) {
          h.send("weights", beatsB.slice(0, 1));
          h.send("in", inputBeats(a, c.vectors.slice(0, 1)));
          for (let i = 0; i < 4 * shape.latency + 20; i++) h.cycle();
          expect(h.outputs).toEqual([]);
          h.send("weights", beatsB.slice(1));
          h.send("in", inputBeats(a, c.vectors.slice(1)));
        } else {
          h.send("weights", beatsB);
          h.send("in", inputBeats(a, c.vectors));
        }
        expect(h.drain(expect_(withB).length)).toEqual(expect_(withB));
      }),
      { numRuns: 15 },
    );
  });
});
