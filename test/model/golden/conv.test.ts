// The golden convolution (im2col + the golden MVAU, NHWC) against an independent direct
// convolution over NCHW tensors written here with nested loops, and the pools against direct
// per-window loops with exact integer rounding.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DataType, maxValue, minValue } from "../../../src/core/datatypes.js";
import { type Padding2d, samePadding } from "../../../src/core/window.js";
import {
  avgPoolGolden,
  convGolden,
  globalAvgPoolGolden,
  type Image,
  maxPoolGolden,
} from "../../../src/model/golden/conv.js";
import { dataTypeArb, imageArb, paddingArb } from "../../lib/conv/beats.js";

/** NCHW tensor: t[c][y][x]. */
type Chw = bigint[][][];

function toChw(img: Image): Chw {
  return Array.from({ length: img.channels }, (_, c) =>
    Array.from({ length: img.height }, (_, y) =>
      Array.from({ length: img.width }, (_, x) => img.data[(y * img.width + x) * img.channels + c]!),
    ),
  );
}

/** out[o][y][x] = Σ_c Σ_ky Σ_kx w[o][c][ky][kx] · x[c][y·sh + ky − top][x·sw + kx − left], padValue outside. */
function directConv(
  x: Chw,
  w: bigint[][][][],
  stride: [number, number],
  pad: Padding2d,
  padValue: bigint,
): Chw {
  const [C, H, W] = [x.length, x[0]!.length, x[0]![0]!.length];
  const [KH, KW] = [w[0]![0]!.length, w[0]![0]![0]!.length];
  const OH = Math.floor((H + pad.top + pad.bottom - KH) / stride[0]) + 1;
  const OW = Math.floor((W + pad.left + pad.right - KW) / stride[1]) + 1;
  const at = (c: number, y: number, xx: number) =>
    y < 0 || y >= H || xx < 0 || xx >= W ? padValue : x[c]![y]![xx]!;
  const out: Chw = [];
  for (let o = 0; o < w.length; o++) {
    out.push([]);
    for (let oy = 0; oy < OH; oy++) {
      out[o]!.push([]);
      for (let ox = 0; ox < OW; ox++) {
        let acc = 0n;
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < KH; ky++)
            for (let kx = 0; kx < KW; kx++)
              acc +=
                w[o]![c]![ky]![kx]! * at(c, oy * stride[0] + ky - pad.top, ox * stride[1] + kx - pad.left);
        out[o]![oy]!.push(acc);
      }
    }
  }
  return out;
}

/** Round half to even of n / d for d > 0, exactly in integers. */
function divRoundHalfEven(n: bigint, d: bigint): bigint {
  let q = n / d;
  if (n % d !== 0n && n < 0n) q -= 1n; // floor
  const r2 = 2n * (n - q * d);
  if (r2 > d || (r2 === d && q % 2n !== 0n)) q += 1n;
  return q;
}

const values = (dt: DataType) => fc.bigInt({ min: minValue(dt), max: maxValue(dt) });

const convCase = fc
  .record({
    height: fc.integer({ min: 1, max: 6 }),
    width: fc.integer({ min: 1, max: 6 }),
    channels: fc.integer({ min: 1, max: 4 }),
    oc: fc.integer({ min: 1, max: 4 }),
    inputType: dataTypeArb,
    weightType: fc.integer({ min: 2, max: 8 }).map((bits): DataType => ({ kind: "INT", bits })),
    pad: paddingArb(2),
    stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  })
  .chain((c) =>
    fc.record({
      c: fc.constant(c),
      kh: fc.integer({ min: 1, max: c.height + c.pad.top + c.pad.bottom }),
      kw: fc.integer({ min: 1, max: c.width + c.pad.left + c.pad.right }),
      image: imageArb(c.height, c.width, c.channels, c.inputType),
      padValue: values(c.inputType),
    }),
  )
  .chain((d) =>
    fc.record({
      d: fc.constant(d),
      // OIHW, as ONNX and PyTorch store conv weights.
      w: fc.array(
        fc.array(
          fc.array(fc.array(values(d.c.weightType), { minLength: d.kw, maxLength: d.kw }), {
            minLength: d.kh,
            maxLength: d.kh,
          }),
          {
            minLength: d.c.channels,
            maxLength: d.c.channels,
          },
        ),
        { minLength: d.c.oc, maxLength: d.c.oc },
      ),
    }),
  );

