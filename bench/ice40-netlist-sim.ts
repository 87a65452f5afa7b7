// The post-synthesis netlist of an iCE40 build (`loom synth --board icebreaker`, its
// ice40/netlist.v) simulated in Verilator with Yosys's iCE40 cell models, MNIST test images sent
// over the UART line at the bitstream's cycles per bit: the classes read back against the
// golden model's (docs/performance.md, "TFC-w2a2 on the iCEBreaker").
// Run: npx loom synth --board icebreaker --model test/fixtures/onnx/finn_tfc_w2a2_debug.onnx --out D
//      npx tsx bench/ice40-netlist-sim.ts --dir D [--model M.onnx] [--images 4] [--per-run 2]
// The images are the committed MNIST fixture (test/fixtures/mnist, twenty test images).
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { join } from "node:path";
import { buildVerilator } from "../sim/index.js";
import { compileModel } from "../src/compiler/generate.js";
import { loadModelSource } from "../src/compiler/model-source.js";
import { loadMnist } from "../src/data/mnist.js";
import { runGolden } from "../src/model/golden/index.js";
import { quantizeInput } from "../src/onnx/host.js";
import { serialDesign } from "../src/synth/ice40-build.js";
import { netlistDesign, runSerialImages } from "../src/synth/ice40-netlist.js";
import { describeMachine } from "./machine.js";

const arg = (name: string, fallback?: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
};
const dir = arg("dir");
if (!dir) throw new Error("give --dir: the output directory of `loom synth --board icebreaker`");
const modelPath = arg("model", "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx")!;
const count = Number(arg("images", "4"));
const perRun = Number(arg("per-run", "2"));
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);

// The same compilation `loom synth` did (its folding file), and a check that the RTL it
// synthesised is this one, so the netlist belongs to the plan used to read it.
const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8"));
const board = report.ice40?.board?.name ?? "icebreaker";
const source = loadModelSource(modelPath);
if (!source.host) throw new Error(`${modelPath}: this benchmark feeds MNIST images to an ONNX model`);
const compiled = compileModel(source.model, { board, folding: join(dir, "folding.json") });
const { emitted, clocksPerBit } = serialDesign(compiled, report.ice40?.baud);
for (const [name, text] of emitted.files) {
  if (readFileSync(join(dir, "ice40", "rtl", name), "utf8") !== text)
    throw new Error(`${dir}/ice40/rtl/${name} differs from this compilation: rebuild with loom synth`);
}

const set = loadMnist(
  "test/fixtures/mnist/twenty-images-idx3-ubyte.gz",
  "test/fixtures/mnist/twenty-labels-idx1-ubyte",
);
const images = Array.from({ length: Math.min(count, set.images.count) }, (_, i) =>
  quantizeInput(
    source.host!.input,
    Array.from(set.image(i), (p) => p / 255),
  ),
);
const golden = runGolden(compiled.streamlined, images).predictions;

const load = () => loadavg()[0]!.toFixed(1);
log(`building the netlist of ${emitted.topName} in Verilator (load ${load()})`);
const model = await buildVerilator(
  netlistDesign(emitted, readFileSync(join(dir, "ice40", "netlist.v"), "utf8")),
);
log(
  `built in ${(model.buildMs / 1000).toFixed(0)} s${model.cacheHit ? " (cached)" : ""}; sending ${images.length} images`,
);
const loadBefore = load();
const run = await runSerialImages(model, compiled.plan, images, clocksPerBit, {
  imagesPerRun: perRun,
  timeoutMs: 60 * 60_000,
});
const agree = run.classes.filter((c, i) => c === golden[i]).length;
const result = {
  netlist: join(dir, "ice40", "netlist.v"),
  folding: compiled.plan.layers.map((l) => `${l.folding.pe}/${l.folding.simd}`).join(", "),
  initiationInterval: compiled.plan.initiationInterval,
  clocksPerBit,
  images: images.length,
  labels: Array.from(set.labels.subarray(0, images.length)),
  golden,
  netlistClasses: run.classes,
  agreement: `${agree}/${images.length}`,
  sendCyclesPerImage: run.sendCyclesPerImage,
  answerCycles: run.answerCycles,
  cyclesSimulated: run.cycles,
  buildSeconds: Math.round(model.buildMs / 1000),
  simulationSeconds: Number(run.seconds.toFixed(1)),
  cyclesPerSecond: Math.round(run.cycles / run.seconds),
  loadAverage: { before: loadBefore, after: load() },
  machine: describeMachine(),
};
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
if (agree !== images.length) process.exitCode = 1;
