// Random small streamlined networks (thresholds and a final raw-score layer) with random
// datatypes and foldings, for end-to-end compiler tests.

import fc from "fast-check";
import { type DataType, dataTypeName, maxValue, minValue } from "../../src/core/datatypes.js";
import { divisors } from "../../src/core/divisors.js";
import { inputSize } from "../../src/model/layer-geometry.js";
import type { Model } from "../../src/model/model-format.js";

export interface RandomNetwork {
  model: Model;
  folding: { layers: Array<{ name: string; pe: number; simd: number }> };
}

const inputTypes: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "UINT", bits: 8 },
  { kind: "INT", bits: 4 },
  { kind: "BIPOLAR", bits: 1 },
];
const weightTypes: DataType[] = [
  { kind: "INT", bits: 2 },
  { kind: "INT", bits: 8 },
  { kind: "UINT", bits: 3 },
  { kind: "BIPOLAR", bits: 1 },
];
const outTypes: DataType[] = [
  { kind: "UINT", bits: 2 },
  { kind: "UINT", bits: 4 },
  { kind: "INT", bits: 3 },
  { kind: "BIPOLAR", bits: 1 },
];

/** A random integer in [lo, hi] from a [0,1) draw. */
const pick = (r: number, lo: bigint, hi: bigint) => lo + BigInt(Math.floor(r * Number(hi - lo + 1n)));

export function networkArbitrary(): fc.Arbitrary<RandomNetwork> {
  return fc
    .record({
      layers: fc.integer({ min: 1, max: 4 }),
      sizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 5, maxLength: 5 }),
      inType: fc.integer({ min: 0, max: inputTypes.length - 1 }),
      wTypes: fc.array(fc.integer({ min: 0, max: weightTypes.length - 1 }), { minLength: 4, maxLength: 4 }),
      oTypes: fc.array(fc.integer({ min: 0, max: outTypes.length - 1 }), { minLength: 4, maxLength: 4 }),
      noise: fc.array(fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }), {
        minLength: 4000,
        maxLength: 4000,
      }),
      folds: fc.array(fc.nat(), { minLength: 8, maxLength: 8 }),
    })
    .map((g) => {
      let n = 0;
      const r = () => g.noise[n++ % g.noise.length]!;
      const widths = [g.sizes[0]! * 2, ...g.sizes.slice(1, g.layers + 1)];
      widths[g.layers] = Math.max(2, widths[g.layers]!); // at least two classes
      let inDt = inputTypes[g.inType]!;
      const model: Model = {
        format: "loom-qnn",
        version: 1,
        name: "random",
        input: { shape: [widths[0]!], datatype: dataTypeName(inDt) },
        layers: [],
        output: { argmax: true },
      };
      const folding: RandomNetwork["folding"] = { layers: [] };
      for (let i = 0; i < g.layers; i++) {
        const mw = widths[i]!;
        const mh = widths[i + 1]!;
        const wDt = weightTypes[g.wTypes[i]!]!;
        const weights = Array.from({ length: mh }, () =>
          Array.from({ length: mw }, () => {
            if (wDt.kind === "BIPOLAR") return r() < 0.5 ? -1 : 1;
            return Number(pick(r(), minValue(wDt), maxValue(wDt)));
          }),
        );
        // Accumulator span, for thresholds that actually split the values.
        const xs = [minValue(inDt), maxValue(inDt)];
        const span = weights.map((row) =>
          row.reduce(
            (acc, w) => {
              const p = xs.map((x) => BigInt(w) * x);
              // biome-ignore lint/complexity/useMathMinMax: Math.min does not take bigints
              return [acc[0]! + (p[0]! < p[1]! ? p[0]! : p[1]!), acc[1]! + (p[0]! > p[1]! ? p[0]! : p[1]!)];
            },
            [0n, 0n],
          ),
        );
        const last = i === g.layers - 1;
        const name = `fc${i}`;
        if (last) {
          model.layers.push({
            name,
            kind: "dense",
            inFeatures: mw,
            outFeatures: mh,
            weightDatatype: dataTypeName(wDt),
            weights,
            activation: {
              kind: "none",
              bias: Array.from({ length: mh }, () =>
                inDt.kind === "BIPOLAR" && wDt.kind === "BIPOLAR"
                  ? 2 * Math.floor(r() * 4) + (mw % 2)
                  : Math.floor(r() * 9) - 4,
              ),
              scale: 1,
            },
          });
        } else {
          const outDt = outTypes[g.oTypes[i]!]!;
          const count = outDt.kind === "BIPOLAR" ? 1 : Number(maxValue(outDt) - minValue(outDt));
          const thresholds = span.map(([lo, hi]) =>
            Array.from({ length: count }, () => Number(pick(r(), lo! - 1n, hi! + 1n))).sort((a, b) => a - b),
          );
          model.layers.push({
            name,
            kind: "dense",
            inFeatures: mw,
            outFeatures: mh,
            weightDatatype: dataTypeName(wDt),
            weights,
            activation: {
              kind: "thresholds",
              outDatatype: dataTypeName(outDt),
              outBias: outDt.kind === "BIPOLAR" ? 0 : Number(minValue(outDt)),
              thresholds,
            },
          });
          inDt = outDt;
        }
        const pes = divisors(mh);
        const simds = divisors(mw);
        folding.layers.push({
          name,
          pe: pes[g.folds[2 * i]! % pes.length]!,
          simd: simds[g.folds[2 * i + 1]! % simds.length]!,
        });
      }
      return { model, folding };
    });
}

/** Random valid inputs (the flattened input vector or NHWC image) for a model's input datatype. */
export function randomInputs(model: Model, count: number, seed: number, dt: DataType): bigint[][] {
  let s = seed >>> 0;
  const next = () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
  const len = inputSize(model.layers[0]!);
  return Array.from({ length: count }, () =>
    Array.from({ length: len }, () =>
      dt.kind === "BIPOLAR" ? (next() < 0.5 ? -1n : 1n) : pick(next(), minValue(dt), maxValue(dt)),
    ),
  );
}
