// Accuracy of FINN's TFC-w2a2 (test_brevitas_debug.onnx) imported into Loom, on the MNIST test
// set, in the generated hardware (Verilator) and the golden model, at FINN's folding.
// Run: npx tsx bench/tfc-mnist.ts [--images N] [--engine verilator|golden|both]
import { fileURLToPath } from "node:url";
import { compileModel } from "../src/compiler/generate.js";
import { simulateAccelerator } from "../src/compiler/simulate.js";
import { loadMnistTest } from "../src/data/mnist.js";
import { quantizeInput } from "../src/onnx/host.js";
import { importOnnx } from "../src/onnx/import.js";
import { TFC_FOLDING } from "./mlp-model.js";

export const TFC_ONNX = "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx";
/** MNIST beside the repository (../shared/data/mnist), wherever it is checked out. */
export const MNIST_DIR = fileURLToPath(new URL("../../shared/data/mnist", import.meta.url));

export interface TfcAccuracy {
  images: number;
  golden?: { correct: number; seconds: number };
  verilator?: { correct: number; seconds: number; cyclesPerInference: number; agreesWithGolden: boolean };
  initiationInterval: number;
}

export function compileTfc(
  board = "zcu104",
  folding: ReadonlyArray<{ pe: number; simd: number }> | undefined = TFC_FOLDING,
) {
  const { model, host } = importOnnx(TFC_ONNX);
  const foldingFile = folding
    ? { layers: model.layers.map((l, i) => ({ name: l.name, ...folding[i]! })) }
    : undefined;
  const compiled = compileModel(model, { board, folding: foldingFile });
  return { compiled, host };
}

export async function tfcAccuracy(
  n: number,
  engines: { golden: boolean; verilator: boolean },
  log = (_: string) => {},
): Promise<TfcAccuracy> {
  const set = loadMnistTest(MNIST_DIR);
  const count = Math.min(n, set.images.count);
  const { compiled, host } = compileTfc();
  log(
    `TFC-w2a2 imported; folding ${compiled.plan.layers.map((l) => `${l.folding.pe}/${l.folding.simd}`).join(", ")}; II ${compiled.plan.initiationInterval}`,
  );
  const inputs = Array.from({ length: count }, (_, i) =>
    quantizeInput(
      host.input,
      Array.from(set.image(i), (p) => p / 255),
    ),
  );
  const labels = Array.from(set.labels.subarray(0, count));
  const correct = (p: number[]) => p.reduce((s, x, i) => s + (x === labels[i] ? 1 : 0), 0);
  const out: TfcAccuracy = { images: count, initiationInterval: compiled.plan.initiationInterval };
  let goldenPredictions: number[] | undefined;
  if (engines.golden) {
    const t0 = performance.now();
    const g = await simulateAccelerator(compiled, inputs, "golden");
    goldenPredictions = g.predictions;
    out.golden = { correct: correct(g.predictions), seconds: (performance.now() - t0) / 1000 };
    log(`golden: ${out.golden.correct}/${count} in ${out.golden.seconds.toFixed(2)} s`);
  }
  if (engines.verilator) {
    const t0 = performance.now();
    const v = await simulateAccelerator(compiled, inputs, "verilator");
    out.verilator = {
      correct: correct(v.predictions),
      seconds: (performance.now() - t0) / 1000,
      cyclesPerInference: v.cyclesPerInference,
      agreesWithGolden: goldenPredictions ? v.predictions.every((p, i) => p === goldenPredictions![i]) : true,
    };
    log(
      `verilator: ${out.verilator.correct}/${count} in ${out.verilator.seconds.toFixed(1)} s, ${v.cyclesPerInference} cycles/image`,
    );
  }
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag: string, d: string) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? process.argv[i + 1]! : d;
  };
  const engine = arg("--engine", "both");
  const r = await tfcAccuracy(
    Number(arg("--images", "10000")),
    { golden: engine !== "verilator", verilator: engine !== "golden" },
    (l) => process.stderr.write(`${l}\n`),
  );
  process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
}
