// `npm run bench`: measures generation time, cycles per image, throughput, Yosys resources,
// simulation speed and the micro-benchmarks, and writes docs/performance.md. Every figure is
// listed with the command that produced it.
// Run: npm run bench [-- --skip-synth] [-- --images N]
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { compileModel } from "../src/compiler/generate.js";
import { simulateAccelerator } from "../src/compiler/simulate.js";
import { maxValue, minValue } from "../src/core/datatypes.js";
import { getBoard } from "../src/fold/boards.js";
import { lutsOccupied, synthAccelerator } from "../src/synth/accelerator.js";
import { synthInputOf } from "../src/synth/compiled.js";
import { describeMachine } from "./machine.js";
import { tfcW1A1, tfcW2A2 } from "./mlp-model.js";
import { lcg } from "./mvau-config.js";

const args = process.argv.slice(2);
const skipSynth = args.includes("--skip-synth");
const imagesArg = args.indexOf("--images");
const IMAGES = imagesArg >= 0 ? Number(args[imagesArg + 1]) : 2000;
const log = (s: string) => process.stderr.write(`bench: ${s}\n`);
const tmp = mkdtempSync(join(tmpdir(), "loom-bench-"));
const sections: string[] = [];

// ---- designs -----------------------------------------------------------------------------
const DEFAULT_MODEL = "models/pneumonia-w8a8.json";
let defaultModel = DEFAULT_MODEL;
let defaultNote = "";
try {
  readFileSync(DEFAULT_MODEL);
} catch {
  defaultModel = "test/fixtures/models/tiny-float.json";
  defaultNote = ` (${DEFAULT_MODEL} is missing: measured on ${defaultModel} instead)`;
}
writeFileSync(join(tmp, "tfc-w1a1.json"), JSON.stringify(tfcW1A1()));
writeFileSync(join(tmp, "tfc-w2a2.json"), JSON.stringify(tfcW2A2()));
const designs = [
  { label: `default (${defaultModel})${defaultNote}`, model: defaultModel, show: defaultModel },
  {
    label: "TFC-w1a1 784-64-64-64-10, random weights, FINN folding",
    model: join(tmp, "tfc-w1a1.json"),
    show: "tfc-w1a1.json",
  },
  {
    label: "TFC-w2a2 784-64-64-64-10, random weights, FINN folding",
    model: join(tmp, "tfc-w2a2.json"),
    show: "tfc-w2a2.json",
  },
];

// ---- (1) generation time -------------------------------------------------------------------
const genRows: string[] = [];
for (const d of designs) {
  const out = join(tmp, `gen-${d.show}`);
  const runs: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    execFileSync("node", ["bin/loom.js", "gen", "--board", "zcu104", "--model", d.model, "--out", out], {
      stdio: "pipe",
    });
    runs.push((performance.now() - t0) / 1000);
  }
  const best = Math.min(...runs);
  log(`gen ${d.show}: ${runs.map((r) => r.toFixed(2)).join(", ")} s`);
  genRows.push(
    `| ${d.label} | \`npx loom gen --board zcu104 --model ${d.show}\` | ${best.toFixed(2)} s (best of 3: ${runs.map((r) => r.toFixed(2)).join(", ")}) |`,
  );
}
sections.push(`## Generation time (\`loom gen\`, wall clock, process start included)

| design | command | time |
|---|---|---|
${genRows.join("\n")}

The TFC models are built by \`bench/mlp-model.ts\` (\`tfcW1A1\`, \`tfcW2A2\`): seeded random weights and
thresholds, BIPOLAR input/weights/activations (w1a1) or UINT2 input, INT2 weights, UINT2
activations (w2a2), last layer raw scores + arg-max, folding PE/SIMD 16/49, 8/8, 8/8, 10/8 stored
in the model.`);

// ---- (2) cycles per image, (4) simulation speed, (3) resources ------------------------------
function randomInputs(c: ReturnType<typeof compileModel>, n: number): bigint[][] {
  const next = lcg(11);
  const t = c.plan.inputType;
  const lo = t.kind === "BIPOLAR" ? -1n : minValue(t);
  const hi = t.kind === "BIPOLAR" ? 1n : maxValue(t);
  return Array.from({ length: n }, () =>
    Array.from({ length: c.plan.inputLength }, () => {
      if (t.kind === "BIPOLAR") return next() & 1 ? 1n : -1n;
      return lo + (BigInt(next()) % (hi - lo + 1n));
    }),
  );
}

