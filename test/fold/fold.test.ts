import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getBoard } from "../../src/fold/boards.js";
import { estimateLayer, layerCycles, memoryCost } from "../../src/fold/estimate.js";
import {
  applyFolding,
  candidateIntervals,
  FoldingError,
  foldForBoard,
  foldForCycles,
  foldForCyclesOnBoard,
  foldForFps,
  formatFolding,
  fpsToCycles,
  readFolding,
} from "../../src/fold/fold.js";
import { type LayerShape, layerShapes } from "../../src/fold/layer-shape.js";
import { loadModel } from "../../src/model/model-load.js";

/** finn-examples tfc-w1a1: 784-64-64-64-10, binary weights and activations. */
const tfc: LayerShape[] = [
  [784, 64],
  [64, 64],
  [64, 64],
  [64, 10],
].map(([mw, mh], i) => ({
  name: `fc${i}`,
  mw: mw!,
  mh: mh!,
  vectors: 1,
  simdSpan: mw!,
  inputBits: 1,
  weightBits: 1,
  accBits: 11,
  outBits: i === 3 ? 11 : 1,
  xnor: i > 0,
  thresholdCount: i === 3 ? 0 : 1,
  sharedThresholds: false,
}));

describe("folding files", () => {
  it("reads, applies and writes a folding", () => {
    const f = readFolding(
      '{"layers":[{"name":"fc0","pe":16,"simd":49},{"name":"fc1","pe":8,"simd":8},{"name":"fc2","pe":8,"simd":8},{"name":"fc3","pe":10,"simd":8}]}',
    );
    const foldings = applyFolding(tfc, f);
    expect(foldings.map((x, i) => layerCycles(tfc[i]!, x))).toEqual([64, 64, 64, 8]); // II = 64, as in finn-examples
    expect(readFolding(formatFolding(tfc, foldings))).toEqual(f);
  });

  it("lists valid divisors for a bad PE or SIMD", () => {
    const bad = { layers: tfc.map((s) => ({ name: s.name, pe: 1, simd: 1 })) };
    bad.layers[3]!.pe = 4;
    expect(() => applyFolding(tfc, bad)).toThrow(
      /layers\[3\] \("fc3"\): pe 4 does not divide MH = 10; valid pe: 1, 2, 5, 10/,
    );
    bad.layers[3]!.pe = 5;
    bad.layers[0]!.simd = 10;
    expect(() => applyFolding(tfc, bad)).toThrow(
      /simd 10 does not divide MW = 784; valid simd: 1, 2, 4, 7, 8, 14, 16, 28, 49/,
    );
  });

  it("names schema errors and unknown or missing layers", () => {
    expect(() => readFolding({ layers: [{ name: "fc0", pe: 0, simd: 1 }] })).toThrow(
      /folding: layers\[0\]\.pe/,
    );
    expect(() => readFolding("{")).toThrow(/not valid JSON/);
    expect(() => applyFolding(tfc, { layers: [{ name: "fc9", pe: 1, simd: 1 }] })).toThrow(
      /"fc9" is not in the model/,
    );
    expect(() => applyFolding(tfc, { layers: [{ name: "fc0", pe: 1, simd: 1 }] })).toThrow(
      /no folding for layer "fc1"/,
    );
    expect(() => readFolding({ layers: [] }, "f.json")).not.toThrow();
    expect(() => readFolding("/nonexistent/fold.json")).toThrow(FoldingError);
  });
});

