// Out-of-context synthesis of an accelerator in pieces: each layer's MVAU module in its own Yosys
// run, and the rest of the design (FIFOs, converters, arg-max, the top) in one more run that
// sees the layers as black boxes. With the hierarchy kept, `synth_xilinx` optimises nothing
// across a module boundary, so the pieces' per-module counts are the ones a single run gives;
// merged, they feed the same per-layer and total accounting (stat.ts).
//
// Why: a single run holds the whole design in one WebAssembly instance, whose memory is capped at
// 4 GB. A build with a large LUT-ROM layer (pneumonia-w8a8 at II 128: 16,384 ROM output bits in
// fc0) runs out of it in the final technology mapping. Split, the largest piece is one layer,
// and the pieces run in parallel, one per core; a layer with megabits of weights also has each
// PE's weight memory (a module of its own, src/lib/mvau/weight-memory.ts) synthesised apart.
import { availableParallelism, totalmem } from "node:os";
import { type ModuleDepth, netlistDepths } from "./logic-depth.js";
import { parseStat, type YosysStat } from "./stat.js";
import {
  inlineWeightMemories,
  netlistOf,
  outputText,
  runYosysScript,
  type SynthInput,
  WRITE_NETLIST,
  type XilinxFamily,
  yosysFiles,
} from "./yosys.js";

/** One Yosys run of the split: synthesise `top`; the modules in `blackBoxes` are read as black boxes. */
export interface SynthPiece {
  top: string;
  blackBoxes: readonly string[];
}

/** A layer's MVAU module, and the weight-memory modules under it to synthesise in runs of their own. */
export interface SplitLayer {
  module: string;
  memories: readonly string[];
}

/**
 * A layer per piece (largest first, so the longest run starts first), each split-off weight
 * memory in a piece of its own (the layer's run sees it as a black box), then the rest around
 * the layers.
 */
export function splitPieces(input: SynthInput, layers: readonly SplitLayer[]): SynthPiece[] {
  const size = (m: string) => fileText(input, `${m}.v`)?.length ?? 0;
  const unique = [...new Map(layers.map((l) => [l.module, l])).values()];
  const bySize = (a: string, b: string) => size(b) - size(a) || a.localeCompare(b);
  const layerPieces = unique
    .sort((a, b) => bySize(a.module, b.module))
    .map((l) => ({ top: l.module, blackBoxes: [...l.memories] }));
  const memoryPieces = unique.flatMap((l) => l.memories).map((top) => ({ top, blackBoxes: [] }));
  return [...layerPieces, ...memoryPieces, { top: input.top, blackBoxes: unique.map((l) => l.module) }];
}

/**
 * Weight bits in one layer above which its weight memories get runs of their own: a single run
 * of fc0 of pneumonia-w8a8 at II 128 (2 Mbit of LUT ROM with the adder trees) exceeds 4 GB.
 */
export const SPLIT_MEMORY_BITS = 2 ** 20;

function fileText(input: SynthInput, name: string): string | undefined {
  const files = input.files;
  return isMap(files) ? files.get(name) : files[name];
}

function isMap(f: SynthInput["files"]): f is ReadonlyMap<string, string> {
  return f instanceof Map;
}

/**
 * The Yosys script of one piece: read everything (black boxes with `-lib`), synthesise, report.
 * A layer is not the design's top, so it gets no clock buffer of its own (`-noclkbuf`).
 */
export function pieceScript(input: SynthInput, piece: SynthPiece, family: XilinxFamily): string {
  const boxed = new Set(piece.blackBoxes.map((m) => `${m}.v`));
  const read = input.verilogFiles.map((f) => (boxed.has(f) ? `read_verilog -lib ${f}` : `read_verilog ${f}`));
  const clockBuffer = piece.top === input.top ? "" : " -noclkbuf";
  const inline = inlineWeightMemories(input, [...piece.blackBoxes, piece.top]);
  return [
    ...read,
    `${inline.before}synth_xilinx -family ${family} -top ${piece.top} -noiopad${clockBuffer}${inline.flatten}`,
    "tee -q -o stat.json stat -json",
    WRITE_NETLIST,
  ].join("; ");
}

/** How many Yosys runs at once: one per core, and no more than memory holds at 4 GB each. */
export function parallelRuns(): number {
  const byMemory = Math.floor(totalmem() / (4.5 * 2 ** 30));
  return Math.max(1, Math.min(availableParallelism(), byMemory));
}

/**
 * Runs the pieces (`parallel` at a time) and merges their per-module statistics and logic depths.
 * A module synthesised in several pieces (a FIFO used inside a layer and outside) is the same
 * module with the same result; a layer is taken from its own piece, never from the black box the
 * rest saw.
 */
export async function runSplitSynth(
  input: SynthInput,
  pieces: readonly SynthPiece[],
  o: { family: XilinxFamily; parallel?: number; onStatus?: (status: string) => void },
): Promise<{ stat: YosysStat; depths: Map<string, ModuleDepth> }> {
  const { files } = yosysFiles(input);
  const results: { stat: YosysStat; depths: Map<string, ModuleDepth> }[] = new Array(pieces.length);
  const status = new Map<number, string>();
  let done = 0;
  const report = () => {
    const running = [...status.keys()].sort((a, b) => a - b);
    if (running.length === 0 || !o.onStatus) return;
    const lead = running[0]!;
    o.onStatus(`${status.get(lead)} [${pieces[lead]!.top}; ${done} of ${pieces.length} runs done]`);
  };
  const runPiece = async (i: number) => {
    const piece = pieces[i]!;
    status.set(i, "starting");
    const { out, log } = await runYosysScript(pieceScript(input, piece, o.family), files, piece.top, {
      onStatus: (s) => {
        status.set(i, s);
        report();
      },
      lane: i,
    });
    const stat = outputText(out, "stat.json");
    const netlist = netlistOf(log);
    if (stat === undefined || netlist === undefined)
      throw new Error(`Yosys wrote no statistics for ${piece.top}`);
    results[i] = { stat: parseStat(stat), depths: netlistDepths(netlist) };
    status.delete(i);
    done++;
    report();
  };
  let next = 0;
  const lane = async () => {
    while (next < pieces.length) await runPiece(next++);
  };
  await Promise.all(Array.from({ length: Math.min(o.parallel ?? parallelRuns(), pieces.length) }, lane));
  return mergePieces(pieces, results);
}

/** Merges the pieces' results, each module from the piece that synthesised it (not a black box). */
export function mergePieces(
  pieces: readonly SynthPiece[],
  results: readonly { stat: YosysStat; depths: Map<string, ModuleDepth> }[],
): { stat: YosysStat; depths: Map<string, ModuleDepth> } {
  const modules = new Map<string, Record<string, number>>();
  const depths = new Map<string, ModuleDepth>();
  results.forEach((r, i) => {
    const inThisPiece = (m: string) => !pieces[i]!.blackBoxes.includes(m);
    for (const [m, cells] of r.stat.modules) if (inThisPiece(m) && !modules.has(m)) modules.set(m, cells);
    for (const [m, d] of r.depths) if (inThisPiece(m) && !depths.has(m)) depths.set(m, d);
  });
  return { stat: { modules }, depths };
}
