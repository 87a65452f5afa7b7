// Split synthesis (one Yosys run per layer, per split-off weight memory, and one for the rest)
// against one run of the whole design. With the hierarchy kept no optimisation crosses a module
// boundary, so every module gets the same flip-flops, carry cells, memories and DSPs either way.
// LUTs are ABC's mapping, which depends on the internal names Yosys has handed out before it
// (they differ between runs of different inputs): the split may map a module's logic to a few
// percent more or fewer LUTs, and its depth a level apart. One small two-layer MLP, a single run
// and a split one, with the weight memories inlined and then apart (~80 s).
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { layerModule } from "../../src/synth/accelerator.js";
import { synthInputOf } from "../../src/synth/compiled.js";
import { weightMemoryModules } from "../../src/synth/memory-check.js";
import { mergePieces, pieceScript, runSplitSynth, splitPieces } from "../../src/synth/split.js";
import { hierarchicalCells } from "../../src/synth/stat.js";
import { classifyCells, runSynthStat } from "../../src/synth/yosys.js";
import { smallSynthMlp } from "../support/small-synth-mlp.js";

const model = smallSynthMlp("split");

describe("split synthesis", () => {
  // Twice: the weight memories inlined into their layer (a small layer's, the default), and each
  // in a run of its own (a large layer's), the single run keeping the same ones apart.
  it("gives every module the structure of a single run, and its LUTs within 10 %", {
    timeout: 300_000,
  }, async () => {
    const input = synthInputOf(compileModel(model, { board: "zcu104" }));
    const modules = input.verilogFiles.map((f) => f.replace(/\.v$/, ""));
    const layers = input.layers.map((l) => layerModule(modules, l.name)!);
    const files = input.files instanceof Map ? input.files : new Map(Object.entries(input.files));
    const memoriesOf = (layer: string) => weightMemoryModules(files.get(`${layer}.v`) ?? "");
    const memories = layers.flatMap(memoriesOf);
    expect(memories).toHaveLength(3); // PE 2 and PE 1
    for (const apart of [false, true]) {
      const pieces = splitPieces(
        input,
        layers.map((module) => ({
          module,
          memories: apart ? memoriesOf(module) : [],
        })),
      );
      expect(pieces.map((p) => p.top).sort()).toEqual(
        [...layers, ...(apart ? memories : []), input.top].sort(),
      );
      const [whole, split] = await Promise.all([
        runSynthStat(input, { family: "xcup", depth: true, memoriesApart: apart ? memories : [] }),
        runSplitSynth(input, pieces, { family: "xcup", parallel: 1 }),
      ]);
      const names = (r: { stat: { modules: Map<string, unknown> } }) => [...r.stat.modules.keys()].sort();
      expect(names(split)).toEqual(names(whole));
      for (const m of memories) expect(whole.stat.modules.has(m), m).toBe(apart);
      for (const m of whole.stat.modules.keys()) {
        const [a, b] = [split, whole].map((r) => classifyCells(hierarchicalCells(r.stat, m)));
        const { lut: lutA, byType: _a, ...structureA } = a!;
        const { lut: lutB, byType: _b, ...structureB } = b!;
        expect(structureA, m).toEqual(structureB);
        expect(Math.abs(lutA - lutB), `${m}: ${lutA} vs ${lutB} LUTs`).toBeLessThanOrEqual(
          Math.max(2, 0.1 * lutB),
        );
        const [da, db] = [split, whole].map((r) => r.depths!.get(m));
        expect(da === undefined, m).toBe(db === undefined);
        if (da && db) {
          expect(Math.abs(da.lutLevels - db.lutLevels), m).toBeLessThanOrEqual(1);
          expect(da.carryCells, m).toBe(db.carryCells);
        }
      }
      // A memory alone: one module, nothing else in its run to perturb the mapping.
      if (apart)
        for (const m of memories) expect(split.stat.modules.get(m), m).toEqual(whole.stat.modules.get(m));
    }
  });

  it("reads the other layers as black boxes only in the rest's run, split-off memories in their layer's", () => {
    const input = { files: {}, verilogFiles: ["top.v", "a.v", "b.v", "fifo.v"], top: "top" };
    const pieces = splitPieces(input, [
      { module: "a", memories: [] },
      { module: "b", memories: ["b_weights_0", "b_weights_1"] },
    ]);
    expect(pieces).toEqual([
      { top: "a", blackBoxes: [] },
      { top: "b", blackBoxes: ["b_weights_0", "b_weights_1"] },
      { top: "b_weights_0", blackBoxes: [] },
      { top: "b_weights_1", blackBoxes: [] },
      { top: "top", blackBoxes: ["a", "b"] },
    ]);
    const rest = pieceScript(input, pieces.at(-1)!, "xcup");
    expect(rest).toContain("read_verilog -lib a.v; read_verilog -lib b.v; read_verilog fifo.v");
    expect(rest).toContain("synth_xilinx -family xcup -top top -noiopad");
    expect(pieceScript(input, pieces[0]!, "xcup")).not.toContain("-lib");
    expect(pieceScript(input, pieces[0]!, "xcup")).toContain("-top a -noiopad -noclkbuf");
    expect(pieceScript(input, pieces[3]!, "xcup")).toContain("-top b_weights_1 -noiopad -noclkbuf");
  });

  it("takes a layer from its own run, never from the rest's black box", () => {
    const pieces = splitPieces({ files: {}, verilogFiles: [], top: "top" }, [{ module: "a", memories: [] }]);
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