describe("solvers", () => {
  it("mode (a) meets the cycle target with the cheapest pairs", () => {
    const r = foldForCycles(tfc, 64);
    expect(r.cycles).toBeLessThanOrEqual(64);
    r.foldings.forEach((f, i) => {
      expect(tfc[i]!.mh % f.pe).toBe(0);
      expect(tfc[i]!.mw % f.simd).toBe(0);
    });
    // A looser target never costs more LUTs.
    expect(foldForCycles(tfc, 1024).total.lut).toBeLessThanOrEqual(r.total.lut);
  });

  it("mode (a) never exceeds the target, for any target", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60000 }), (t) => {
        expect(foldForCycles(tfc, t).cycles).toBeLessThanOrEqual(t);
      }),
      { numRuns: 50 },
    );
  });

  it("converts fps to cycles and reports unreachable targets", () => {
    expect(fpsToCycles(1e6, 100)).toBe(100);
    expect(foldForFps(tfc, 1e6, 100).cycles).toBeLessThanOrEqual(100);
    expect(() => foldForFps(tfc, 2e8, 100)).toThrow(
      /unreachable at 100 MHz: the best reachable initiation interval is 1 cycle/,
    );
    expect(() => foldForCycles(tfc, 0.5)).toThrow(FoldingError);
  });

  it("mode (b) finds the smallest fitting interval on a board", () => {
    const board = getBoard("pynq-z1");
    const r = foldForBoard(tfc, board);
    expect(r.total.lut).toBeLessThanOrEqual(board.lut * 0.7);
    const faster = candidateIntervals(tfc).filter((ii) => ii < r.cycles);
    for (const ii of faster) {
      const t = foldForCycles(tfc, ii, { reference: board }).total;
      const fits =
        t.lut <= board.lut * 0.7 &&
        t.ff <= board.ff * 0.7 &&
        t.bram36 <= board.bram36 * 0.7 &&
        t.dsp <= board.dsp * 0.7;
      expect(fits).toBe(false);
    }
  });

  it("says what fits when a target is too fast for the board, and when nothing fits", () => {
    expect(() => foldForCyclesOnBoard(tfc, 1, getBoard("pynq-z1"))).toThrow(
      /1 cycles per inference does not fit PYNQ-Z1: .*the fastest folding that fits takes \d+ cycles/,
    );
    const huge: LayerShape = {
      ...tfc[0]!,
      name: "big",
      mw: 4096,
      mh: 4096,
      simdSpan: 4096,
      inputBits: 8,
      weightBits: 8,
      xnor: false,
    };
    expect(() => foldForBoard([huge], getBoard("pynq-z1"))).toThrow(
      /does not fit PYNQ-Z1 even fully folded .*BRAM36/,
    );
  });

  it("sizes the fixture model", () => {
    const shapes = layerShapes(
      loadModel(new URL("../fixtures/models/tiny-float.json", import.meta.url).pathname),
    );
    expect(shapes.map((s) => [s.mw, s.mh, s.inputBits, s.weightBits, s.thresholdCount])).toEqual([
      [16, 8, 8, 4, 15],
      [8, 2, 4, 4, 0],
    ]);
    const r = foldForBoard(shapes, getBoard("ultra96"));
    expect(r.cycles).toBe(1);
  });
});

describe("estimate", () => {
  it("puts small memories in LUTRAM and large ones in BRAM18", () => {
    expect(memoryCost("table", 64, 8)).toEqual({ lut: 8, mux: 0, bram18: 0 });
    expect(memoryCost("table", 1024, 18)).toEqual({ lut: 0, mux: 0, bram18: 1 });
    expect(memoryCost("table", 1024, 36)).toEqual({ lut: 0, mux: 0, bram18: 2 });
    // 6 Kbit: LUT ROM, as the weight memory's generator builds it (not 2 BRAM18).
    expect(memoryCost("table", 128, 48)).toEqual({ lut: 96, mux: 0, bram18: 0 });
  });

  it("uses DSPs only for wide operands, and more lanes cost more", () => {
    const wide = { ...tfc[0]!, inputBits: 8, weightBits: 8, xnor: false };
    expect(estimateLayer(wide, { pe: 4, simd: 4 }).dsp).toBe(16);
    expect(estimateLayer(tfc[1]!, { pe: 4, simd: 4 }).dsp).toBe(0);
    expect(estimateLayer(tfc[1]!, { pe: 8, simd: 8 }).lut).toBeGreaterThan(
      estimateLayer(tfc[1]!, { pe: 4, simd: 4 }).lut,
    );
  });
});
