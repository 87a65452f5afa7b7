// `--weights runtime` end to end: a small random network built with runtime-writable weights.
// The weight files loom gen writes are checked against a bit-addressed model of the documented
// layout (and read back by NumPy where it exists); the same bytes, sent through the
// accelerator's top-level weight ports in Verilator beside random images under random bubbles
// and backpressure, must give the golden model's results — the ROM build's, which compile-sim
// checks the same way; and nothing may come out before the last weight line is in.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { buildVerilator, type CycleVector, lintVerilog } from "../../sim/index.js";
import { compileModel, deployableSystem, writeOutputs } from "../../src/compiler/generate.js";
import { simulateAccelerator } from "../../src/compiler/simulate.js";
import { weightFileName } from "../../src/compiler/weight-files.js";
import {
  type WeightStream,
  weightStreamBeats,
  weightStreamBytes,
  weightStreams,
} from "../../src/compiler/weight-stream.js";
import { encode, parseDataType } from "../../src/core/datatypes.js";
import { runGolden } from "../../src/model/golden/index.js";
import { matrixHeight, matrixWidth } from "../../src/model/layer-geometry.js";
import type { Model } from "../../src/model/model-format.js";
import { weightMatrix } from "../../src/model/weights.js";
import { networkArbitrary, type RandomNetwork, randomInputs } from "../support/random-network.js";
import { hasCc, hasNumpy, PYTHON } from "./driver-runners.js";

/**
 * Two or three layers of at least two lines each: one with lines wider than a 64-bit beat and not
 * a power of two (gathered, then the padding dropped), one narrower than 32 bits (padded).
 */
function pickNetwork(): RandomNetwork {
  const size = (n: RandomNetwork) => n.model.layers.reduce((s, l) => s + matrixWidth(l) * matrixHeight(l), 0);
  const sample = fc
    .sample(networkArbitrary(), { numRuns: 400, seed: 2718 })
    .sort((a, b) => size(a) - size(b));
  const found = sample.find((n) => {
    const folds = n.folding.layers;
    const bits = n.model.layers.map(
      (l, i) => folds[i]!.pe * folds[i]!.simd * parseDataType(l.weightDatatype).bits,
    );
    const lines = n.model.layers.map(
      (l, i) => (matrixWidth(l) * matrixHeight(l)) / (folds[i]!.pe * folds[i]!.simd),
    );
    return (
      bits.length >= 2 &&
      bits.length <= 3 &&
      lines.every((k) => k >= 2) &&
      bits.some((b) => b > 64 && (b & (b - 1)) !== 0) &&
      bits.some((b) => b < 32)
    );
  });
  if (!found) throw new Error("no suitable network in the sample");
  return found;
}

const NET = pickNetwork();
// With the scores port, so every raw score is compared, not only the arg-max.
const rt = compileModel(NET.model, {
  board: "zcu104",
  folding: NET.folding,
  runtimeWeights: true,
  scores: true,
});
const dir = writeOutputs(rt, mkdtempSync(join(tmpdir(), "loom-rtw-")));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The data bytes of a 1-D uint8 .npy file (format version 1.0). */
function npyData(file: string): Uint8Array {
  const b = readFileSync(file);
  expect([...b.subarray(0, 8)]).toEqual([0x93, ...Buffer.from("NUMPY"), 1, 0]);
  const headerLength = b[8]! | (b[9]! << 8);
  expect(b.subarray(10, 10 + headerLength).toString("latin1")).toMatch(/'descr': '\|u1'.*'shape': \(\d+,\)/);
  expect((10 + headerLength) % 64).toBe(0);
  return new Uint8Array(b.subarray(10 + headerLength));
}

const fileBytes = new Map(
  weightStreams(rt.plan).map((s) => [s.name, npyData(join(dir, "driver", weightFileName(s)))]),
);

/**
 * Bit-addressed model of the layout: weight (row r, column c) of a layer folded PE × SIMD sits in
 * line (r div PE)·SF + c div SIMD, at bit ((r mod PE)·SIMD + c mod SIMD)·W of the line, lines
 * padded to `paddedLineBits` and laid out least significant byte first.
 */
