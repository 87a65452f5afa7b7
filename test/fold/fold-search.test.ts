// The board search chooses (PE, SIMD), weight memory and multipliers per layer under a cap on
// every resource at once. Checked against brute force over every combination of options, built
// here from the estimate alone (not from the search's own option lists).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Board, dspPortsOf, estimateOptionsFor, getBoard } from "../../src/fold/boards.js";
import { type EstimateOptions, estimateLayer, layerCycles, sumEstimates } from "../../src/fold/estimate.js";
import {
  applyFolding,
  candidateIntervals,
  type Folding,
  FoldingError,
  foldForBoard,
  foldingCandidates,
  formatFolding,
  overBudget,
  readFolding,
} from "../../src/fold/fold.js";
import { type SelectOption, selectJoint } from "../../src/fold/fold-select.js";
import { type LayerShape, layerShapes } from "../../src/fold/layer-shape.js";
import { loadModel } from "../../src/model/model-load.js";
import { streamlineModel } from "../../src/streamline/streamline.js";

const fakeBoard = (caps: Pick<Board, "lut" | "ff" | "bram36" | "uram" | "dsp">): Board => ({
  name: "fake",
  displayName: "Fake",
  part: "xczu-fake",
  family: "ultrascale+",
  defaultClockMHz: 100,
  ...caps,
});

const denseShape = (i: number, mw: number, mh: number, bits: number): LayerShape => ({
  name: `fc${i}`,
  mw,
  mh,
  vectors: 1,
  simdSpan: mw,
  inputBits: bits,
  weightBits: bits,
  accBits: 2 * bits + Math.ceil(Math.log2(mw)),
  outBits: bits,
  xnor: false,
  thresholdCount: 2 ** bits - 1,
  sharedThresholds: false,
});

/** Every way to build a layer, as the issue lists them: (PE, SIMD) × memory × multipliers. */
function allOptions(shape: LayerShape, e: EstimateOptions, board: Board): Folding[] {
  const memories = [undefined, "block", "distributed", ...(e.runtimeWeights && board.uram ? ["ultra"] : [])];
  return foldingCandidates(shape).flatMap((f) =>
    memories.flatMap((weightMemory) =>
      [undefined, "lut"].map((multipliers) => ({ ...f, weightMemory, multipliers }) as Folding),
    ),
  );
}

/** True when some combination of options runs within `ii` cycles and fits the board. */
function bruteForceFits(
  shapes: LayerShape[],
  ii: number,
  board: Board,
  e: EstimateOptions,
  u: number,
): boolean {
  const perLayer = shapes.map((s) =>
    allOptions(s, e, board)
      .filter((f) => layerCycles(s, f) <= ii)
      .map((f) => estimateLayer(s, f, e)),
  );
  const walk = (i: number, chosen: ReturnType<typeof estimateLayer>[]): boolean =>
    i === shapes.length
      ? overBudget(sumEstimates(chosen), board, u) === ""
      : perLayer[i]!.some((est) => walk(i + 1, [...chosen, est]));
  return walk(0, []);
}

const boardArb = fc.record({
  lut: fc.integer({ min: 2000, max: 40000 }),
  ff: fc.integer({ min: 4000, max: 80000 }),
  bram36: fc.integer({ min: 0, max: 8 }),
  uram: fc.integer({ min: 0, max: 6 }),
  dsp: fc.integer({ min: 0, max: 40 }),
});

// Large enough that a fully folded layer's weights (64 × 16 words of 8 bits) go to block RAM.
const shapesArb = fc
  .tuple(fc.constantFrom(32, 64, 96), fc.constantFrom(8, 16), fc.constantFrom(2, 4), fc.constantFrom(4, 8))
  .map(([mw, mid, out, bits]) => [denseShape(0, mw, mid, bits), denseShape(1, mid, out, bits)]);

