// The shipped models, on the committed chest X-ray sample: the fake-quant float network the
// trainer optimised (the model file's "float" activations), the trainer's exact integer
// inference and the streamlined integer model the hardware implements must agree on every
// layer's codes and on every prediction.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/load.js";
import { argmax, runFloatModel, runGoldenLayers } from "../../src/model/golden/index.js";
import { loadModel } from "../../src/model/model-load.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { inferInteger } from "../../src/train/int-infer.js";
import { loadOptionsFor } from "../../src/train/model-input.js";

const models = readdirSync("models").filter((f) => /^pneumonia-.*\.json$/.test(f));
const cacheDir = mkdtempSync(join(tmpdir(), "loom-shipped-"));

describe("shipped models on the sample images", () => {
  it("ships the four MLP precisions and the 4- and 8-bit CNNs", () => {
    expect(models.sort()).toEqual([
      "pneumonia-cnn-w4a4.json",
      "pneumonia-cnn-w8a8.json",
      "pneumonia-w1a1.json",
      "pneumonia-w2a2.json",
      "pneumonia-w4a4.json",
      "pneumonia-w8a8.json",
    ]);
  });

  for (const file of models) {
    it(`${file}: fake-quant float = trainer integer = streamlined golden`, () => {
      const model = loadModel(join("models", file));
      const ds = loadDataset("test/fixtures/chest_xray", { ...loadOptionsFor(model), cacheDir });
      const splits = [ds.splits.train!, ds.splits.val!, ds.splits.test!];
      const images = splits.flatMap((s) =>
        Array.from({ length: s.n }, (_, i) => Array.from(s.x.subarray(i * s.dim, (i + 1) * s.dim), BigInt)),
      );
      expect(images.length).toBeGreaterThanOrEqual(24);
      const streamlined = streamlineModel(model);
      const x = new Uint8Array(images.flatMap((img) => img.map(Number)));
      const trainer = inferInteger(model, x, images.length);
      images.forEach((img, n) => {
        const float = runFloatModel(model, img);
        const layers = runGoldenLayers(streamlined, img);
        // Hidden layers: identical activation codes (streamlining may only negate the last layer).
        for (let l = 0; l < layers.length - 1; l++) expect(layers[l]).toEqual(float.layers[l]);
        const scores = layers[layers.length - 1]!;
        expect(argmax(scores)).toBe(float.prediction);
        expect(argmax(scores)).toBe(trainer.predictions[n]);
        expect(scores.map(Number)).toEqual(trainer.scores[n]);
      });
    });
  }
});
