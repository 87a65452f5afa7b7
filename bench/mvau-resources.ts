// Yosys (synth_xilinx, UltraScale+) resources of the mid-size MVAU: MW=256, MH=64, SIMD=16,
// PE=8, INT8 inputs and weights, 4-bit threshold outputs. Shows where the weights went (block
// RAM: one 128 × 128-bit ROM per PE). Takes a few minutes in WebAssembly, so it is a bench
// script rather than a unit test. Run: npx tsx bench/mvau-resources.ts
import { elaborate } from "../src/dsl/index.js";
import { Mvau, mvauShape } from "../src/lib/mvau/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { formatCells, synthXilinx } from "../src/synth/yosys.js";
import { midSize } from "./mvau-config.js";

const p = midSize();
const shape = mvauShape(p);
const emitted = emitVerilog(elaborate(Mvau, p));
// Each PE's weights are a module of its own (`<MVAU>_weights_<pe>.v`) holding one memory.
const romLines = [...emitted.files]
  .filter(([name]) => /_weights_\d+\.v$/.test(name))
  .flatMap(([, t]) => t.split("\n").filter((l) => l.includes("rom_style")));
console.log(
  `${emitted.topName}: NF=${shape.nf} SF=${shape.sf}, accumulator ${JSON.stringify(shape.accType)}, latency ${shape.latency}`,
);
console.log(`weight memories: ${romLines.length} × ${romLines[0]?.trim()}`);
const t0 = performance.now();
const r = await synthXilinx(emitted, { family: "xcup" });
console.log(
  `synth_xilinx -family xcup in ${((performance.now() - t0) / 1000).toFixed(0)} s: ${formatCells(r.cells)}`,
);
console.log(`carry ${r.cells.carry}; cells by type: ${JSON.stringify(r.cells.byType)}`);