const perfRows: string[] = [];
const speedRows: string[] = [];
const synthRows: string[] = [];
for (const [k, d] of designs.entries()) {
  const c = compileModel(d.model, { board: "zcu104" });
  const ii = c.plan.initiationInterval;
  const n = k === 0 ? IMAGES : Math.min(IMAGES, 500);
  const inputs = randomInputs(c, n);
  const tg = performance.now();
  const g = await simulateAccelerator(c, inputs, "golden");
  const goldenS = (performance.now() - tg) / 1000;
  await simulateAccelerator(c, inputs.slice(0, 2), "verilator"); // build (cached) outside the timing
  const tv = performance.now();
  const v = await simulateAccelerator(c, inputs, "verilator");
  const verilatorS = (performance.now() - tv) / 1000;
  const same = v.predictions.every((p, i) => p === g.predictions[i]);
  log(
    `${d.show}: II ${ii}, Verilator ${v.cyclesPerInference} cycles/image, ${same ? "agrees" : "DISAGREES"} with golden`,
  );
  const folding = c.plan.layers.map((l) => `${l.folding.pe}/${l.folding.simd}`).join(", ");
  perfRows.push(
    `| ${d.label} | ${folding} | ${ii} | ${v.cyclesPerInference} | ${v.cyclesPerInference === ii ? "yes" : "**no**"} | ${Math.round(100e6 / ii).toLocaleString("en-US")} | ${Math.round(200e6 / ii).toLocaleString("en-US")} | ${same ? "yes" : "**no**"} (${n} images) |`,
  );
  speedRows.push(
    `| ${d.label} | ${n} | ${Math.round(n / verilatorS).toLocaleString("en-US")} (${verilatorS.toFixed(2)} s) | ${Math.round(n / goldenS).toLocaleString("en-US")} (${goldenS.toFixed(2)} s) |`,
  );
  if (!skipSynth) {
    log(`synthesising ${d.show} (minutes)…`);
    const s = await synthAccelerator(synthInputOf(c), getBoard("zcu104"), { log });
    const t = s.total;
    synthRows.push(
      `| ${d.label} | ${lutsOccupied(t)} (${t.lut} logic, ${t.lutram} LUTRAM, ${t.srl} SRL) | ${t.ff} | ${t.bram18} / ${t.bram36} | ${t.uram} | ${t.dsp} | ${c.report.estimate.lut} / ${c.report.estimate.ff} / ${c.report.estimate.bram36} / ${c.report.estimate.dsp} | ${s.seconds.toFixed(0)} s |`,
    );
  }
}
sections.push(`## Cycles per image and throughput (zcu104 folding; \`npm run bench\`, section 2)

Measured in Verilator with \`simulateAccelerator(compiled, inputs, "verilator")\` (seeded random
inputs, no stalls): steady-state cycles between results. Throughput = clock / II.

| design | PE/SIMD per layer | analytic II | Verilator cycles/image | equal | images/s at 100 MHz | images/s at 200 MHz | Verilator = golden |
|---|---|---|---|---|---|---|---|
${perfRows.join("\n")}`);
sections.push(`## Simulation speed (images per second of wall time)

Verilator: the whole run of \`simulateAccelerator(…, "verilator")\` (process start, stimulus I/O;
the build is cached and not counted). Golden: the bit-exact software model (\`runGolden\`).

| design | images | Verilator images/s | golden model images/s |
|---|---|---|---|
${speedRows.join("\n")}`);
sections.push(
  skipSynth
    ? "## Yosys resources\n\nNot measured in this run (`--skip-synth`)."
    : `## Yosys resources (\`synth_xilinx -family xcup\`, hierarchy kept; same as \`npx loom synth --board zcu104 --model M\`)

| design | LUT (occupied) | FF | BRAM18 / BRAM36 | URAM | DSP | analytic estimate LUT / FF / BRAM36 / DSP | synth time |
|---|---|---|---|---|---|---|---|
${synthRows.join("\n")}`,
);

// ---- (5) training ------------------------------------------------------------------------------
sections.push(`## Training time

Not measured by this script. docs/training.md ("Speed") reports one W8A8 epoch over the 5,216
training images at 32×32 (hidden 256,128) at 4.5–6.0 s on this 2-core machine; the models' meta
records commands and epochs but no timings.`);

// ---- micro-benchmarks -------------------------------------------------------------------------
const micro: string[] = [];
for (const [script, env] of [
  ["bench/dsl-elaborate.ts", {}],
  ["bench/stream-fifo-chain.ts", { BEATS: "200000" }],
  ["bench/mvau-speed.ts", {}],
] as const) {
  log(`running ${script}…`);
  try {
    const out = execFileSync("npx", ["tsx", script], {
      encoding: "utf8",
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const envText = Object.entries(env)
      .map(([k, v]) => `${k}=${v} `)
      .join("");
    micro.push(`\`${envText}npx tsx ${script}\`\n\n\`\`\`\n${out.trim()}\n\`\`\``);
  } catch (e) {
    micro.push(`\`npx tsx ${script}\`: failed (${(e as Error).message.split("\n")[0]})`);
  }
}
sections.push(`## Micro-benchmarks\n\n${micro.join("\n\n")}`);

const machine = describeMachine();
const doc = `# Performance

Written by \`npm run bench\` (\`bench/run.ts\`${skipSynth ? ", with --skip-synth" : ""}) on ${new Date().toISOString().slice(0, 10)}. Numbers are from
one run on a shared machine; other jobs may have been running.

## Machine

| | |
|---|---|
${Object.entries(machine)
  .map(([k, v]) => `| ${k} | ${v} |`)
  .join("\n")}

${sections.join("\n\n")}

${readFileSync("bench/other-measurements.md", "utf8").trim()}
`;
writeFileSync("docs/performance.md", doc);
log("wrote docs/performance.md");
