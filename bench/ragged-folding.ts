// Could pneumonia-w8a8 reach II ≤ 96 on the ZCU104 if PE did not have to divide MH (issue 18)?
// FINN and Loom require PE | MH and SIMD | MW, so every interval of this 1024-256-128-2 network
// is a power of two and II ≤ 96 means II 64. A "ragged" last neuron fold (PE ∤ MH, the missing
// rows idle) would allow II 96, e.g. fc0 at PE 43 × 6 folds. Its cost is that of the layer with
// MH rounded up to a multiple of PE (zero rows): this script runs the board search of `loom gen`
// on such padded shapes, every padding up to MH/16 extra rows, and prints the fastest interval
// that fits each utilisation cap, with ROM and with runtime-writable weights.
// Run: npx tsx bench/ragged-folding.ts [--model models/pneumonia-w8a8.json] [--board zcu104]

import { loadavg } from "node:os";
import { parseArgs } from "node:util";
import { readModel } from "../src/compiler/generate.js";
import { dspPortsOf, estimateOptionsFor, getBoard } from "../src/fold/boards.js";
import { type FoldResult, foldForBoard } from "../src/fold/fold.js";
import { type LayerShape, layerShapes } from "../src/fold/layer-shape.js";
import { streamlineModel } from "../src/streamline/streamline.js";
import { describeMachine } from "./machine.js";

const { values } = parseArgs({
  options: {
    model: { type: "string", default: "models/pneumonia-w8a8.json" },
    board: { type: "string", default: "zcu104" },
  },
});
const board = getBoard(values.board!);
const model = streamlineModel(readModel(values.model!));
const shapes = layerShapes(model, dspPortsOf(board, true));

/** Every way to pad the layers' MH by fewer than MH/16 rows (dense layers only; the last layer as is). */
function paddings(list: readonly LayerShape[]): LayerShape[][] {
  return list.reduce<LayerShape[][]>(
    (acc, s, i) =>
      acc.flatMap((prefix) => {
        const extra = s.conv || i === list.length - 1 ? 0 : Math.ceil(s.mh / 16) - 1;
        return Array.from({ length: extra + 1 }, (_, k) => [...prefix, { ...s, mh: s.mh + k }]);
      }),
    [[]],
  );
}

const started = performance.now();
console.log(
  `${Object.entries(describeMachine())
    .map(([k, v]) => `${k}: ${v}`)
    .join("; ")}; load average ${loadavg()[0]!.toFixed(1)}`,
);
console.log(
  "| cap | weights | divisor folding: II (binding) | ragged: fastest II | padded MH | folding (PE/SIMD) | LUT / FF / BRAM36 / URAM / DSP |",
);
console.log("|---|---|---|---|---|---|---|");
for (const utilisation of [0.7, 0.85, 1]) {
  for (const runtimeWeights of [false, true]) {
    const o = { utilisation, estimate: { ...estimateOptionsFor(board), runtimeWeights } };
    const divisor = foldForBoard(shapes, board, o);
    let best: { r: FoldResult; padded: LayerShape[] } | undefined;
    for (const padded of paddings(shapes)) {
      let r: FoldResult;
      try {
        r = foldForBoard(padded, board, o);
      } catch {
        continue;
      }
      if (!best || r.cycles < best.r.cycles || (r.cycles === best.r.cycles && r.total.lut < best.r.total.lut))
        best = { r, padded };
    }
    const t = best!.r.total;
    console.log(
      `| ${Math.round(utilisation * 100)} % | ${runtimeWeights ? "runtime" : "ROM"} | ${divisor.cycles} (${divisor.binding?.resource ?? "-"}) | ${best!.r.cycles} | ${best!.padded.map((s) => s.mh).join(", ")} | ${best!.r.foldings.map((f) => `${f.pe}/${f.simd}${f.weightMemory ? ` ${f.weightMemory}` : ""}${f.multipliers ? ` ${f.multipliers}` : ""}`).join(", ")} | ${[t.lut, t.ff, t.bram36, t.uram, t.dsp].map((x) => Math.round(x).toLocaleString("en-US")).join(" / ")} |`,
    );
  }
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
