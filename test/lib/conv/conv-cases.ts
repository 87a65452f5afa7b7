// Random small convolution layers (padding, kernel, stride, folding, datatypes, weights,
// activation) and what the golden model says they compute.
import fc from "fast-check";
import { type DataType, maxValue, minValue } from "../../../src/core/datatypes.js";
import { divisors } from "../../../src/core/divisors.js";
import type { ConvLayerParams } from "../../../src/lib/conv/index.js";
import { convLayerParts } from "../../../src/lib/conv/index.js";
import { convWindowFolding, parallelWindowSimd } from "../../../src/lib/conv/window-shape.js";
import { mvauShape } from "../../../src/lib/mvau/index.js";
import { convGolden, type Image } from "../../../src/model/golden/conv.js";
import { multiThreshold } from "../../../src/model/golden/index.js";
import { imageArb, paddingArb, toBeats } from "./beats.js";

export interface ConvCase {
  params: ConvLayerParams;
  images: Image[];
}

const inputTypes: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "UINT", bits: 4 },
  { kind: "INT", bits: 3 },
  { kind: "UINT", bits: 8 },
];
const weightTypes: DataType[] = [
  { kind: "INT", bits: 2 },
  { kind: "INT", bits: 4 },
  { kind: "INT", bits: 8 },
];

const values = (dt: DataType) => fc.bigInt({ min: minValue(dt), max: maxValue(dt) });

export function convCase(maxSide = 6, maxImages = 2): fc.Arbitrary<ConvCase> {
  return fc
    .record({
      height: fc.integer({ min: 1, max: maxSide }),
      width: fc.integer({ min: 1, max: maxSide }),
      channels: fc.integer({ min: 1, max: 4 }),
      oc: fc.integer({ min: 1, max: 4 }),
      inputType: fc.constantFrom(...inputTypes),
      weightType: fc.constantFrom(...weightTypes),
      padding: paddingArb(2),
      stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
      count: fc.integer({ min: 1, max: maxImages }),
      thresholds: fc.boolean(),
    })
    .chain((c) => {
      const ph = c.height + c.padding.top + c.padding.bottom;
      const pw = c.width + c.padding.left + c.padding.right;
      return fc
        .record({
          kh: fc.integer({ min: 1, max: Math.min(ph, 3) }),
          kw: fc.integer({ min: 1, max: Math.min(pw, 3) }),
          simd: fc.constantFrom(...divisors(c.channels)),
          pe: fc.constantFrom(...divisors(c.oc)),
          padValue: values(c.inputType),
          images: fc.array(imageArb(c.height, c.width, c.channels, c.inputType), {
            minLength: c.count,
            maxLength: c.count,
          }),
        })
        .chain((d) =>
          fc
            .record({
              weights: fc.array(
                fc.array(values(c.weightType), {
                  minLength: d.kh * d.kw * c.channels,
                  maxLength: d.kh * d.kw * c.channels,
                }),
                { minLength: c.oc, maxLength: c.oc },
              ),
              thresholdRows: fc.array(
                fc.array(fc.integer({ min: -200, max: 200 }), { minLength: 3, maxLength: 3 }),
                { minLength: c.oc, maxLength: c.oc },
              ),
            })
            .map(({ weights, thresholdRows }) => ({
              params: {
                name: "conv",
                height: c.height,
                width: c.width,
                channels: c.channels,
                kernel: [d.kh, d.kw] as const,
                stride: c.stride,
                padding: c.padding,
                padValue: d.padValue,
                simd: d.simd,
                pe: d.pe,
                inputType: c.inputType,
                weightType: c.weightType,
                weights,
                activation: c.thresholds
                  ? {
                      kind: "thresholds" as const,
                      thresholds: thresholdRows.map((r) => [...r].sort((a, b) => a - b)),
                      outputType: { kind: "UINT", bits: 2 } as DataType,
                      outBias: 0,
                    }
                  : { kind: "none" as const },
              },
              images: d.images,
            })),
        );
    });
}

/** The same layers with the parallel window (MVAU SIMD = KH·KW·C), where it can be built. */
export function parallelConvCase(maxSide = 6, maxImages = 2): fc.Arbitrary<ConvCase> {
  return convCase(maxSide, maxImages)
    .filter(({ params: p }) => {
      const width = p.width + (p.padding?.left ?? 0) + (p.padding?.right ?? 0);
      return p.kernel[0] * p.kernel[1] > 1 && (p.kernel[0] === 1 || width >= 2);
    })
    .map((c) => ({
      ...c,
      params: { ...c.params, simd: parallelWindowSimd(c.params.kernel, c.params.channels) },
    }));
}

/** Input beats and expected output beats: golden conv, then the activation, PE per beat. */
export function convStreams(c: ConvCase): { inputs: bigint[]; expected: bigint[] } {
  const p = c.params;
  const mvau = convLayerParts(p).mvau;
  const outType = mvauShape(mvau).outType;
  const act = p.activation;
  const expected = c.images.flatMap((img) => {
    const acc = convGolden(img, {
      kernel: p.kernel,
      stride: p.stride,
      weights: p.weights.map((r) => r.map(BigInt)),
      inputType: p.inputType,
      weightType: p.weightType,
      padding: p.padding,
      padValue: p.padValue,
    });
    const oc = acc.channels;
    const out = acc.data.map((v, i) =>
      act.kind === "thresholds"
        ? multiThreshold(v, act.thresholds[i % oc]!.map(BigInt), Number(act.outBias ?? 0), act.outputType)
        : v,
    );
    return toBeats(out, p.pe, outType);
  });
  const perBeat = convWindowFolding(p.kernel, p.channels, p.simd).simd;
  return { inputs: c.images.flatMap((img) => toBeats(img.data, perBeat, p.inputType)), expected };
}