describe("the joint selection", () => {
  it("finds the cheapest combination within every cap, as brute force does", () => {
    const optionArb = fc.record({
      use: fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 3, maxLength: 3 }),
      cost: fc.integer({ min: 0, max: 50 }),
    });
    fc.assert(
      fc.property(
        fc.array(fc.array(optionArb, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 3, maxLength: 3 }),
        (layers, caps) => {
          const opts: SelectOption<number>[][] = layers.map((l) => l.map((o, j) => ({ item: j, ...o })));
          let best = Number.POSITIVE_INFINITY;
          const walk = (i: number, use: number[], cost: number): void => {
            if (i === opts.length) {
              if (use.every((u, k) => u <= caps[k]!)) best = Math.min(best, cost);
              return;
            }
            for (const o of opts[i]!)
              walk(
                i + 1,
                use.map((u, k) => u + o.use[k]!),
                cost + o.cost,
              );
          };
          walk(0, [0, 0, 0], 0);
          const sel = selectJoint(opts, caps);
          if (best === Number.POSITIVE_INFINITY) return sel === null;
          expect(sel).not.toBeNull();
          expect(sel!.cost).toBe(best);
          expect(sel!.use.every((u, k) => u <= caps[k]!)).toBe(true);
          expect(sel!.picks.map((j, i) => opts[i]![j]!.cost).reduce((a, b) => a + b, 0)).toBe(best);
          return true;
        },
      ),
      { numRuns: 300, seed: 18 },
    );
  });
});

describe("the board search", () => {
  it("fits every cap, and no faster interval has any combination of options that fits", () => {
    fc.assert(
      fc.property(shapesArb, boardArb, fc.boolean(), (shapes, caps, runtimeWeights) => {
        const board = fakeBoard(caps);
        const e: EstimateOptions = { runtimeWeights };
        const u = 0.7;
        let r: ReturnType<typeof foldForBoard>;
        try {
          r = foldForBoard(shapes, board, { estimate: e, utilisation: u });
        } catch (err) {
          if (!(err instanceof FoldingError)) throw err;
          // Nothing fits: not even the slowest interval, by brute force.
          const intervals = candidateIntervals(shapes);
          expect(bruteForceFits(shapes, intervals.at(-1)!, board, e, u)).toBe(false);
          return;
        }
        expect(overBudget(r.total, board, u)).toBe("");
        expect(r.foldings.every((f) => f.weightMemory !== "ultra" || runtimeWeights)).toBe(true);
        const faster = candidateIntervals(shapes).filter((ii) => ii < r.cycles);
        for (const ii of faster) expect(bruteForceFits(shapes, ii, board, e, u)).toBe(false);
        if (faster.length > 0) {
          expect(r.binding?.nextInterval).toBe(faster.at(-1));
          expect(r.binding?.resource).toMatch(/LUT|FF|BRAM36|URAM|DSP/);
        } else {
          expect(r.binding).toBeUndefined();
        }
      }),
      { numRuns: 40, seed: 1818 },
    );
  });

  it("keeps the build's styles when they fit, and chooses styles only to fit", () => {
    const shapes = [denseShape(0, 32, 8, 8), denseShape(1, 8, 4, 8)];
    const roomy = foldForBoard(shapes, fakeBoard({ lut: 1e6, ff: 1e6, bram36: 1000, uram: 0, dsp: 1000 }));
    expect(roomy.cycles).toBe(1);
    expect(roomy.foldings.every((f) => !f.weightMemory && !f.multipliers)).toBe(true);
    // No DSPs at all: every product in LUTs, still fully parallel.
    const noDsp = foldForBoard(shapes, fakeBoard({ lut: 1e6, ff: 1e6, bram36: 1000, uram: 0, dsp: 0 }));
    expect(noDsp.cycles).toBe(1);
    expect(noDsp.foldings.map((f) => f.multipliers)).toEqual(["lut", "lut"]);
    expect(noDsp.total.dsp).toBe(0);
    // A fixed build style is never changed.
    const fixed = foldForBoard(shapes, fakeBoard({ lut: 1e6, ff: 1e6, bram36: 1000, uram: 0, dsp: 4 }), {
      estimate: { multipliers: "dsp" },
    });
    expect(fixed.foldings.every((f) => !f.multipliers)).toBe(true);
    expect(fixed.binding?.resource).toBe("DSP");
  });
});

