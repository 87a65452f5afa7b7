// fast-check generators of small random models in the float form, for the streamlining properties.
import fc from "fast-check";
import { type DataType, dataTypeName, maxValue, minValue } from "../../src/core/datatypes.js";

export const dataTypeArb: fc.Arbitrary<DataType> = fc.oneof(
  fc.integer({ min: 2, max: 8 }).map((bits): DataType => ({ kind: "UINT", bits })),
  fc.integer({ min: 2, max: 8 }).map((bits): DataType => ({ kind: "INT", bits })),
  fc.constant<DataType>({ kind: "BIPOLAR", bits: 1 }),
  fc.constant<DataType>({ kind: "BINARY", bits: 1 }),
);

/** A value of dt (BIPOLAR: ±1). */
export function valueArb(dt: DataType): fc.Arbitrary<bigint> {
  if (dt.kind === "BIPOLAR") return fc.constantFrom(-1n, 1n);
  return fc.bigInt({ min: minValue(dt), max: maxValue(dt) });
}

/** Scales include negative values and zero, to exercise row negation and constant channels. */
const scaleArb = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 1e-3, max: 4, noNaN: true }) },
  { weight: 3, arbitrary: fc.double({ min: -4, max: -1e-3, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(0) },
);

function perChannelArb(arb: fc.Arbitrary<number>, channels: number): fc.Arbitrary<number | number[]> {
  return fc.oneof(arb, fc.array(arb, { minLength: channels, maxLength: channels }));
}

const quantArb = fc.record({
  scale: fc.double({ min: 1e-2, max: 4, noNaN: true }),
  bits: fc.integer({ min: 1, max: 8 }),
  signed: fc.boolean(),
  narrow: fc.boolean(),
  rounding: fc.constantFrom("ROUND", "FLOOR", "CEIL"),
});

/** A float activation (batch norm with negative gamma, ReLU, 1–8-bit quantizers) for `channels` outputs. */
export function floatActivationArb(channels: number) {
  const bnArb = fc.record({
    mean: perChannelArb(fc.double({ min: -8, max: 8, noNaN: true }), channels),
    variance: perChannelArb(fc.double({ min: 0, max: 4, noNaN: true }), channels),
    gamma: perChannelArb(fc.oneof(fc.double({ min: -3, max: 3, noNaN: true }), fc.constant(0)), channels),
    beta: perChannelArb(fc.double({ min: -3, max: 3, noNaN: true }), channels),
    epsilon: fc.constantFrom(1e-5, 1e-3),
  });
  return fc.record({
    kind: fc.constant("float" as const),
    scale: perChannelArb(scaleArb, channels),
    bias: perChannelArb(fc.double({ min: -10, max: 10, noNaN: true }), channels),
    batchnorm: fc.option(bnArb, { nil: undefined }),
    relu: fc.boolean(),
    quant: quantArb,
  });
}

function noneActivationArb(channels: number) {
  return fc.record({
    kind: fc.constant("none" as const),
    bias: fc.oneof(
      fc.integer({ min: -50, max: 50 }),
      fc.array(fc.integer({ min: -50, max: 50 }), { minLength: channels, maxLength: channels }),
    ),
    scale: fc.constantFrom(1, 0.25, -0.5),
  });
}

interface LayerPlan {
  outFeatures: number;
  weightDt: DataType;
  last: boolean;
}

/** A random float model JSON with 1–3 layers (not yet parsed by the loader). */
export const floatModelArb: fc.Arbitrary<unknown> = fc
  .record({
    inDt: dataTypeArb,
    inFeatures: fc.integer({ min: 1, max: 6 }),
    plan: fc.array(fc.record({ outFeatures: fc.integer({ min: 1, max: 5 }), weightDt: dataTypeArb }), {
      minLength: 1,
      maxLength: 3,
    }),
    lastNone: fc.boolean(),
  })
  .chain(({ inDt, inFeatures, plan, lastNone }) => {
    const layers = plan.map((p, i): LayerPlan => ({ ...p, last: i === plan.length - 1 }));
    const layerArbs = layers.map((p, i) => {
      const mw = i === 0 ? inFeatures : layers[i - 1]!.outFeatures;
      const row = fc.array(valueArb(p.weightDt).map(Number), { minLength: mw, maxLength: mw });
      return fc.record({
        name: fc.constant(`fc${i}`),
        kind: fc.constant("dense" as const),
        inFeatures: fc.constant(mw),
        outFeatures: fc.constant(p.outFeatures),
        weightDatatype: fc.constant(dataTypeName(p.weightDt)),
        weights: fc.array(row, { minLength: p.outFeatures, maxLength: p.outFeatures }),
        activation:
          p.last && lastNone
            ? (noneActivationArb(p.outFeatures) as fc.Arbitrary<unknown>)
            : floatActivationArb(p.outFeatures),
      });
    });
    return fc.tuple(...layerArbs).map((ls) => ({
      format: "loom-qnn",
      version: 1,
      name: "random",
      input: { shape: [inFeatures], datatype: dataTypeName(inDt) },
      layers: ls,
      output: { argmax: true },
    }));
  });

/** Random input vectors for a model input datatype. */
export function inputsArb(dt: DataType, n: number): fc.Arbitrary<bigint[][]> {
  return fc.array(fc.array(valueArb(dt), { minLength: n, maxLength: n }), { minLength: 1, maxLength: 8 });
}
