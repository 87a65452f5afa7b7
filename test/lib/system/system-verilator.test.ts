// The whole system wrapper (accelerator core + TLAST marker + counters + AXI4-Lite control) in
// Verilator, driven like a board: control writes first (batch size, split over byte strobes,
// plus writes to read-only registers that must be ignored), then DMA-shaped input bursts with
// gaps and random output backpressure, then register reads. Checked against the golden model:
// every frame, TLAST exactly on the last beat of each batch, and every counter.

import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { buildVerilator, lintVerilog, type VerilatorModel } from "../../../sim/index.js";
import {
  beatsBuffer,
  bufferBeats,
  driverIo,
  packImages,
  unpackImages,
} from "../../../src/compiler/driver/index.js";
import { type Compiled, compileModel, deployableSystem } from "../../../src/compiler/generate.js";
import { inputBeats, scoresFromBeats } from "../../../src/compiler/host.js";
import { simulateAccelerator } from "../../../src/compiler/simulate.js";
import { type SystemIo, systemParams } from "../../../src/compiler/system.js";
import { parseDataType } from "../../../src/core/datatypes.js";
import { elaborate } from "../../../src/dsl/index.js";
import { CONTROL_REGISTERS, registerOffset, type SystemParams } from "../../../src/lib/system/index.js";
import { runGolden } from "../../../src/model/golden/index.js";
import { matrixHeight, matrixWidth } from "../../../src/model/layer-geometry.js";
import { type EmittedDesign, emitVerilog } from "../../../src/rtl/emit.js";
import { hasCc, hasNumpy, runC, runPython } from "../../compiler/driver-runners.js";
import { networkArbitrary, type RandomNetwork, randomInputs } from "../../support/random-network.js";
import { DmaHarness } from "./dma-harness.js";

// A small network whose images take several input and output beats (no arg-max: the scores
// leave in NF beats), so TLAST has to find the last beat of the last image.
function pickNetwork() {
  const size = (n: RandomNetwork) => n.model.layers.reduce((s, l) => s + matrixWidth(l) * matrixHeight(l), 0);
  const sample = fc
    .sample(networkArbitrary(), { numRuns: 200, seed: 1717 })
    .sort((a, b) => size(a) - size(b));
  for (const n of sample) {
    const layers = n.folding.layers;
    const last = n.model.layers.length - 1;
    const nf = matrixHeight(n.model.layers[last]!) / layers[last]!.pe;
    if (n.model.layers.length >= 2 && nf >= 2 && layers[0]!.simd < matrixWidth(n.model.layers[0]!) / 2)
      return { ...n, model: { ...n.model, output: { argmax: false } } };
  }
  throw new Error("no suitable network in the sample");
}

interface Write {
  offset: number;
  data: number;
  strobe: number;
}

/** The batch-size write split over byte strobes, mixed with writes to registers that ignore them. */
const writesArb = (batch: number) =>
  fc
    .record({
      split: fc.boolean(),
      junk: fc.array(
        fc.record({
          offset: fc.constantFrom(
            ...CONTROL_REGISTERS.filter((r) => r.access === "ro").map((r) => r.offset),
            0x3c,
          ),
          data: fc.nat(),
          strobe: fc.integer({ min: 0, max: 15 }),
        }),
        { maxLength: 3 },
      ),
      // Junk above the batch size's low bits, written with strobe 0 (must change nothing).
      noise: fc.nat(),
    })
    .map(({ split, junk, noise }) => {
      const at = registerOffset("BATCH_SIZE");
      const own: Write[] = split
        ? [
            { offset: at, data: ((noise << 16) | batch) >>> 0, strobe: 0b0011 },
            { offset: at, data: noise & 0xffff, strobe: 0b0000 },
            { offset: at, data: 0, strobe: 0b1100 },
          ]
        : [{ offset: at, data: batch, strobe: 0b1111 }];
      return [...junk, ...own];
    });

/** DMA MM2S traffic: bursts of up to 16 beats separated by gaps of up to 8 idle cycles. */
const burstPattern = fc
  .array(fc.tuple(fc.integer({ min: 1, max: 16 }), fc.integer({ min: 0, max: 8 })), {
    minLength: 1,
    maxLength: 6,
  })
  .map((bursts) => bursts.flatMap(([on, off]) => [...Array(on).fill(true), ...Array(off).fill(false)]));

/** The cycle counter's value during cycle `at`, replaying the transfers the run observed. */
function cyclesAt(inputs: readonly number[], lasts: readonly number[], at: number): number {
  const ins = new Set(inputs);
  const ends = new Set(lasts);
  let running = false;
  let count = 0;
  for (let t = 0; t < at; t++) {
    const start: boolean = ins.has(t) && !running;
    if (start) count = 1;
    else if (running) count++;
    running = (running || start) && !ends.has(t);
  }
  return count;
}

