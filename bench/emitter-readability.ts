// Readability of the generated Verilog (issue 14): for every module of the default pneumonia
// accelerator (`loom gen --board zcu104`), its line count, wire declarations and how many of
// those wires are anonymous (named by the emitter, not by the TypeScript); then Yosys cell
// counts of a few small blocks, which must not change when only the text's shape changes.
// Run: npx tsx bench/emitter-readability.ts [--no-synth]
import { DEFAULT_MODEL } from "../src/cli/gen.js";
import { compileModel } from "../src/compiler/generate.js";
import { hierarchicalCells } from "../src/synth/stat.js";
import { runSynthStat } from "../src/synth/yosys.js";
import { BLOCKS } from "./finn-blocks.js";

/** Any emitter-made name: a leading underscore (Loom rejects none, but no library name has one). */
const ANONYMOUS = /^_/;

export interface VerilogShape {
  lines: number;
  wires: number;
  anonymous: number;
  assigns: number;
}

/** Counts lines, `wire` declarations (ports excluded), anonymous ones among them, and assigns. */
export function verilogShape(text: string): VerilogShape {
  const decls = [...text.matchAll(/^\s*(?:\/\*.*?\*\/\s*)?wire\s+(?:\[[^\]]+\]\s*)?(\w+)/gm)].map(
    (m) => m[1]!,
  );
  return {
    lines: text.split("\n").length - 1,
    wires: decls.length,
    anonymous: decls.filter((n) => ANONYMOUS.test(n)).length,
    assigns: text.split("\n").filter((l) => /^\s*assign\s/.test(l)).length,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const compiled = compileModel(DEFAULT_MODEL, { board: "zcu104" });
  const rows = compiled.emitted.verilogFiles.map((f) => ({
    file: f,
    ...verilogShape(compiled.emitted.files.get(f)!),
  }));
  console.log("| module | lines | wires | anonymous wires | assigns |\n|---|---|---|---|---|");
  for (const r of rows)
    console.log(`| ${r.file} | ${r.lines} | ${r.wires} | ${r.anonymous} | ${r.assigns} |`);
  if (!process.argv.includes("--no-synth")) {
    // Width converter, 32 × 8 FIFO, the small MVU: seconds each in WebAssembly Yosys.
    for (const k of [3, 5, 6]) {
      const block = BLOCKS[k]!;
      const e = block.build();
      const { stat } = await runSynthStat(
        { files: e.files, verilogFiles: e.verilogFiles, top: e.topName },
        { family: "xcup", flatten: true },
      );
      const cells = hierarchicalCells(stat, e.topName);
      const sorted = Object.fromEntries(Object.entries(cells).sort(([a], [b]) => a.localeCompare(b)));
      console.log(`${block.name}: ${JSON.stringify(sorted)}`);
    }
  }
}