describe("golden convolution and pooling", () => {
  it("im2col + MVAU equals a direct NCHW convolution (any padding, stride, kernel)", () => {
    fc.assert(
      fc.property(convCase, ({ d, w }) => {
        const { c, kh, kw, image, padValue } = d;
        // FINN's weight matrix: row o holds (kh, kw, c) with c innermost.
        const weights = w.map((wo) => {
          const row: bigint[] = [];
          for (let ky = 0; ky < kh; ky++)
            for (let kx = 0; kx < kw; kx++)
              for (let ch = 0; ch < c.channels; ch++) row.push(wo[ch]![ky]![kx]!);
          return row;
        });
        const got = convGolden(image, {
          kernel: [kh, kw],
          stride: c.stride,
          weights,
          inputType: c.inputType,
          weightType: c.weightType,
          padding: c.pad,
          padValue,
        });
        expect(toChw(got)).toEqual(directConv(toChw(image), w, c.stride, c.pad, padValue));
      }),
      { numRuns: 300 },
    );
  });

  const poolCase = fc
    .record({
      height: fc.integer({ min: 1, max: 7 }),
      width: fc.integer({ min: 1, max: 7 }),
      channels: fc.integer({ min: 1, max: 4 }),
      dt: dataTypeArb,
      stride: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
    })
    .chain((c) =>
      fc.record({
        c: fc.constant(c),
        kernel: fc.tuple(fc.integer({ min: 1, max: c.height }), fc.integer({ min: 1, max: c.width })),
        image: imageArb(c.height, c.width, c.channels, c.dt),
      }),
    );

  /** Every window's values per channel, by direct loops over NCHW. */
  function windows(x: Chw, kernel: [number, number], stride: [number, number]): bigint[][][][] {
    const [H, W] = [x[0]!.length, x[0]![0]!.length];
    const OH = Math.floor((H - kernel[0]) / stride[0]) + 1;
    const OW = Math.floor((W - kernel[1]) / stride[1]) + 1;
    return x.map((plane) =>
      Array.from({ length: OH }, (_, oy) =>
        Array.from({ length: OW }, (_, ox) =>
          plane
            .slice(oy * stride[0], oy * stride[0] + kernel[0])
            .flatMap((row) => row.slice(ox * stride[1], ox * stride[1] + kernel[1])),
        ),
      ),
    );
  }

  it("max-pool and average pool (ROUND = half to even, FLOOR) equal direct window loops", () => {
    fc.assert(
      fc.property(poolCase, ({ c, kernel, image }) => {
        const win = { kernel, stride: c.stride };
        const ws = windows(toChw(image), kernel, c.stride);
        const n = BigInt(kernel[0] * kernel[1]);
        const sum = (v: bigint[]) => v.reduce((a, b) => a + b, 0n);
        expect(toChw(maxPoolGolden(image, win))).toEqual(
          ws.map((p) => p.map((r) => r.map((v) => [...v].sort((a, b) => Number(a - b)).at(-1)))),
        );
        expect(toChw(avgPoolGolden(image, win))).toEqual(
          ws.map((p) => p.map((r) => r.map((v) => divRoundHalfEven(sum(v), n)))),
        );
        const floorDiv = (a: bigint) => (a >= 0n ? a / n : -((-a + n - 1n) / n));
        expect(toChw(avgPoolGolden(image, win, "FLOOR"))).toEqual(
          ws.map((p) => p.map((r) => r.map((v) => floorDiv(sum(v))))),
        );
      }),
      { numRuns: 300 },
    );
  });

  it("global average pooling is the average pool over the whole image", () => {
    const img: Image = { height: 2, width: 2, channels: 2, data: [1n, -1n, 2n, -2n, 2n, -2n, 2n, -3n] };
    // Channel 0: 7/4 = 1.75 → 2; channel 1: −8/4 = −2. Ties go to even: 10/4 = 2.5 → 2.
    expect(globalAvgPoolGolden(img).data).toEqual([2n, -2n]);
    expect(globalAvgPoolGolden({ height: 1, width: 4, channels: 1, data: [2n, 3n, 2n, 3n] }).data).toEqual([
      2n,
    ]);
    expect(globalAvgPoolGolden({ height: 1, width: 4, channels: 1, data: [3n, 4n, 3n, 4n] }).data).toEqual([
      4n,
    ]);
  });

  it("TensorFlow's same padding gives ⌈in / stride⌉ outputs, the odd pixel at the end", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 7 }),
        fc.integer({ min: 1, max: 4 }),
        (n, k, s) => {
          const [before, after] = samePadding(n, k, s);
          expect(after - before === 0 || after - before === 1).toBe(true);
          const padded = n + before + after;
          if (padded >= k) expect(Math.floor((padded - k) / s) + 1).toBe(Math.ceil(n / s));
        },
      ),
    );
    expect(samePadding(64, 3, 2)).toEqual([0, 1]);
    expect(samePadding(64, 3, 1)).toEqual([1, 1]);
  });
});
