// Loom's blocks at the parameters of FINN's RTL-library figures (issue 8), synthesised with
// `synth_xilinx -family xcup -flatten`. Prints one JSON line per block, then a Markdown table.
// Run: npx tsx bench/finn-blocks.ts [--only 0,1,...] [--search parallel,binary]
// (`--search` builds each thresholding block and MVU in every listed threshold search; default
// auto; blocks without thresholds ignore it).

import type { DataType } from "../src/core/datatypes.js";
import { elaborate, UInt } from "../src/dsl/index.js";
import { Mvau, type MvauParams } from "../src/lib/mvau/index.js";
import { StreamFifo, StreamWidthConverter } from "../src/lib/stream/index.js";
import type { ThresholdSearch } from "../src/lib/threshold/search.js";
import { Thresholding } from "../src/lib/threshold/thresholding.js";
import { type EmittedDesign, emitVerilog } from "../src/rtl/emit.js";
import { lutsOccupied } from "../src/synth/accelerator.js";
import { hierarchicalCells } from "../src/synth/stat.js";
import { classifyCells, runSynthStat } from "../src/synth/yosys.js";
import { lcg } from "./mvau-config.js";

const ascending = (xs: bigint[]) => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function thresholds(channels: number, count: number, inBits: number, seed: number): bigint[][] {
  const next = lcg(seed);
  const span = 2 ** inBits;
  return Array.from({ length: channels }, () =>
    ascending(Array.from({ length: count }, () => BigInt(next() % span))),
  );
}

export function mvau(
  mw: number,
  mh: number,
  pe: number,
  simd: number,
  bits: number,
  outBits: number,
  seed: number,
  search?: ThresholdSearch,
  /** Generator options beside the block's parameters (bench/dsp48-primitive.ts). */
  options: Partial<MvauParams> = {},
) {
  const next = lcg(seed);
  const half = 2 ** (bits - 1);
  const weights = Array.from({ length: mh }, () =>
    Array.from({ length: mw }, () => BigInt((next() % (2 * half)) - half)),
  );
  const spread = Math.round(Math.sqrt(mw) * half * half * 2);
  const count = 2 ** outBits - 1;
  const th = Array.from({ length: mh }, () =>
    ascending(Array.from({ length: count }, () => BigInt((next() % (2 * spread)) - spread))),
  );
  const t = (kind: "INT" | "UINT", b: number): DataType => ({ kind, bits: b });
  return elaborate(Mvau, {
    name: "finn",
    mw,
    mh,
    pe,
    simd,
    inputType: t("UINT", bits),
    weightType: t("INT", bits),
    weights,
    activation: { kind: "thresholds", thresholds: th, outputType: t("UINT", outBits), search },
    ...options,
  });
}

export interface BlockCase {
  name: string;
  finn: string;
  /** Builds the block; `search` applies to blocks with thresholds. */
  build: (search?: ThresholdSearch) => EmittedDesign;
  /** True when the block has thresholds (so `--search` variants differ). */
  thresholds?: boolean;
}