function bitModel(model: Model, s: WeightStream): number[] {
  const layer = model.layers[s.layer]!;
  const { pe, simd } = NET.folding.layers[s.layer]!;
  const dt = parseDataType(layer.weightDatatype);
  const sf = matrixWidth(layer) / simd;
  const out = new Array<number>(s.bytes).fill(0);
  weightMatrix(layer).forEach((row, r) =>
    row.forEach((w, c) => {
      const line = Math.floor(r / pe) * sf + Math.floor(c / simd);
      const code = encode(dt, BigInt(w));
      for (let j = 0; j < dt.bits; j++) {
        if ((code >> BigInt(j)) & 1n) {
          const bit = line * s.paddedLineBits + ((r % pe) * simd + (c % simd)) * dt.bits + j;
          out[bit >> 3]! |= 1 << (bit & 7);
        }
      }
    }),
  );
  return out;
}

describe("runtime-writable weights (--weights runtime)", () => {
  const streams = weightStreams(rt.plan);

  it("one weight stream per layer, brought out at the system's top and described to the drivers", () => {
    expect(streams.map((s) => s.port)).toEqual(
      rt.plan.layers.map((l, i) => `s_axis_w_layer${i}_${l.mvau.name}`),
    );
    const { system } = deployableSystem(rt);
    for (const s of streams) {
      const data = system.topPorts.find((p) => p.name === `${s.port}_tdata`);
      expect(data?.direction).toBe("input");
      expect(data?.width).toBe(s.beatBits);
      expect([32, 64]).toContain(s.beatBits);
    }
    const io = JSON.parse(readFileSync(join(dir, "driver", "io.json"), "utf8"));
    expect(io.weights.map((w: { file: string; bytes: number }) => [w.file, w.bytes])).toEqual(
      streams.map((s) => [weightFileName(s), s.bytes]),
    );
    // The weights are not in the bitstream: no memory image of them among the RTL files.
    expect([...system.files.keys()].filter((f) => /weights/.test(f) && f.endsWith(".hex"))).toEqual([]);
  });

  it("the worked example of docs/deploy.md: INT4 rows [1, 2] and [3, -1] at PE = SIMD = 2 → 21 f3 00 00", () => {
    const model: Model = {
      format: "loom-qnn",
      version: 1,
      name: "example",
      input: { shape: [2], datatype: "UINT2" },
      layers: [
        {
          name: "fc0",
          kind: "dense",
          inFeatures: 2,
          outFeatures: 2,
          weightDatatype: "INT4",
          weights: [
            [1, 2],
            [3, -1],
          ],
          activation: { kind: "none", bias: 0, scale: 1 },
        },
      ],
      output: { argmax: false },
    };
    const c = compileModel(model, {
      board: "zcu104",
      folding: { layers: [{ name: "fc0", pe: 2, simd: 2 }] },
      runtimeWeights: true,
    });
    const [s] = weightStreams(c.plan);
    expect([...weightStreamBytes(c.plan, s!)]).toEqual([0x21, 0xf3, 0, 0]);
  });

  it("one bitstream serves every weight set: the build ID leaves runtime weights out", () => {
    const withWeights = (weights: number[][], runtimeWeights: boolean) =>
      deployableSystem(
        compileModel(
          { ...NET.model, layers: NET.model.layers.map((l, i) => (i === 0 ? { ...l, weights } : l)) },
          { board: "zcu104", folding: NET.folding, runtimeWeights },
        ),
      ).systemIo.buildId;
    const w = weightMatrix(NET.model.layers[0]!).map((row) => row.map(Number));
    const other = w.map((row) => [...row].reverse());
    expect(other).not.toEqual(w);
    expect(withWeights(other, true)).toBe(withWeights(w, true));
    expect(withWeights(other, false)).not.toBe(withWeights(w, false));
  });

  it("weight files hold the documented layout (bit-addressed model), also as NumPy reads them", () => {
    for (const s of streams) {
      expect([...fileBytes.get(s.name)!], s.name).toEqual(bitModel(rt.streamlined, s));
      expect(fileBytes.get(s.name)).toEqual(weightStreamBytes(rt.plan, s));
    }
    if (hasNumpy) {
      const files = streams.map((s) => join(dir, "driver", weightFileName(s)));
      const script = `import sys, json, numpy as np\nprint(json.dumps([np.load(f).tolist() for f in sys.argv[1:]]))`;
      const read = JSON.parse(execFileSync(PYTHON, ["-c", script, ...files], { encoding: "utf8" }));
      expect(read).toEqual(streams.map((s) => [...fileBytes.get(s.name)!]));
    }
  });

  it("loaded through the top-level ports under random backpressure: equal to the golden model and the ROM build", async () => {
    await lintVerilog(rt.emitted);
    await lintVerilog(deployableSystem(rt).system);
    const inputs = randomInputs(NET.model, 12, 77, parseDataType(NET.model.input.datatype));
    const golden = runGolden(rt.streamlined, inputs);
    const run = await simulateAccelerator(rt, inputs, "verilator", {
      validPattern: { probability: 0.6, seed: 5 },
      readyPattern: { probability: 0.5, seed: 6 },
      weightBytes: fileBytes,
    });
    expect(run.predictions).toEqual(golden.predictions);
    // A final BIPOLAR × BIPOLAR layer streams popcount-form scores (pop + b'), which rank like the
    // model's ±1 sums but are not equal to them (plan.ts); other last layers stream the model's.
    if (!rt.plan.layers.at(-1)!.shape.xnor) expect(run.outputs).toEqual(golden.scores);
    const rom = compileModel(NET.model, { board: "zcu104", folding: NET.folding, scores: true });
    const fromRom = await simulateAccelerator(rom, inputs, "verilator");
    expect(run.predictions).toEqual(fromRom.predictions);
    expect(run.outputs).toEqual(fromRom.outputs);
  }, 180_000);

  it("holds inference back until the last weight line of every layer is in", async () => {
    const model = await buildVerilator(rt.emitted);
    const beats = streams.map((s) => weightStreamBeats(s, fileBytes.get(s.name)!));
    const idle = Object.fromEntries(streams.map((s) => [`${s.port}_tvalid`, 0n]));
    const vectors: CycleVector[] = [
      { ap_rst_n: 0n, s_axis_tvalid: 0n, m_axis_tready: 1n, ...idle },
      { ap_rst_n: 0n },
    ];
    // Images (all-zero codes, valid in every datatype) offered throughout; every weight beat
    // but the very last, one per cycle (the weight ports are always ready).
    vectors.push({ ap_rst_n: 1n, s_axis_tvalid: 1n, s_axis_tdata: 0n });
    streams.forEach((s, k) => {
      const upTo = k === streams.length - 1 ? beats[k]!.length - 1 : beats[k]!.length;
      for (let b = 0; b < upTo; b++)
        vectors.push({ [`${s.port}_tvalid`]: 1n, [`${s.port}_tdata`]: beats[k]![b]! });
      vectors.push({ [`${s.port}_tvalid`]: 0n });
    });
    const held = vectors.length;
    for (let i = 0; i < 400; i++) vectors.push({});
    const last = streams[streams.length - 1]!;
    vectors.push({ [`${last.port}_tvalid`]: 1n, [`${last.port}_tdata`]: beats.at(-1)!.at(-1)! });
    vectors.push({ [`${last.port}_tvalid`]: 0n });
    for (let i = 0; i < 2000; i++) vectors.push({});
    const out = await model.runCycles(vectors);
    const firstValid = out.findIndex((o) => o.m_axis_tvalid === 1n);
    expect(firstValid).toBeGreaterThan(held + 400);
  }, 120_000);

  // The PYNQ driver under a stand-in for pynq that records what each DMA channel is given.
  it.skipIf(!hasNumpy)("driver.py streams each weight file through its layer's DMA before inference", () => {
    const fake = mkdtempSync(join(tmpdir(), "loom-fakepynq-"));
    writeFileSync(
      join(fake, "pynq.py"),
      `import numpy as np
SENT = {}
class Buffer(np.ndarray):
    def flush(self): pass
    def invalidate(self): pass
    def freebuffer(self): pass
def allocate(shape, dtype):
    return np.zeros(shape, dtype=dtype).view(Buffer)
class Channel:
    def __init__(self, name): self.name = name
    def transfer(self, buf): SENT.setdefault(self.name, []).append(bytes(np.asarray(buf)))
    def wait(self): pass
class Dma:
    def __init__(self, name): self.sendchannel = Channel(name); self.recvchannel = Channel(name + ".recv")
class Ctrl:
    def __init__(self, build_id): self.build_id = build_id
    def read(self, offset): return self.build_id
    def write(self, offset, value): pass
class Overlay:
    BUILD_ID = 0
    def __init__(self, bitfile, download=True):
        self.accel = Ctrl(Overlay.BUILD_ID)
        self.dma = Dma("dma")
    def __getattr__(self, name):
        if name.startswith("wdma_"): return Dma(name)
        raise AttributeError(name)
`,
    );
    const script = `import json, sys
sys.path.insert(0, ${JSON.stringify(fake)})
sys.path.insert(0, ${JSON.stringify(join(dir, "driver"))})
import pynq, driver
pynq.Overlay.BUILD_ID = driver.IO["buildId"]
acc = driver.LoomAccelerator(download=False)
sent = {k: [list(b) for b in v] for k, v in pynq.SENT.items()}
acc.weights_loaded = False
try:
    acc.execute([[0] * driver.IO["input"]["elems"]], integer=True)
    refused = False
except RuntimeError as e:
    refused = "load_weights" in str(e)
print(json.dumps({"sent": sent, "refused": refused}))
`;
    const r = JSON.parse(execFileSync(PYTHON, ["-c", script], { encoding: "utf8" }));
    expect(r.refused).toBe(true);
    expect(r.sent).toEqual(
      Object.fromEntries(streams.map((s) => [`wdma_${s.name}`, [[...fileBytes.get(s.name)!]]])),
    );
    rmSync(fake, { recursive: true, force: true });
  });

  it.skipIf(!hasCc)("the C driver reads the weight files (loom_npy_u8) and refuses other files", () => {
    const work = mkdtempSync(join(tmpdir(), "loom-cnpy-"));
    writeFileSync(
      join(work, "main.c"),
      `#include <stdio.h>
#include <stdlib.h>
#include "loom_driver.h"
int main(int argc, char** argv) {
  for (int i = 1; i < argc; i++) {
    FILE* f = fopen(argv[i], "rb");
    static uint8_t buf[1 << 20];
    size_t n = fread(buf, 1, sizeof buf, f), offset, count;
    fclose(f);
    if (loom_npy_u8(buf, n, &offset, &count) != 0) { printf("reject\\n"); continue; }
    for (size_t k = 0; k < count; k++) printf(k ? " %u" : "%u", buf[offset + k]);
    printf("\\n");
  }
  return 0;
}
`,
    );
    const files = streams.map((s) => join(dir, "driver", weightFileName(s)));
    const bad = join(work, "bad.npy");
    writeFileSync(bad, readFileSync(files[0]!).subarray(0, -1));
    const exe = join(work, "npy");
    const src = join(dir, "driver");
    execFileSync("cc", [
      "-std=c99",
      "-Wall",
      "-Werror",
      "-I",
      src,
      "-o",
      exe,
      join(work, "main.c"),
      join(src, "loom_pack.c"),
    ]);
    const lines = execFileSync(exe, [...files, bad], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(lines).toEqual([...streams.map((s) => [...fileBytes.get(s.name)!].join(" ")), "reject"]);
    rmSync(work, { recursive: true, force: true });
  });
});