describe("system wrapper in Verilator (DMA-shaped traffic, AXI4-Lite control)", () => {
  let compiled: Compiled;
  let sys: EmittedDesign;
  let sysIo: SystemIo;
  let model: VerilatorModel;
  beforeAll(async () => {
    const net = pickNetwork();
    compiled = compileModel(net.model, { board: "zcu104", folding: net.folding });
    ({ system: sys, systemIo: sysIo } = deployableSystem(compiled));
    await lintVerilog(sys);
    const harness = emitVerilog(
      elaborate(DmaHarness, { system: systemParams(compiled.plan) as SystemParams<unknown> }),
    );
    model = await buildVerilator(harness);
  }, 120_000);

  it("delivers every frame, TLAST exactly at batch ends, and counters that match", async () => {
    const io = sysIo;
    const inputType = parseDataType(compiled.model.input.datatype);
    expect(io.outBeatsPerImage).toBeGreaterThan(1);
    expect(io.inBeatsPerImage).toBeGreaterThan(1);
    const readable = [...CONTROL_REGISTERS.map((r) => r.offset), 0x1c, 0x3c];
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 5 }).chain((batch) =>
          fc.record({
            batch: fc.constant(batch),
            batches: fc.integer({ min: 1, max: 3 }),
            partial: fc.integer({ min: 0, max: batch - 1 }),
            writes: writesArb(batch),
            reads: fc.array(fc.constantFrom(...readable), { minLength: 1, maxLength: 12 }),
            burst: burstPattern,
            outReady: fc.double({ min: 0.15, max: 1, noNaN: true }),
            seed: fc.nat(1e6),
          }),
        ),
        async (c) => {
          const images = c.batch * c.batches + c.partial;
          const inputs = randomInputs(compiled.model, images, c.seed, inputType);
          const outBeats = images * io.outBeatsPerImage;
          const r = await model.runStreams({
            constants: { writes: BigInt(c.writes.length), out_beats: BigInt(outBeats) },
            inputs: [
              { prefix: "in", beats: inputBeats(compiled.plan, inputs), validPattern: c.burst },
              {
                prefix: "aw",
                beats: c.writes.map((w) => BigInt(w.offset)),
                validPattern: { probability: 0.5, seed: c.seed },
              },
              {
                prefix: "w",
                beats: c.writes.map((w) => (BigInt(w.strobe) << 32n) | BigInt(w.data >>> 0)),
                validPattern: { probability: 0.5, seed: c.seed + 1 },
              },
              {
                prefix: "ar",
                beats: c.reads.map(BigInt),
                validPattern: { probability: 0.6, seed: c.seed + 2 },
              },
            ],
            outputs: [
              { prefix: "out", count: outBeats, readyPattern: { probability: c.outReady, seed: c.seed + 3 } },
              { prefix: "b", count: c.writes.length, readyPattern: { probability: 0.7, seed: c.seed + 4 } },
              { prefix: "r", count: c.reads.length, readyPattern: { probability: 0.7, seed: c.seed + 5 } },
            ],
          });
          expect(r.violations).toEqual([]);

          // Frames: the tdata beats are the core's, image by image.
          const dataMask = (1n << BigInt(io.outBits)) - 1n;
          const beats = r.outputs.out!;
          const golden = runGolden(compiled.streamlined, inputs);
          expect(
            scoresFromBeats(
              compiled.plan,
              beats.map((b) => b & dataMask),
            ),
          ).toEqual(golden.scores);

          // TLAST on the last beat of every whole batch, nowhere else (a partial batch has none).
          const lastFlags = beats.map((b) => Number(b >> BigInt(io.outBits)));
          const perBatch = c.batch * io.outBeatsPerImage;
          expect(lastFlags).toEqual(beats.map((_, j) => ((j + 1) % perBatch === 0 ? 1 : 0)));

          // Control reads, all answered OKAY.
          expect(r.outputs.b).toEqual(c.writes.map(() => 0n));
          const words = r.outputs.r!;
          expect(words.map((w) => w >> 32n)).toEqual(c.reads.map(() => 0n));
          const lastCycles = r.outputCycles.out!.filter((_, j) => lastFlags[j] === 1);
          const arCycles = r.inputCycles.ar!;
          let latchedHi = 0;
          c.reads.forEach((offset, k) => {
            const value = Number(words[k]! & 0xffffffffn);
            const cycles = cyclesAt(r.inputCycles.in!, lastCycles, arCycles[k]!);
            const expected: Record<number, number> = {
              [registerOffset("BUILD_ID")]: io.buildId,
              [registerOffset("BATCH_SIZE")]: c.batch,
              [registerOffset("IMAGES_DONE")]: images,
              [registerOffset("CYCLES_LO")]: cycles % 2 ** 32,
              [registerOffset("CYCLES_HI")]: latchedHi,
              [registerOffset("IN_BEATS")]: io.inBeatsPerImage,
              [registerOffset("OUT_BEATS")]: io.outBeatsPerImage,
            };
            expect(value, `read of 0x${offset.toString(16)}`).toBe(expected[offset] ?? 0);
            if (offset === registerOffset("CYCLES_LO")) latchedHi = Math.floor(cycles / 2 ** 32);
          });
          // One whole batch is timed from its first input beat to its TLAST beat, both included.
          if (c.batches === 1 && c.partial === 0 && c.reads.includes(registerOffset("CYCLES_LO"))) {
            const k = c.reads.indexOf(registerOffset("CYCLES_LO"));
            expect(Number(words[k]! & 0xffffffffn)).toBe(lastCycles[0]! - r.inputCycles.in![0]! + 1);
          }
        },
      ),
      { numRuns: 25, seed: 2026 },
    );
  }, 120_000);

  it("the batch cycle counter measures the accelerator's initiation interval when nothing stalls", async () => {
    const io = sysIo;
    const inputType = parseDataType(compiled.model.input.datatype);
    const measure = async (images: number) => {
      const inputs = randomInputs(compiled.model, images, images, inputType);
      const outBeats = images * io.outBeatsPerImage;
      const r = await model.runStreams({
        constants: { writes: 1n, out_beats: BigInt(outBeats) },
        inputs: [
          { prefix: "in", beats: inputBeats(compiled.plan, inputs) },
          { prefix: "aw", beats: [BigInt(registerOffset("BATCH_SIZE"))] },
          { prefix: "w", beats: [(0xfn << 32n) | BigInt(images)] },
          { prefix: "ar", beats: [BigInt(registerOffset("CYCLES_LO"))] },
        ],
        outputs: [
          { prefix: "out", count: outBeats },
          { prefix: "b", count: 1 },
          { prefix: "r", count: 1 },
        ],
      });
      return Number(r.outputs.r![0]! & 0xffffffffn);
    };
    const [one, nine] = [await measure(1), await measure(9)];
    expect((nine - one) / 8).toBe(compiled.report.initiationInterval);
  });

  // Each driver's own pack and unpack (TypeScript reference, driver.py, loom_pack.c) around the
  // Verilator system: the results must be what loom sim gives on the same inputs.
  const drivers: Array<[string, boolean, typeof runPython | undefined]> = [
    ["TypeScript reference", true, undefined],
    ["driver.py", hasNumpy, runPython],
    ["loom_pack.c", hasCc, runC],
  ];
  for (const [name, available, runner] of drivers) {
    it.skipIf(!available)(`${name}: pack → system → unpack equals loom sim`, async () => {
      const io = driverIo(compiled);
      const inputType = parseDataType(compiled.model.input.datatype);
      const inputs = randomInputs(compiled.model, 7, 99, inputType);
      const pack = (images: bigint[][]) =>
        runner
          ? Uint8Array.from(runner(io, [{ op: "pack", f: io.input, images }])[0]!.bytes!)
          : packImages(io.input, images);
      const unpack = (bytes: Uint8Array, count: number) =>
        runner
          ? runner(io, [{ op: "unpack", f: io.output, bytes, count }])[0]!.values!
          : unpackImages(io.output, bytes, count);
      const outBeats = inputs.length * io.output.beatsPerImage;
      const r = await model.runStreams({
        constants: { writes: 1n, out_beats: BigInt(outBeats) },
        inputs: [
          {
            prefix: "in",
            beats: bufferBeats(io.input, pack(inputs)),
            validPattern: { probability: 0.7, seed: 5 },
          },
          { prefix: "aw", beats: [BigInt(registerOffset("BATCH_SIZE"))] },
          { prefix: "w", beats: [(0xfn << 32n) | BigInt(inputs.length)] },
          { prefix: "ar", beats: [] },
        ],
        outputs: [
          { prefix: "out", count: outBeats, readyPattern: { probability: 0.5, seed: 6 } },
          { prefix: "b", count: 1 },
          { prefix: "r", count: 0 },
        ],
      });
      const dataMask = (1n << BigInt(sysIo.outBits)) - 1n;
      const received = beatsBuffer(
        io.output,
        r.outputs.out!.map((b) => b & dataMask),
      );
      const sim = await simulateAccelerator(compiled, inputs, "golden");
      expect(unpack(received, inputs.length)).toEqual(sim.outputs);
      // One batch: TLAST on the very last beat only.
      expect(r.outputs.out!.map((b) => b >> BigInt(sysIo.outBits))).toEqual(
        r.outputs.out!.map((_, j) => (j === outBeats - 1 ? 1n : 0n)),
      );
    });
  }
});
