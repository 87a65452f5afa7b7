// MVAU speed figures: Verilator simulation speed (cycles/s) of the mid-size layer (MW=256,
// MH=64, SIMD=16, PE=8, 8-bit), and elaboration + emission time of a large layer
// (MW=4096, MH=256). Run: npx tsx bench/mvau-speed.ts
import { buildVerilator } from "../sim/index.js";
import { elaborate } from "../src/dsl/index.js";
import { Mvau, mvauShape } from "../src/lib/mvau/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { int8Layer, lcg, midSize } from "./mvau-config.js";

function inputBeats(mw: number, simd: number, vectors: number, seed: number): bigint[] {
  const next = lcg(seed);
  const beats: bigint[] = [];
  for (let v = 0; v < vectors * (mw / simd); v++) {
    let word = 0n;
    for (let i = 0; i < simd; i++) word |= BigInt(next() & 0xff) << BigInt(8 * i);
    beats.push(word);
  }
  return beats;
}

async function simulationSpeed(): Promise<void> {
  const p = midSize();
  const shape = mvauShape(p);
  const emitted = emitVerilog(elaborate(Mvau, p));
  const t0 = performance.now();
  const model = await buildVerilator(emitted);
  const buildMs = performance.now() - t0;
  const vectors = 20_000;
  const t1 = performance.now();
  const r = await model.runStreams({
    inputs: [{ prefix: "in", beats: inputBeats(p.mw, p.simd, vectors, 7) }],
    outputs: [{ prefix: "out", count: vectors * shape.nf }],
    maxCycles: vectors * shape.cyclesPerVector + 10_000,
  });
  const runMs = performance.now() - t1;
  console.log(
    `mid-size MVAU ${emitted.topName}: build ${(buildMs / 1000).toFixed(1)} s${model.cacheHit ? " (cache hit)" : ""}, ` +
      `${r.cycles} cycles for ${vectors} vectors (${shape.cyclesPerVector}/vector, latency ${shape.latency}) in ` +
      `${(runMs / 1000).toFixed(2)} s = ${Math.round(r.cycles / (runMs / 1000)).toLocaleString("en")} cycles/s (process start and I/O included)`,
  );
}

function elaborationTime(): void {
  const t0 = performance.now();
  const p = int8Layer(4096, 256, 64, 16, 3);
  const t1 = performance.now();
  const design = elaborate(Mvau, p);
  const t2 = performance.now();
  const emitted = emitVerilog(design);
  const t3 = performance.now();
  const bytes = [...emitted.files.values()].reduce((s, f) => s + f.length, 0);
  console.log(
    `MW=4096 MH=256 SIMD=64 PE=16 (1M weights): params ${(t1 - t0).toFixed(0)} ms, elaborate ${(t2 - t1).toFixed(0)} ms, ` +
      `emit ${(t3 - t2).toFixed(0)} ms, ${emitted.files.size} files, ${(bytes / 1e6).toFixed(1)} MB`,
  );
}

elaborationTime();
await simulationSpeed();
