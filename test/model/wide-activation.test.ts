// Issue 16 item 4: a wide activation Quant (the activation bit width of qkeras_qdense_0.onnx set
// to 24, 33 or 64) ran for minutes or crashed Node. One limit (MAX_ACTIVATION_BITS,
// src/core/datatypes.ts) bounds it for importer, streamlining and hardware, and threshold fitting
// costs time per threshold the accumulator range can reach, not per accumulator value.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MAX_ACTIVATION_BITS } from "../../src/core/datatypes.js";
import { runFloatModel, runGoldenLayers } from "../../src/model/golden/index.js";
import { loadModel } from "../../src/model/model-load.js";
import { importOnnx } from "../../src/onnx/import.js";
import { ModelProto } from "../../src/onnx/onnx-schema.js";
import { fitThresholds } from "../../src/streamline/monotone-thresholds.js";
import { streamlineModel } from "../../src/streamline/streamline.js";

const FIXTURE = "test/fixtures/onnx/qkeras_qdense_0.onnx";

/** The fixture with the activation Quant's (Quant_4) bit width replaced. */
function withActivationBits(bits: number): Uint8Array {
  const m = ModelProto.decode(readFileSync(FIXTURE)) as unknown as {
    graph: { initializer: Array<{ name: string; raw_data: Uint8Array }> };
  };
  const init = m.graph.initializer.find((i) => i.name === "Quant_4_param2")!;
  const raw = new Uint8Array(8);
  new DataView(raw.buffer).setBigInt64(0, BigInt(bits), true);
  init.raw_data = raw;
  return ModelProto.encode(m as never).finish();
}

describe("wide activations", () => {
  it.each([24, 33, 64])(
    "a %i-bit activation Quant is refused in well under a second, naming the limit",
    (bits) => {
      const started = performance.now();
      expect(() => importOnnx(withActivationBits(bits))).toThrow(
        new RegExp(`${bits}-bit activation .* wider than loom's limit of ${MAX_ACTIVATION_BITS} bits`),
      );
      expect(performance.now() - started).toBeLessThan(2000);
    },
  );

  it("a 16-bit activation Quant imports in seconds with every threshold", () => {
    const bytes = withActivationBits(16);
    const started = performance.now();
    const { model } = importOnnx(bytes);
    const seconds = (performance.now() - started) / 1000;
    console.log(`16-bit activation of qkeras_qdense_0 imported in ${seconds.toFixed(1)} s`);
    // Minutes before (each probe ran the whole chain); seconds now. Generous for a loaded machine.
    expect(seconds).toBeLessThan(60);
    const act = model.layers[0]!.activation;
    expect(act.kind === "thresholds" && act.thresholds[0]!.length).toBe(65535);
  }, 120_000);

  it("a 16-bit float activation streamlines in seconds and equals the float model", () => {
    const m = JSON.parse(readFileSync("test/fixtures/models/tiny-float.json", "utf8"));
    // 16-bit codes on a fine grid: thousands of reachable thresholds per channel.
    m.layers[0].activation.quant = { scale: 0.0001, bits: 16, signed: false };
    const model = loadModel(m);
    const started = performance.now();
    const streamlined = streamlineModel(model);
    expect(performance.now() - started).toBeLessThan(15_000);
    const act = streamlined.layers[0]!.activation;
    expect(act.kind === "thresholds" && act.thresholds[0]!.length).toBe(65535);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), (x) => {
        const input = x.map(BigInt);
        expect(runGoldenLayers(streamlined, input)[0]).toEqual(runFloatModel(model, input).layers[0]);
      }),
      { numRuns: 20 },
    );
  });

  it("thresholds fitted with saturation equal a direct scan of the map", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -300, max: 300 }),
        fc.integer({ min: 0, max: 400 }),
        fc.double({ min: 0.01, max: 5, noNaN: true }),
        fc.double({ min: -50, max: 50, noNaN: true }),
        fc.integer({ min: 1, max: 7 }),
        (lo, span, slope, offset, bits) => {
          const maxCode = 2 ** bits - 1;
          const code = (acc: bigint) =>
            Math.min(maxCode, Math.max(0, Math.round(Number(acc) * slope + offset)));
          const hi = lo + span;
          const { thresholds } = fitThresholds(code, BigInt(lo), BigInt(hi), 0, maxCode);
          // Independent definition: T[k] = smallest acc in [lo, hi] with code ≥ k + 1, else hi + 1.
          for (let k = 0; k < maxCode; k++) {
            let t = hi + 1;
            for (let a = lo; a <= hi; a++) {
              if (code(BigInt(a)) >= k + 1) {
                t = a;
                break;
              }
            }
            expect(thresholds[k]).toBe(BigInt(t));
          }
        },
      ),
      { numRuns: 60 },
    );
  });
});
