// Logic depth (synth_xilinx -family xcup -flatten, logic-depth.ts) beside real iCE40 timing
// (synth_ice40 + nextpnr-ice40 on an HX8K, I/Os placed freely) for the blocks of
// bench/finn-blocks.ts: does the depth proxy track measured Fmax? One JSON line per block, then
// a Markdown table. Run: npx tsx bench/block-timing.ts [--only 0,1,...]
import { getBoard } from "../src/fold/boards.js";
import { runIce40Flow } from "../src/synth/ice40.js";
import { runSynthStat } from "../src/synth/yosys.js";
import { BLOCKS } from "./finn-blocks.js";

const arg = (flag: string) => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const only = arg("--only")?.split(",").map(Number) ?? BLOCKS.map((_, k) => k);
const hx8k = getBoard("hx8k-breakout").ice40!;
const rows = [];
for (const k of only) {
  const block = BLOCKS[k]!;
  process.stderr.write(`${block.name}…\n`);
  const e = block.build();
  const input = { files: e.files, verilogFiles: e.verilogFiles, top: e.topName };
  const { depths } = await runSynthStat(input, { family: "xcup", flatten: true, depth: true });
  const depth = depths?.get(e.topName);
  let ice40: { fmax?: number; lc?: number; error?: string };
  try {
    const r = await runIce40Flow(input, hx8k, { clockMHz: 12 });
    ice40 = { fmax: r.fmax, lc: r.utilisation.ICESTORM_LC?.used };
  } catch (err) {
    ice40 = { error: (err as Error).message.slice(0, 160) };
  }
  const row = { name: block.name, lutLevels: depth?.lutLevels, carryCells: depth?.carryCells, ...ice40 };
  rows.push(row);
  process.stdout.write(`${JSON.stringify(row)}\n`);
}
process.stdout.write(
  `\n| block | LUT levels (xcup) | carry cells | iCE40 HX8K Fmax | logic cells |\n|---|---|---|---|---|\n${rows
    .map(
      (r) =>
        `| ${r.name} | ${r.lutLevels} | ${r.carryCells} | ${r.fmax ? `${r.fmax.toFixed(1)} MHz` : `– (${r.error})`} | ${r.lc ?? "–"} |`,
    )
    .join("\n")}\n`,
);
