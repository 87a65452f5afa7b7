// Random padding-unit configurations and their expected streams (the golden padImage).
import fc from "fast-check";
import { maxValue, minValue } from "../../../src/core/datatypes.js";
import { divisors } from "../../../src/core/divisors.js";
import type { PaddingParams } from "../../../src/lib/conv/index.js";
import { type Image, padImage } from "../../../src/model/golden/conv.js";
import { dataTypeArb, imageArb, paddingArb, toBeats } from "./beats.js";

export interface PaddingCase {
  params: PaddingParams;
  images: Image[];
}

export function paddingCase(maxSide = 6, maxImages = 3): fc.Arbitrary<PaddingCase> {
  return fc
    .record({
      height: fc.integer({ min: 1, max: maxSide }),
      width: fc.integer({ min: 1, max: maxSide }),
      channels: fc.integer({ min: 1, max: 6 }),
      dataType: dataTypeArb,
      count: fc.integer({ min: 1, max: maxImages }),
    })
    .chain(({ height, width, channels, dataType, count }) =>
      fc.record({
        params: fc.record({
          height: fc.constant(height),
          width: fc.constant(width),
          channels: fc.constant(channels),
          simd: fc.constantFrom(...divisors(channels)),
          dataType: fc.constant(dataType),
          padding: paddingArb(3),
          padValue: fc.bigInt({ min: minValue(dataType), max: maxValue(dataType) }),
        }),
        images: fc.array(imageArb(height, width, channels, dataType), { minLength: count, maxLength: count }),
      }),
    );
}

export function paddingStreams(p: PaddingParams, images: Image[]): { inputs: bigint[]; expected: bigint[] } {
  return {
    inputs: images.flatMap((img) => toBeats(img.data, p.simd, p.dataType)),
    expected: images.flatMap((img) => toBeats(padImage(img, p.padding, p.padValue).data, p.simd, p.dataType)),
  };
}
