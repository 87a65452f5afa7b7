// The example counter under both simulators: lint-clean, identical cycle results, matching a
// TypeScript reference, and cached so the second build is nearly free.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import {
  buildIcarus,
  buildVerilator,
  type IcarusModel,
  lintVerilog,
  type VerilatorModel,
} from "../../sim/index.js";
import { counterDesign } from "./designs.js";

/** What the counter should do: count enabled cycles, wrapping after `limit`. */
function reference(enables: boolean[], limit: number) {
  let value = 0;
  return enables.map((en) => {
    const out = { count: BigInt(value), wrap: BigInt(en && value === limit) };
    if (en) value = value === limit ? 0 : value + 1;
    return out;
  });
}

describe("counter", () => {
  const design = counterDesign(8, 9);
  let verilator: VerilatorModel;
  let icarus: IcarusModel;

  beforeAll(async () => {
    [verilator, icarus] = await Promise.all([buildVerilator(design), buildIcarus(design)]);
  });

  it("passes verilator lint -Wall", async () => {
    await expect(lintVerilog(design)).resolves.toBeUndefined();
  });

  it("hits the cache on the second build", async () => {
    const again = await buildVerilator(counterDesign(8, 9));
    expect(again.cacheHit).toBe(true);
    expect(again.dir).toBe(verilator.dir);
    expect(again.buildMs).toBeLessThan(1000);
  });

  it("gives identical results in Verilator and Icarus, matching the reference", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }), async (enables) => {
        // Cycle 0 holds reset; the enables start once it is released.
        const vectors = [
          { ap_rst_n: 0n, enable: 0n },
          ...enables.map((e, i) => ({ ...(i === 0 ? { ap_rst_n: 1n } : {}), enable: BigInt(e) })),
        ];
        const [v, i] = await Promise.all([verilator.runCycles(vectors), icarus.runCycles(vectors)]);
        expect(i).toEqual(v);
        expect(v.slice(1)).toEqual(reference(enables, 9));
      }),
      { numRuns: 6 },
    );
  });

  it("keeps absent inputs at their previous value", async () => {
    const out = await verilator.runCycles([
      { ap_rst_n: 0n },
      { ap_rst_n: 1n, enable: 1n },
      {},
      {},
      { enable: 0n },
      {},
    ]);
    expect(out.map((o) => o.count)).toEqual([0n, 0n, 1n, 2n, 3n, 3n]);
  });

  it("rejects unknown inputs and out-of-range values clearly", async () => {
    await expect(verilator.runCycles([{ count: 1n }])).rejects.toThrow(/"count" is not a driven input/);
    await expect(verilator.runCycles([{ enable: 2n }])).rejects.toThrow(/does not fit enable/);
  });
});