const uint = (bits: number): DataType => ({ kind: "UINT", bits });
export const BLOCKS: BlockCase[] = [
  {
    name: "Thresholding 2-bit out, 16-bit in, 64 ch, PE=1",
    finn: "101 / 129 / –",
    thresholds: true,
    build: (search) =>
      emitVerilog(
        elaborate(Thresholding, {
          search,
          channels: 64,
          pe: 1,
          inputType: uint(16),
          thresholds: thresholds(64, 3, 16, 1),
          outputType: uint(2),
        }),
      ),
  },
  {
    name: "Thresholding 2-bit out, 16-bit in, 64 ch, PE=4",
    finn: "301 / 417 / –",
    thresholds: true,
    build: (search) =>
      emitVerilog(
        elaborate(Thresholding, {
          search,
          channels: 64,
          pe: 4,
          inputType: uint(16),
          thresholds: thresholds(64, 3, 16, 2),
          outputType: uint(2),
        }),
      ),
  },
  {
    name: "Thresholding 4-bit out, 20-bit in, 256 ch, PE=8",
    finn: "1,866 / 2,290 / –",
    thresholds: true,
    build: (search) =>
      emitVerilog(
        elaborate(Thresholding, {
          search,
          channels: 256,
          pe: 8,
          inputType: uint(20),
          thresholds: thresholds(256, 15, 20, 3),
          outputType: uint(4),
        }),
      ),
  },
  {
    name: "Width converter 8 → 32 bits",
    finn: "18 / 23 / –",
    build: () => emitVerilog(elaborate(StreamWidthConverter, { inWidth: 8, outWidth: 32 })),
  },
  {
    name: "Width converter 8 → 32 bits, unregistered output (as FINN's)",
    finn: "18 / 23 / –",
    build: () =>
      emitVerilog(elaborate(StreamWidthConverter, { inWidth: 8, outWidth: 32, registered: false })),
  },
  {
    name: "FIFO 32 deep × 8 bits",
    finn: "144 / 272 / –",
    build: () => emitVerilog(elaborate(StreamFifo, { type: UInt(8), depth: 32 })),
  },
  {
    name: "MVU 64×32, PE=4, SIMD=8, 4×4-bit (thresholds to 4 bits)",
    finn: "996 / 473 / 8 DSP",
    thresholds: true,
    build: (search) => emitVerilog(mvau(64, 32, 4, 8, 4, 4, 5, search)),
  },
  {
    name: "MVU 256×64, PE=8, SIMD=16, 8×8-bit (thresholds to 4 bits)",
    finn: "5,644 / 1,333 / 64 DSP",
    thresholds: true,
    build: (search) => emitVerilog(mvau(256, 64, 8, 16, 8, 4, 6, search)),
  },
  {
    name: "MVU 256×64, PE=8, SIMD=16, 8×8-bit (255 thresholds to 8 bits)",
    finn: "– (no published figure)",
    thresholds: true,
    build: (search) => emitVerilog(mvau(256, 64, 8, 16, 8, 8, 7, search)),
  },
];

export async function synthBlock(b: BlockCase, search?: ThresholdSearch) {
  const e = b.build(search);
  const t0 = performance.now();
  const { stat } = await runSynthStat(
    { files: e.files, verilogFiles: e.verilogFiles, top: e.topName },
    { family: "xcup", flatten: true },
  );
  const c = classifyCells(hierarchicalCells(stat, e.topName));
  return {
    name: b.name,
    search: b.thresholds ? (search ?? "auto") : "–",
    finn: b.finn,
    top: e.topName,
    lut: lutsOccupied(c),
    ff: c.ff,
    dsp: c.dsp,
    bram18: c.bram18 + 2 * c.bram36,
    lutram: c.lutram,
    srl: c.srl,
    seconds: (performance.now() - t0) / 1000,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const arg = (flag: string) => {
    const i = process.argv.indexOf(flag);
    return i >= 0 ? process.argv[i + 1] : undefined;
  };
  const only = arg("--only")?.split(",").map(Number) ?? BLOCKS.map((_, k) => k);
  const searches = (arg("--search")?.split(",") ?? ["auto"]) as ThresholdSearch[];
  const rows = [];
  for (const k of only) {
    const block = BLOCKS[k]!;
    for (const search of block.thresholds ? searches : [undefined]) {
      process.stderr.write(`synthesising ${block.name}${search ? ` (${search})` : ""}…\n`);
      const r = await synthBlock(block, search);
      rows.push(r);
      process.stdout.write(`${JSON.stringify(r)}\n`);
    }
  }
  process.stdout.write(
    `\n| block | search | FINN LUT / FF / DSP | Loom LUT / FF / DSP (BRAM18) |\n|---|---|---|---|\n${rows.map((r) => `| ${r.name} | ${r.search} | ${r.finn} | ${r.lut} / ${r.ff} / ${r.dsp} (${r.bram18}) |`).join("\n")}\n`,
  );
}
