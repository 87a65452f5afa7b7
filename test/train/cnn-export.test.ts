// Export of a trained QuantCnn: the model file loads, its float model, streamlined golden model
// and the trainer's integer inference agree exactly, and the training graph (float32) computes
// the same activation codes and classes except at rounding ties.
import { describe, expect, it } from "vitest";
import { runFloatModel, runGolden } from "../../src/model/golden/index.js";
import { parseModel } from "../../src/model/model-load.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { QuantRelu } from "../../src/train/cnn/activation.js";
import { parseArch } from "../../src/train/cnn/arch.js";
import { checkExportable, exportCnn } from "../../src/train/cnn/export.js";
import type { QuantCnn } from "../../src/train/cnn/net.js";
import { MaxPool2d } from "../../src/train/cnn/pool.js";
import { trainCnn } from "../../src/train/cnn/train.js";
import { inferInteger } from "../../src/train/int-infer.js";
import { INPUT_SCALE } from "../../src/train/trainer.js";
import { bars } from "../support/bars.js";

const S = 12;

/**
 * The training graph's activation codes after each exported layer (after its pool) and its
 * class scores, in evaluation mode: output value / code step, which is an integer code.
 */
function graphLayers(
  net: QuantCnn,
  pixels: Uint8Array,
  B: number,
): { codes: number[][]; logits: Float32Array } {
  let a: Float32Array = Float32Array.from(pixels, (p) => p * INPUT_SCALE);
  const codes: number[][] = [];
  let step = 0;
  net.layers.forEach((l, i) => {
    a = l.forward(a, B, false);
    if (l instanceof QuantRelu) step = l.codeScale();
    const groupEnd =
      (l instanceof QuantRelu && !(net.layers[i + 1] instanceof MaxPool2d)) || l instanceof MaxPool2d;
    if (groupEnd) codes.push(Array.from(a, (v) => Math.round(v / step)));
  });
  return { codes, logits: a };
}

describe("CNN export", () => {
  const train = bars(240, 1, S);
  const val = bars(120, 2, S);
  // Explicit padding, a pool, TensorFlow "same" at stride 2 (asymmetric: 6 → 3 pads 0 top, 1 bottom),
  // a hidden dense layer with its quantized ReLU, per-tensor class scores.
  const arch = parseArch("c4k3p1-p2-c6k3s2psame-fc8-fc2");

  for (const bits of [4, 8]) {
    it(`W${bits}A${bits}: float, streamlined golden and integer models agree; the training graph nearly`, () => {
      const t = trainCnn(train, val, S, S, 2, {
        arch,
        wbits: bits,
        abits: bits,
        epochs: 4,
        seed: 7,
        batch: 32,
        lr: 0.01,
        augment: { shift: 1, contrast: 0.1, brightness: 0.02 },
      });
      const exported = exportCnn(t.net, {
        name: "bars",
        width: S,
        height: S,
        normalize: "none",
        classes: ["horizontal", "vertical"],
        margin: 3,
      });
      const model = parseModel(JSON.parse(JSON.stringify(exported)));
      expect(model.layers.map((l) => `${l.kind} ${l.name}`)).toEqual([
        "conv conv1",
        "conv conv3",
        "dense fc4",
        "dense fc5",
      ]);
      expect(model.layers[1]).toMatchObject({
        inShape: [6, 6, 4],
        stride: [2, 2],
        padding: { top: 0, bottom: 1, left: 0, right: 1 },
      });
      expect(model.layers[0]).toMatchObject({ pool: { kind: "max", kernel: [2, 2], stride: [2, 2] } });

      const inputs = Array.from({ length: val.n }, (_, i) =>
        Array.from(val.x.subarray(i * val.dim, (i + 1) * val.dim), BigInt),
      );
      const integer = inferInteger(model, val.x, val.n);
      const golden = runGolden(streamlineModel(model), inputs);
      const floats = inputs.map((x) => runFloatModel(model, x));
      for (let i = 0; i < val.n; i++) {
        const f = floats[i]!.layers.at(-1)!.map(Number);
        expect(integer.scores[i], `image ${i}`).toEqual(f);
        expect(golden.scores[i]!.map(Number), `image ${i}`).toEqual(f);
        expect(integer.predictions[i]).toBe(golden.predictions[i]);
      }

      // The training graph: float32 sums and batch norm as x·k + offset, against the model's exact
      // accumulators and (acc·s − μ)/√(σ²+ε)·γ + β. Codes can differ by one step where the value
      // lands within float32 rounding of a half-step (a tie of the quantizer); nowhere else.
      const g = graphLayers(t.net, val.x, val.n);
      let codes = 0;
      let differ = 0;
      g.codes.forEach((layerCodes, k) => {
        const per = layerCodes.length / val.n;
        for (let i = 0; i < val.n; i++) {
          const exact = floats[i]!.layers[k]!;
          for (let j = 0; j < per; j++) {
            const d = Math.abs(layerCodes[i * per + j]! - Number(exact[j]!));
            expect(d, `layer ${k} image ${i} value ${j}`).toBeLessThanOrEqual(1);
            codes++;
            if (d) differ++;
          }
        }
      });
      // Classes at margin 0 (the model above has margin 3 in class 0's bias).
      let disagree = 0;
      let correct = 0;
      for (let i = 0; i < val.n; i++) {
        const s = floats[i]!.layers.at(-1)!.map(Number);
        const exact = s[1]! > s[0]! - 3 ? 1 : 0;
        const graph = g.logits[2 * i + 1]! > g.logits[2 * i]! ? 1 : 0;
        if (exact !== graph) disagree++;
        if (exact === val.y[i]) correct++;
      }
      console.log(
        `W${bits}A${bits}: ${differ} of ${codes} hidden activation codes and ${disagree} of ${val.n} classes differ between the training graph and the exported model; accuracy ${correct / val.n}`,
      );
      // Not a degenerate network: well above chance (0.5) on the bars.
      expect(correct / val.n).toBeGreaterThan(0.75);
      expect(differ / codes).toBeLessThan(0.005);
      expect(disagree).toBeLessThanOrEqual(2);
    });
  }

  it("refuses global average pooling and a max-pool that follows no conv layer, in one line", () => {
    expect(() => checkExportable(parseArch("c4k3-gap-fc2"))).toThrow(
      /^layer 2 \(gap\): global average pooling cannot be exported/,
    );
    expect(() => checkExportable(parseArch("p2-c4k3-fc2"))).toThrow(
      /^layer 1 \(p2\): a max-pool is exported fused into the conv layer right before it, and this one follows the input$/,
    );
    expect(() => checkExportable(parseArch("c4k3-p2-p2-fc2"))).toThrow(/^layer 3 \(p2\).*follows p2$/);
    expect(() => checkExportable(parseArch("c4k3-p2s1-c4k3-fc8-fc2"))).not.toThrow();
  });
});
