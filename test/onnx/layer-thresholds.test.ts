// The lockstep threshold search (estimates for an affine chain into a rounding quantizer) must give
// exactly the thresholds of the plain point-by-point search, whatever the estimate's error, on
// rising and falling channels, with float32 rounding, ReLU and saturation.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { roundHalfEven } from "../../src/model/golden/rounding.js";
import { fitLayerThresholds, type LayerChain } from "../../src/onnx/layer-thresholds.js";
import { f32 } from "../../src/onnx/tensor.js";

const channel = fc.record({
  lo: fc.integer({ min: -2000, max: 0 }),
  span: fc.integer({ min: 0, max: 3000 }),
  slope: fc.double({ min: 0.002, max: 3, noNaN: true }),
  falling: fc.boolean(),
  offset: fc.double({ min: -40, max: 40, noNaN: true }),
  relu: fc.boolean(),
  /** How far the estimate is off (0: exact). */
  error: fc.integer({ min: -40, max: 40 }),
});

describe("fitLayerThresholds", () => {
  it("gives the plain search's thresholds with any estimate", () => {
    fc.assert(
      fc.property(
        fc.array(channel, { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 1, max: 8 }),
        fc.constantFrom(roundHalfEven, Math.floor, Math.ceil),
        (chs, bits, round) => {
          const maxCode = 2 ** bits - 1;
          // Float32 at every step, as the executor's ops compute.
          const output = (acc: bigint, c: number) => {
            const ch = chs[c]!;
            let v = f32(f32(Number(acc) * (ch.falling ? -ch.slope : ch.slope)) + ch.offset);
            if (ch.relu) v = Math.max(0, v);
            return Math.min(maxCode, Math.max(0, round(v)));
          };
          const chain: LayerChain = {
            lo: chs.map((ch) => BigInt(ch.lo)),
            hi: chs.map((ch) => BigInt(ch.lo + ch.span)),
            minCode: 0,
            maxCode,
            outputsAt: (accs) => Float64Array.from(accs, output),
            codeOf: (y) => y,
          };
          const delta = round === Math.floor ? 0 : round === Math.ceil ? 1 : 0.5;
          const guess = (c: number, m: number) =>
            Math.ceil((m - delta - chs[c]!.offset) / chs[c]!.slope) + chs[c]!.error;
          const err = (c: number, e: Error) => new Error(`channel ${c}: ${e.message}`);
          const plain = fitLayerThresholds(chain, err);
          const fast = fitLayerThresholds({ ...chain, guess }, err);
          expect(fast).toEqual(plain);
          // And both are the definition: T[k] = smallest t in range with code(±t) ≥ k + 1.
          chs.forEach((ch, c) => {
            const sign = plain.falling[c] ? -1 : 1;
            const [a, b] = plain.falling[c] ? [-(ch.lo + ch.span), -ch.lo] : [ch.lo, ch.lo + ch.span];
            for (let k = 0; k < maxCode; k += Math.max(1, maxCode >> 4)) {
              let t = b + 1;
              for (let x = a; x <= b; x++) {
                if (output(BigInt(sign * x), c) >= k + 1) {
                  t = x;
                  break;
                }
              }
              expect(fast.thresholds[c]![k]).toBe(BigInt(t));
            }
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});
