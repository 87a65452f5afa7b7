// Random max-pool configurations and their expected streams (the golden maxPoolGolden).
import fc from "fast-check";
import type { DataType } from "../../../src/core/datatypes.js";
import { divisors } from "../../../src/core/divisors.js";
import type { MaxPoolParams } from "../../../src/lib/conv/index.js";
import { type Image, maxPoolGolden } from "../../../src/model/golden/conv.js";
import { dataTypeArb, imageArb, toBeats } from "./beats.js";

export interface PoolCase {
  params: MaxPoolParams;
  images: Image[];
}

const withBipolar: fc.Arbitrary<DataType> = fc.oneof(
  dataTypeArb,
  fc.constant({ kind: "BIPOLAR", bits: 1 } as DataType),
);

export function poolCase(maxSide = 7, maxImages = 3): fc.Arbitrary<PoolCase> {
  return fc
    .record({
      height: fc.integer({ min: 1, max: maxSide }),
      width: fc.integer({ min: 1, max: maxSide }),
      channels: fc.integer({ min: 1, max: 6 }),
      dataType: withBipolar,
      count: fc.integer({ min: 1, max: maxImages }),
      kernelIsStride: fc.boolean(),
    })
    .chain(({ height, width, channels, dataType, count, kernelIsStride }) =>
      fc
        .record({
          kh: fc.integer({ min: 1, max: Math.min(height, 3) }),
          kw: fc.integer({ min: 1, max: Math.min(width, 3) }),
          sh: fc.integer({ min: 1, max: 3 }),
          sw: fc.integer({ min: 1, max: 3 }),
          simd: fc.constantFrom(...divisors(channels)),
          images: fc.array(imageArb(height, width, channels, dataType), {
            minLength: count,
            maxLength: count,
          }),
        })
        .map(({ kh, kw, sh, sw, simd, images }) => ({
          params: {
            height,
            width,
            channels,
            kernel: [kh, kw] as const,
            stride: (kernelIsStride ? [kh, kw] : [sh, sw]) as readonly [number, number],
            simd,
            dataType,
          },
          images,
        })),
    );
}

export function poolStreams(c: PoolCase): { inputs: bigint[]; expected: bigint[] } {
  const p = c.params;
  return {
    inputs: c.images.flatMap((img) => toBeats(img.data, p.simd, p.dataType)),
    expected: c.images.flatMap((img) => toBeats(maxPoolGolden(img, p).data, p.simd, p.dataType)),
  };
}
