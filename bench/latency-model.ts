// The report's latency (src/compiler/latency.ts) against Verilator: the shipped models at the
// board's folding and at a slower one, and random small MLPs and conv networks (the test
// suites' generators, other seeds), each simulated for one image with the input always valid
// and the output always ready. One line per design, then the largest deviation.
// Run: npx tsx bench/latency-model.ts [--shipped-only | --random-only] [--count N]
import fc from "fast-check";
import { type CompileOptions, compileModel } from "../src/compiler/generate.js";
import { simulateAccelerator } from "../src/compiler/simulate.js";
import { parseDataType } from "../src/core/datatypes.js";
import type { Model } from "../src/model/model-format.js";
import { loadModel } from "../src/model/model-load.js";
import { convNetworkArbitrary } from "../test/support/random-conv-accelerator.js";
import { networkArbitrary, randomInputs } from "../test/support/random-network.js";

const has = (flag: string) => process.argv.includes(flag);
const countArg = process.argv.indexOf("--count");
const count = countArg >= 0 ? Number(process.argv[countArg + 1]) : 8;

interface Design {
  name: string;
  model: Model;
  options: Omit<CompileOptions, "board"> & { board?: string };
}

const designs: Design[] = [];
if (!has("--random-only")) {
  for (const file of ["pneumonia-cnn-w4a4", "pneumonia-w2a2", "pneumonia-w8a8"]) {
    const model = loadModel(`models/${file}.json`);
    designs.push({ name: `${file} (zcu104)`, model, options: {} });
    designs.push({
      name: `${file} (zcu104, --cycles-per-inference 60000)`,
      model,
      options: { cyclesPerInference: 60000 },
    });
  }
}
if (!has("--shipped-only")) {
  fc.sample(networkArbitrary(), { numRuns: count, seed: 777 }).forEach(({ model, folding }, k) =>
    designs.push({ name: `random MLP ${k}`, model, options: { folding } }),
  );
  fc.sample(convNetworkArbitrary(), { numRuns: count, seed: 778 }).forEach(({ model, folding }, k) =>
    designs.push({ name: `random CNN ${k}`, model, options: { folding } }),
  );
}

let worst = 0;
for (const d of designs) {
  const c = compileModel(d.model, { board: "zcu104", ...d.options });
  const inputs = randomInputs(d.model, 1, 5, parseDataType(d.model.input.datatype));
  const r = await simulateAccelerator(c, inputs, "verilator");
  const model = c.report.latencyCycles;
  const error = (model - r.latencyCycles) / r.latencyCycles;
  worst = Math.max(worst, Math.abs(error));
  const folding = c.plan.layers.map((l) => `${l.folding.pe}/${l.folding.simd}`).join(" ");
  console.log(
    `${d.name}: II ${c.plan.initiationInterval}, PE/SIMD ${folding}: model ${model}, Verilator ${r.latencyCycles} (${model - r.latencyCycles >= 0 ? "+" : ""}${model - r.latencyCycles} cycles, ${(100 * error).toFixed(2)} %)`,
  );
}
console.log(`largest deviation ${(100 * worst).toFixed(2)} % over ${designs.length} designs`);
