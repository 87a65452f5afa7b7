// Split synthesis (one Yosys run per layer plus one for the rest) against one run of the whole
// design: with the hierarchy kept every module synthesises to the same cells and the same logic
// depth either way, so the per-layer and total counts `loom synth` reports do not depend on the
// split. One small two-layer MLP, two Yosys runs of it (~30 s).
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { layerModule } from "../../src/synth/accelerator.js";
import { synthInputOf } from "../../src/synth/compiled.js";
import { mergePieces, pieceScript, runSplitSynth, splitPieces } from "../../src/synth/split.js";
import { hierarchicalCells } from "../../src/synth/stat.js";
import { runSynthStat } from "../../src/synth/yosys.js";
import { smallSynthMlp } from "../support/small-synth-mlp.js";

const model = smallSynthMlp("split");

describe("split synthesis", () => {
  it("gives every module the cells and depth of a single run", { timeout: 240_000 }, async () => {
    const input = synthInputOf(compileModel(model, { board: "zcu104" }));
    const modules = input.verilogFiles.map((f) => f.replace(/\.v$/, ""));
    const layers = input.layers.map((l) => layerModule(modules, l.name)!);
    const pieces = splitPieces(input, layers);
    expect(pieces.map((p) => p.top).sort()).toEqual([...layers, input.top].sort());
    const whole = await runSynthStat(input, { family: "xcup", depth: true });
    const split = await runSplitSynth(input, pieces, { family: "xcup", parallel: 2 });
    for (const m of [input.top, ...layers]) {
      expect(hierarchicalCells(split.stat, m), m).toEqual(hierarchicalCells(whole.stat, m));
    }
    for (const [m, cells] of whole.stat.modules) expect(split.stat.modules.get(m), m).toEqual(cells);
    for (const [m, d] of whole.depths!) expect(split.depths.get(m), m).toEqual(d);
  });

  it("reads the other layers as black boxes only in the rest's run", () => {
    const input = { files: {}, verilogFiles: ["top.v", "a.v", "b.v", "fifo.v"], top: "top" };
    const pieces = splitPieces(input, ["a", "b"]);
    expect(pieces).toEqual([
      { top: "a", blackBoxes: [] },
      { top: "b", blackBoxes: [] },
      { top: "top", blackBoxes: ["a", "b"] },
    ]);
    const rest = pieceScript(input, pieces[2]!, "xcup");
    expect(rest).toContain("read_verilog -lib a.v; read_verilog -lib b.v; read_verilog fifo.v");
    expect(rest).toContain("synth_xilinx -family xcup -top top -noiopad");
    expect(pieceScript(input, pieces[0]!, "xcup")).not.toContain("-lib");
    expect(pieceScript(input, pieces[0]!, "xcup")).toContain("-top a -noiopad -noclkbuf");
  });

  it("takes a layer from its own run, never from the rest's black box", () => {
    const pieces = splitPieces({ files: {}, verilogFiles: [], top: "top" }, ["a"]);
    const depth = (n: number) => ({ lutLevels: n, carryCells: 0 });
    const merged = mergePieces(pieces, [
      {
        stat: {
          modules: new Map<string, Record<string, number>>([
            ["a", { LUT6: 5 }],
            ["fifo", { FDRE: 2 }],
          ]),
        },
        depths: new Map([["a", depth(3)]]),
      },
      {
        stat: {
          modules: new Map<string, Record<string, number>>([
            ["a", {}],
            ["top", { a: 1, fifo: 1 }],
            ["fifo", { FDRE: 2 }],
          ]),
        },
        depths: new Map([
          ["a", depth(0)],
          ["top", depth(1)],
        ]),
      },
    ]);
    expect(merged.stat.modules.get("a")).toEqual({ LUT6: 5 });
    expect(merged.depths.get("a")).toEqual(depth(3));
    expect(hierarchicalCells(merged.stat, "top")).toEqual({ LUT6: 5, FDRE: 2 });
  });
});
