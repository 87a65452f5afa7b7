import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { elaborate } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { Argmax } from "../../../src/lib/labelselect/argmax.js";

/** Independent reference: index of the first maximum. */
function firstMax(xs: bigint[]): number {
  let best = 0;
  xs.forEach((x, i) => {
    if (x > xs[best]!) best = i;
  });
  return best;
}

describe("Argmax", () => {
  // Up to 11 scores per beat: comparison trees of 0 to 4 registered levels, odd counts included.
  it("returns the index of the first maximum of each vector, under bubbles and backpressure", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 11 }),
        fc.integer({ min: 1, max: 4 }),
        fc.boolean(),
        fc.array(fc.integer({ min: -4, max: 4 }), { minLength: 16, maxLength: 16 * 6 }),
        fc.array(fc.boolean(), { minLength: 64, maxLength: 64 }),
        (pe, nf, signed, raw, pattern) => {
          const width = 4;
          const n = pe * nf;
          const vectors = Math.floor(raw.length / n);
          const scores = raw.slice(0, vectors * n).map((v) => BigInt(signed ? v : Math.abs(v)));
          const sim = new Simulator(elaborate(Argmax, { pe, nf, scoreWidth: width, signed }));
          sim.poke("ap_rst_n", 0);
          sim.step();
          sim.poke("ap_rst_n", 1);
          const beats = [];
          for (let b = 0; b < vectors * nf; b++) {
            let data = 0n;
            for (let i = 0; i < pe; i++)
              data |= BigInt.asUintN(width, scores[b * pe + i]!) << BigInt(i * width);
            beats.push(data);
          }
          const got: number[] = [];
          let sent = 0;
          for (let c = 0; got.length < vectors && c < 5000; c++) {
            const valid = sent < beats.length && (pattern[c % 64]! || c > 2000);
            const ready = pattern[(c * 5 + 1) % 64]! || c > 2000;
            sim.poke("in_valid", valid);
            sim.poke("in_data", beats[sent] ?? 0n);
            sim.poke("out_ready", ready);
            if (sim.peek("out_valid") === 1n && ready) got.push(Number(sim.peek("out_data")));
            if (valid && sim.peek("in_ready") === 1n) sent++;
            sim.step();
          }
          const want = Array.from({ length: vectors }, (_, v) => firstMax(scores.slice(v * n, (v + 1) * n)));
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 80 },
    );
  });
});
