// The software models' images as the blocks' streams: NHWC values in SIMD-wide beats, element
// i of a beat in bits [(i+1)·bits − 1 : i·bits] (FINN's packing, packElements).
import fc from "fast-check";
import { type DataType, maxValue, minValue } from "../../../src/core/datatypes.js";
import type { Padding2d } from "../../../src/core/window.js";
import { packElements } from "../../../src/lib/mvau/layout.js";
import type { Image } from "../../../src/model/golden/conv.js";

/** Consecutive groups of `simd` values, each packed into one beat. */
export function toBeats(values: readonly bigint[], simd: number, dt: DataType): bigint[] {
  const beats: bigint[] = [];
  for (let i = 0; i < values.length; i += simd) beats.push(packElements(values.slice(i, i + simd), dt));
  return beats;
}

/** A random image of `dt` codes. */
export function imageArb(height: number, width: number, channels: number, dt: DataType): fc.Arbitrary<Image> {
  const lo = Number(minValue(dt));
  const hi = Number(maxValue(dt));
  return fc
    .array(fc.integer({ min: lo, max: hi }), {
      minLength: height * width * channels,
      maxLength: height * width * channels,
    })
    .map((v) => ({
      height,
      width,
      channels,
      // BIPOLAR's range −1..1 includes 0, which is not a value of it.
      data: v.map((x) => BigInt(dt.kind === "BIPOLAR" && x === 0 ? 1 : x)),
    }));
}

/** A datatype of 1–8 bits, signed or not. */
export const dataTypeArb: fc.Arbitrary<DataType> = fc.oneof(
  fc
    .integer({ min: 1, max: 8 })
    .map((bits): DataType => (bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits })),
  fc.integer({ min: 2, max: 8 }).map((bits): DataType => ({ kind: "INT", bits })),
);

/** Rows and columns of padding, each side 0..max on its own. */
export function paddingArb(max: number): fc.Arbitrary<Padding2d> {
  const side = fc.integer({ min: 0, max });
  return fc.record({ top: side, bottom: side, left: side, right: side });
}
