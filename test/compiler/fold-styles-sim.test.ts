// The board search's per-layer styles are built as chosen: on a small board that forces block
// RAM and LUT multipliers into one layer and not the other, the compiled accelerator (through
// the folding file the search writes) costs what the search estimated and equals the golden
// model in Verilator under random input bubbles and output backpressure.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../sim/index.js";
import { compileModel } from "../../src/compiler/generate.js";
import { simulateAccelerator } from "../../src/compiler/simulate.js";
import { parseDataType } from "../../src/core/datatypes.js";
import { type Board, dspPortsOf, getBoard } from "../../src/fold/boards.js";
import { foldForBoard, formatFolding } from "../../src/fold/fold.js";
import { layerShapes } from "../../src/fold/layer-shape.js";
import { runGolden } from "../../src/model/golden/index.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { networkArbitrary, randomInputs } from "../support/random-network.js";

/** A part a few hundred LUTs, one BRAM36 and two DSPs big (70 % usable). */
const tinyBoard: Board = {
  name: "tiny",
  displayName: "Tiny",
  part: "xczu-tiny",
  family: "ultrascale+",
  lut: 1300,
  ff: 20000,
  bram36: 1,
  uram: 0,
  dsp: 2,
  defaultClockMHz: 100,
};

describe("styles chosen by the board search, in Verilator", () => {
  it("builds block RAM + LUT multipliers in one layer and LUT ROM + DSP in the other, equal to golden", async () => {
    // UINT8 input, two INT8 layers (20 → 10 → 2).
    const [net] = fc.sample(
      networkArbitrary().filter(
        (n) =>
          n.model.layers.length === 2 &&
          n.model.layers.every((l) => l.weightDatatype === "INT8") &&
          n.model.input.datatype === "UINT8",
      ),
      { numRuns: 1, seed: 18 },
    );
    const model = net!.model;
    const zcu104 = getBoard("zcu104");
    const shapes = layerShapes(streamlineModel(model), dspPortsOf(zcu104));
    const searched = foldForBoard(shapes, tinyBoard);
    expect(searched.foldings.map((f) => [f.weightMemory, f.multipliers])).toEqual([
      ["block", "lut"],
      [undefined, undefined],
    ]);

    const compiled = compileModel(model, {
      board: "zcu104",
      folding: JSON.parse(formatFolding(shapes, searched.foldings)),
      scores: true,
    });
    const styles = compiled.report.layers.map((l) => [l.weightMemory.style, l.multipliers]);
    expect(styles).toEqual([
      ["block", "lut"],
      ["distributed", "dsp"],
    ]);
    expect(compiled.report.initiationInterval).toBe(searched.cycles);
    expect(compiled.report.estimate).toEqual(searched.total);
    await lintVerilog(compiled.emitted);

    const inputs = randomInputs(model, 20, 18, parseDataType(model.input.datatype));
    const golden = runGolden(compiled.streamlined, inputs);
    const sim = await simulateAccelerator(compiled, inputs, "verilator", {
      validPattern: { probability: 0.6, seed: 1 },
      readyPattern: { probability: 0.5, seed: 2 },
    });
    expect(sim.predictions).toEqual(golden.predictions);
    expect(sim.outputs).toEqual(golden.scores);
    // Block RAM weights and LUT multipliers keep the report's latency exact (same build, no stalls).
    const free = await simulateAccelerator(compiled, inputs, "verilator");
    expect(free.latencyCycles).toBe(compiled.report.latencyCycles);
  });
});
