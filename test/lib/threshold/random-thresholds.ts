// fast-check generators for the thresholding unit, and its expected beats from the golden
// multiThreshold (packing written out in the test helpers, independent of the generator).
import fc from "fast-check";
import type { DataType } from "../../../src/core/datatypes.js";
import type { ThresholdingParams } from "../../../src/lib/threshold/index.js";
import { multiThreshold } from "../../../src/model/golden/index.js";
import { anyValueOf, BIPOLAR, hi, INT, lo, UINT } from "../mvau/random-layer.js";
import { pack } from "../mvau/reference.js";

const divisorsOf = (n: number) => Array.from({ length: n }, (_, i) => i + 1).filter((d) => n % d === 0);

function ascending(count: number, dt: DataType): fc.Arbitrary<bigint[]> {
  const v = fc.oneof(
    fc.constantFrom(lo(dt), hi(dt), lo(dt) - 1n, lo(dt) - 9n, hi(dt) + 1n, hi(dt) + 9n),
    anyValueOf(dt),
  );
  return fc
    .array(v, { minLength: count, maxLength: count })
    .map((t) => [...t].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
}

export interface ThresholdCase {
  params: ThresholdingParams;
  pixels: bigint[][];
}

const SEARCHES = [undefined, "auto", "parallel", "binary"] as const;
const MEMORIES = [undefined, "auto", "block", "distributed"] as const;

/** A threshold count in 1..max, often at or next to a power of two (including max). */
export function thresholdCount(max: number): fc.Arbitrary<number> {
  const edges = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 63, 64, 100, 127, 128, 200, 254, 255];
  return fc.oneof(fc.constantFrom(...edges.filter((n) => n <= max), max), fc.integer({ min: 1, max }));
}

export interface ThresholdLimits {
  /** Most thresholds per channel (default: what the output types allow, up to 7). */
  maxCount?: number;
  /** Fix the search (default: any of undefined, auto, parallel, binary). */
  search?: ThresholdingParams["search"];
  maxChannels?: number;
  maxPixels?: number;
}

export function thresholdCase(limits: ThresholdLimits = {}): fc.Arbitrary<ThresholdCase> {
  const maxCount = limits.maxCount ?? 7;
  // Output types wide enough for up to 255 thresholds only when asked for.
  const outTypes: DataType[] =
    maxCount > 7
      ? [UINT(1), UINT(3), UINT(5), UINT(8), INT(2), INT(4), INT(8), BIPOLAR]
      : [UINT(1), UINT(2), UINT(3), INT(2), INT(3), BIPOLAR];
  return fc
    .record({
      channels: fc.integer({ min: 1, max: limits.maxChannels ?? 12 }),
      inputType: fc.constantFrom(UINT(1), UINT(4), UINT(9), INT(2), INT(5), INT(12)),
      outputType: fc.constantFrom<DataType>(...outTypes),
      global: fc.boolean(),
      pixels: fc.integer({ min: 1, max: limits.maxPixels ?? 5 }),
      search: limits.search ? fc.constant(limits.search) : fc.constantFrom(...SEARCHES),
      thresholdMemory: fc.constantFrom(...MEMORIES),
    })
    .chain(({ channels, inputType, outputType, global, pixels, search, thresholdMemory }) => {
      const most = outputType.kind === "BIPOLAR" ? 1 : Number(hi(outputType) - lo(outputType));
      return thresholdCount(Math.min(most, maxCount)).chain((n) =>
        fc.record({
          params: fc.record({
            channels: fc.constant(channels),
            pe: fc.constantFrom(...divisorsOf(channels)),
            inputType: fc.constant(inputType),
            outputType: fc.constant(outputType),
            outBias: fc.constant(outputType.kind === "BIPOLAR" ? 0n : lo(outputType)),
            thresholds: fc.array(ascending(n, inputType), {
              minLength: global ? 1 : channels,
              maxLength: global ? 1 : channels,
            }),
            search: fc.constant(search),
            thresholdMemory: fc.constant(thresholdMemory),
          }),
          pixels: fc.array(fc.array(anyValueOf(inputType), { minLength: channels, maxLength: channels }), {
            minLength: pixels,
            maxLength: pixels,
          }),
        }),
      );
    });
}

export function beats(p: ThresholdingParams, pixels: bigint[][]): { inputs: bigint[]; expected: bigint[] } {
  const inputs: bigint[] = [];
  const expected: bigint[] = [];
  for (const px of pixels) {
    const y = px.map((x, c) =>
      multiThreshold(
        x,
        (p.thresholds.length === 1 ? p.thresholds[0]! : p.thresholds[c]!).map(BigInt),
        Number(p.outBias ?? 0),
        p.outputType,
      ),
    );
    for (let f = 0; f < p.channels / p.pe; f++) {
      inputs.push(pack(px.slice(f * p.pe, (f + 1) * p.pe), p.inputType));
      expected.push(pack(y.slice(f * p.pe, (f + 1) * p.pe), p.outputType));
    }
  }
  return { inputs, expected };
}