describe("UltraRAM in the board search", () => {
  // fc0's weights are 512 × 16 bytes; one threshold per channel keeps the tables out of block RAM.
  const shapes = [denseShape(0, 512, 16, 8), denseShape(1, 16, 4, 8)].map((s) => ({
    ...s,
    thresholdCount: 1,
  }));
  const board = fakeBoard({ lut: 1500, ff: 100000, bram36: 1, uram: 4, dsp: 20 });

  it("puts runtime-writable weights in UltraRAM when LUTs and block RAM cannot hold them", () => {
    const r = foldForBoard(shapes, board, { estimate: { runtimeWeights: true } });
    expect(r.foldings[0]!.weightMemory).toBe("ultra");
    expect(r.total.uram).toBeGreaterThan(0);
    expect(overBudget(r.total, board, 0.7)).toBe("");
  });

  it("never uses UltraRAM for weights from the bitstream, nor on a part without it", () => {
    const rom = () => foldForBoard(shapes, board);
    const noUram = () => foldForBoard(shapes, { ...board, uram: 0 }, { estimate: { runtimeWeights: true } });
    for (const run of [rom, noUram]) {
      try {
        expect(run().foldings.every((f) => f.weightMemory !== "ultra")).toBe(true);
      } catch (err) {
        expect(err).toBeInstanceOf(FoldingError);
        expect((err as Error).message).toMatch(
          /does not fit Fake even fully folded \(\d+ cycles per inference\): II \d+ /,
        );
      }
    }
  });
});

describe("pneumonia-w8a8 on the ZCU104 (the issue's targets, by the estimate)", () => {
  const board = getBoard("zcu104");
  const shapes = layerShapes(streamlineModel(loadModel("models/pneumonia-w8a8.json")), dspPortsOf(board));
  const fold = (runtimeWeights: boolean) =>
    foldForBoard(shapes, board, { estimate: { ...estimateOptionsFor(board), runtimeWeights } });

  it("reaches II 128 with ROM weights (fc0 in LUT ROM), bound by LUTs at II 64", () => {
    const r = fold(false);
    expect(r.cycles).toBeLessThanOrEqual(128);
    expect(overBudget(r.total, board, 0.7)).toBe("");
    expect(r.foldings[0]!.weightMemory).toBe("distributed");
    expect(r.binding).toMatchObject({ resource: "LUT", nextInterval: 64 });
  });

  it("with runtime weights, II 64 is out of reach: LUTs alone exceed the cap whatever the styles", () => {
    const r = fold(true);
    expect(r.cycles).toBe(128);
    expect(overBudget(r.total, board, 0.7)).toBe("");
    expect(r.binding).toMatchObject({ resource: "LUT", nextInterval: 64 });
    // fc0 at II 64 needs 1024·256/64 = 4096 MAC lanes: 2048 DSP48E2 with two INT8 products each,
    // more than the 1,209 DSPs of the cap; so some products must be LUT multipliers.
    expect((1024 * 256) / 64 / 2).toBeGreaterThan(Math.floor(board.dsp * 0.7));
  });
});

describe("folding files with styles", () => {
  const shapes = [denseShape(0, 16, 8, 8), denseShape(1, 8, 4, 8)];

  it("reads, applies and writes a layer's weight memory and multipliers", () => {
    const file = readFolding({
      layers: [
        { name: "fc0", pe: 2, simd: 4, weightMemory: "distributed", multipliers: "lut" },
        { name: "fc1", pe: 1, simd: 8, weightMemory: "block" },
      ],
    });
    const foldings = applyFolding(shapes, file);
    expect(foldings).toEqual([
      { pe: 2, simd: 4, weightMemory: "distributed", multipliers: "lut" },
      { pe: 1, simd: 8, weightMemory: "block" },
    ]);
    expect(readFolding(formatFolding(shapes, foldings))).toEqual(file);
  });

  it("refuses an unknown style and UltraRAM without runtime weights, in one line", () => {
    expect(() => readFolding({ layers: [{ name: "fc0", pe: 1, simd: 1, weightMemory: "flash" }] })).toThrow(
      /^folding: layers\[0\]\.weightMemory: .*"block".*$/,
    );
    expect(() => readFolding({ layers: [{ name: "fc0", pe: 1, simd: 1, multipliers: "dsp48" }] })).toThrow(
      /layers\[0\]\.multipliers/,
    );
    const ultra = {
      layers: [
        { name: "fc0", pe: 1, simd: 1, weightMemory: "ultra" as const },
        { name: "fc1", pe: 1, simd: 1 },
      ],
    };
    expect(() => applyFolding(shapes, ultra)).toThrow(
      /^folding: layers\[0\] \("fc0"\): weightMemory ultra: UltraRAM cannot be initialised from the bitstream/,
    );
    expect(applyFolding(shapes, ultra, "folding", { runtimeWeights: true })[0]!.weightMemory).toBe("ultra");
  });
});
