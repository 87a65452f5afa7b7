// The conv blocks at typical configurations: Yosys resources (`synth_xilinx -family xcup
// -flatten`, as bench/finn-blocks.ts), cycles per image at full rate in the interpreter, and
// FINN's own figures for its RTL sliding window at the same parameters (its cost model in
// convolutioninputgenerator_rtl.py: exp_cycles, LUTs = 300 + LUT-RAM, BRAM by depth; FINN
// publishes no per-configuration measurements).
// Run: npx tsx bench/conv-blocks.ts [--only 0,1,...] [--no-synth]
import { type DesignIR, elaborate } from "../src/dsl/index.js";
import {
  MaxPool,
  type MaxPoolParams,
  Padding,
  type PaddingParams,
  type SlidingWindowParams,
  slidingWindowShape,
  windowBlock,
} from "../src/lib/conv/index.js";
import { emitVerilog } from "../src/rtl/emit.js";
import { interpStreams } from "../test/lib/stream/interp-streams.js";
import { type BlockCase, synthBlock } from "./finn-blocks.js";

const uint = (bits: number) => ({ kind: "UINT" as const, bits });

/** FINN's expected cycles and LUT/BRAM estimate for its default-style RTL sliding window. */
function finnWindowModel(p: SlidingWindowParams) {
  const s = slidingWindowShape({ ...p, depth: undefined });
  const [kh, kw] = p.kernel;
  const [, sw] = p.stride;
  const cycles = s.minDepth + s.outHeight * Math.max(s.outWidth * kh * kw * s.cf, sw * p.width * s.cf);
  const width = s.beatWidth;
  const depth = s.depth;
  const ramWidth = depth <= 512 ? 36 : depth <= 1024 ? 18 : depth <= 2048 ? 9 : 4;
  return {
    cycles,
    lutDistributed: 300 + width * Math.ceil(depth / 38),
    bram18Block: 2 * Math.ceil(width / ramWidth),
  };
}

interface ConvBench extends BlockCase {
  design: () => DesignIR;
  /** Beats in and out per image, for the cycle measurement. */
  beats: () => { inBeats: number; outBeats: number };
  finnModel?: () => ReturnType<typeof finnWindowModel>;
}

function bench(name: string, design: () => DesignIR, beats: ConvBench["beats"]): ConvBench {
  return { name, finn: "", design, build: () => emitVerilog(design()), beats };
}

/** A 3×3 window on a square image of `side` (already padded); `parallel`: whole windows per beat. */
function window(
  name: string,
  side: number,
  channels: number,
  stride: number,
  simd: number,
  bits: number,
  parallel = false,
) {
  const p: SlidingWindowParams = {
    height: side,
    width: side,
    channels,
    kernel: [3, 3],
    stride: [stride, stride],
    simd,
    elementBits: bits,
    ...(parallel ? { parallel: true } : {}),
  };
  const b = bench(
    name,
    () => elaborate(windowBlock(p), p),
    () => slidingWindowShape(p),
  );
  return parallel ? b : { ...b, finnModel: () => finnWindowModel(p) };
}

const pool: MaxPoolParams = {
  height: 64,
  width: 64,
  channels: 16,
  kernel: [2, 2],
  stride: [2, 2],
  simd: 16,
  dataType: uint(4),
};
const pad: PaddingParams = {
  height: 64,
  width: 64,
  channels: 1,
  simd: 1,
  dataType: uint(8),
  padding: { top: 1, bottom: 1, left: 1, right: 1 },
  padValue: 0n,
};

export const CONV_BLOCKS: ConvBench[] = [
  window("window 66×66×1, 3×3, SIMD 1, 8-bit (pneumonia CNN conv 1, padded)", 66, 1, 1, 1, 8),
  window("window 34×34×16, 3×3, SIMD 16, 4-bit (pneumonia CNN conv 2, padded)", 34, 16, 1, 16, 4),
  window("window 32×32×64, 3×3, SIMD 32, 2-bit (CNV-w2a2-like)", 32, 64, 1, 32, 2),
  window("window 65×65×8, 3×3 stride 2, SIMD 8, 4-bit", 65, 8, 2, 8, 4),
  window("parallel window 64×64×1, 3×3, 8-bit (pneumonia CNN conv 1)", 64, 1, 1, 1, 8, true),
  window("parallel window 34×34×16, 3×3, 4-bit", 34, 16, 1, 16, 4, true),
  window("parallel window 65×65×8, 3×3 stride 2, 4-bit", 65, 8, 2, 8, 4, true),
  bench(
    "max-pool 64×64×16, 2×2 stride 2, SIMD 16, UINT4",
    () => elaborate(MaxPool, pool),
    () => ({ inBeats: 64 * 64, outBeats: 32 * 32 }),
  ),
  bench(
    "padding 64×64×1 → 66×66, UINT8",
    () => elaborate(Padding, pad),
    () => ({ inBeats: 64 * 64, outBeats: 66 * 66 }),
  ),
];

/** Cycles per image at full rate, input always valid and output always ready: the distance
 * between the first output beats of the third and fourth image (the steady state). */
export function cyclesPerImage(b: ConvBench): { perImage: number; firstOut: number } {
  const { inBeats, outBeats } = b.beats();
  const images = 4;
  const run = interpStreams(b.design(), {
    inputs: [{ prefix: "in", beats: Array.from({ length: inBeats * images }, (_, i) => BigInt(i & 1)) }],
    outputs: [{ prefix: "out", count: outBeats * images }],
  });
  const out = run.outputCycles.out!;
  return { perImage: out[3 * outBeats]! - out[2 * outBeats]!, firstOut: out[0]! - run.inputCycles.in![0]! };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--only");
  const only = i >= 0 ? process.argv[i + 1]!.split(",").map(Number) : CONV_BLOCKS.map((_, k) => k);
  const synth = !process.argv.includes("--no-synth");
  const rows: string[] = [];
  for (const k of only) {
    const b = CONV_BLOCKS[k]!;
    const { inBeats, outBeats } = b.beats();
    const cycles = cyclesPerImage(b);
    const finn = b.finnModel?.();
    const r = synth ? await synthBlock(b) : undefined;
    const row = { ...r, name: b.name, inBeats, outBeats, ...cycles, finn };
    process.stdout.write(`${JSON.stringify(row)}\n`);
    rows.push(
      `| ${b.name} | ${inBeats} / ${outBeats} | ${cycles.perImage} (first out ${cycles.firstOut}) | ${finn ? finn.cycles : "–"} | ${r ? `${r.lut} / ${r.ff} / ${r.lutram} / ${r.bram18}` : "–"} | ${finn ? `${finn.lutDistributed} LUT or ${finn.bram18Block} BRAM18` : "–"} |`,
    );
  }
  process.stdout.write(
    `\n| block | beats in / out per image | Loom cycles per image | FINN exp_cycles | Loom LUT / FF / LUTRAM / BRAM18 | FINN estimate |\n|---|---|---|---|---|---|\n${rows.join("\n")}\n`,
  );
}
