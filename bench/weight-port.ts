// Yosys (synth_xilinx, UltraScale+) cost of a runtime-weights layer's load path at the top level
// (src/compiler/accelerator.ts, weightLines): the gather converter from the 64-bit weight beats
// to one padded memory line, at the line widths of small layers and of fc0 in the zcu104 builds
// of models/pneumonia-w8a8.json (PE 4 × SIMD 256 × 8 bits = 8192). The MVAU's own RAM-versus-ROM
// cost is bench/mvau-styles.ts. Run: npx tsx bench/weight-port.ts

import { elaborate } from "../src/dsl/index.js";
import { WEIGHT_BEAT_MAX_BITS } from "../src/lib/mvau/layout.js";
import { StreamWidthConverter } from "../src/lib/stream/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { formatCells, synthXilinx } from "../src/synth/yosys.js";

for (const line of [256, 2048, 8192]) {
  const t0 = performance.now();
  const r = await synthXilinx(
    emitVerilog(
      elaborate(StreamWidthConverter, { inWidth: WEIGHT_BEAT_MAX_BITS, outWidth: line, registered: false }),
    ),
  );
  const s = ((performance.now() - t0) / 1000).toFixed(0);
  console.log(`| ${WEIGHT_BEAT_MAX_BITS} → ${line} bits | ${formatCells(r.cells)} | ${s} s |`);
}
