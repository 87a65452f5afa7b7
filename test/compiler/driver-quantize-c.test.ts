// The C driver's float path (loom_quantize.c with the quantizer table of loom_driver.h, then
// loom_pack.c) against the TypeScript reference (quantizeInput, the host quantizer the importer and
// `loom sim` use, then packImages): the same DMA bytes, or both refuse the input. On the host
// quantizers of exported models (BipolarQuant; FINN TFC's Reshape/Mul/Sub/MultiThreshold/Add;
// a Brevitas 8-bit narrow Quant), on random Quant and MultiThreshold chains (every QONNX rounding
// mode, per-element scales, transposes, constants on either side) and on fixed-point grids with
// and without --round, with inputs drawn to land exactly on rounding ties and threshold values.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { C_PACK, cHeader } from "../../src/compiler/driver/c.js";
import { C_QUANTIZE, cSteps } from "../../src/compiler/driver/c-quantize.js";
import {
  type DriverIo,
  driverFiles,
  packImages,
  type StreamFormat,
} from "../../src/compiler/driver/index.js";
import { modelHostSides } from "../../src/compiler/host.js";
import { CONTROL_REGISTERS } from "../../src/lib/system/index.js";
import {
  type HostInput,
  type HostOutput,
  type HostStep,
  hostOutputs,
  quantizeInput,
  stepShapes,
} from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { hasCc } from "./driver-runners.js";

const HARNESS = `#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "loom_driver.h"
/* Per line: round flag, then one image's LOOM_QUANT_INPUTS float32 bit patterns. */
int main(void) {
  int round;
  float x[LOOM_QUANT_INPUTS];
  int64_t codes[LOOM_INPUT_ELEMS];
  uint8_t out[LOOM_INPUT_ELEMS * 8];
  while (scanf("%d", &round) == 1) {
    for (size_t i = 0; i < LOOM_QUANT_INPUTS; i++) {
      unsigned bits;
      if (scanf("%u", &bits) != 1) return 1;
      memcpy(&x[i], &bits, 4);
    }
    size_t bad = 0;
    int q = loom_quantize(x, 1, round, codes, &bad);
    if (q == -1) printf("refused %zu", bad);
    else if (q != 0) printf("error %d", q);
    else if (loom_pack(&LOOM_INPUT, codes, 1, out) != 0) printf("reject");
    else for (size_t i = 0; i < loom_image_bytes(&LOOM_INPUT); i++) printf(i ? " %u" : "%u", out[i]);
    printf("\\n");
  }
  return 0;
}
`;

/** An input stream wide enough for the grid's codes: one code per beat. */
function codeStream(q: HostInput, elems: number): StreamFormat & { elems: number; shape: number[] } {
  let datatype = "BIPOLAR";
  let bits = 1;
  if (!q.bipolar) {
    const signed = q.min < 0;
    bits = 1;
    while (signed ? -(2 ** (bits - 1)) > q.min || 2 ** (bits - 1) - 1 < q.max : 2 ** bits - 1 < q.max) bits++;
    datatype = `${signed ? "INT" : "UINT"}${bits}`;
  }
  const beatBytes = 2 ** Math.ceil(Math.log2(Math.ceil(bits / 8)));
  return { datatype, bits, elemsPerBeat: 1, beatsPerImage: elems, beatBytes, elems, shape: q.shape };
}

function ioFor(q: HostInput, elems: number): DriverIo {
  const input = codeStream(q, elems);
  return {
    name: "t",
    topName: "t_system",
    buildId: 1,
    weights: [],
    clockMHz: 100,
    input,
    output: { ...input, kind: "scores" },
    quantizer: q,
    registers: CONTROL_REGISTERS,
  };
}

const bitsOf = (v: number) => {
  const b = new DataView(new ArrayBuffer(4));
  b.setFloat32(0, v, true);
  return b.getUint32(0, true);
};

interface Sample {
  x: number[];
  round: boolean;
}

/** The C driver's answer per sample: the packed bytes, or "refused". */
function runCQuantizer(io: DriverIo, samples: readonly Sample[]): Array<number[] | "refused"> {
  const dir = mkdtempSync(join(tmpdir(), "loom-cq-"));
  writeFileSync(join(dir, "loom_driver.h"), cHeader(io));
  writeFileSync(join(dir, "loom_pack.c"), C_PACK);
  writeFileSync(join(dir, "loom_quantize.c"), C_QUANTIZE);
  writeFileSync(join(dir, "main.c"), HARNESS);
  const flags = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O2", "-ffp-contract=off"];
  execFileSync("cc", [...flags, "-o", "q", "main.c", "loom_pack.c", "loom_quantize.c", "-lm"], { cwd: dir });
  const input = samples.map((s) => `${s.round ? 1 : 0} ${s.x.map(bitsOf).join(" ")}`).join("\n");
  const lines = execFileSync(join(dir, "q"), { input, encoding: "utf8", maxBuffer: 1 << 26 })
    .trim()
    .split("\n");
  return lines.map((l) => (l.startsWith("refused") ? "refused" : l.split(" ").map(Number)));
}

/** The reference: quantizeInput, then packImages; "refused" where quantizeInput throws. */
function reference(io: DriverIo, s: Sample): number[] | "refused" {
  try {
    const codes = quantizeInput(io.quantizer!, s.x, { round: s.round });
    return [...packImages(io.input, [codes])];
  } catch {
    return "refused";
  }
}

function expectLikeReference(q: HostInput, samples: Sample[], what: string): { accepted: number } {
  const shapes = stepShapes(q.steps, q.shape);
  const elems = shapes[shapes.length - 1]!.reduce((a, b) => a * b, 1);
  const io = ioFor(q, elems);
  const r = cSteps(q, elems);
  expect("steps" in r, `${what}: ${"reason" in r ? r.reason : ""}`).toBe(true);
  const got = runCQuantizer(io, samples);
  const want = samples.map((s) => reference(io, s));
  samples.forEach((s, k) => expect(got[k], `${what}, sample ${k}: ${s.x.slice(0, 8)}`).toEqual(want[k]));
  return { accepted: want.filter((w) => w !== "refused").length };
}

const c = (dims: number[], data: number[]) => ({ dims, data });
const step = (
  opType: string,
  inputs: HostStep["inputs"],
  attributes: HostStep["attributes"] = {},
): HostStep => ({
  opType,
  name: opType,
  attributes,
  inputs,
  output: 0,
});
const f32 = Math.fround;

/** A signed 8-bit fixed-point input grid with 4 integer bits. */
const FIXED: HostInput = {
  shape: [1, 2, 3],
  steps: [],
  step: [0.0625],
  offset: [0],
  min: -128,
  max: 127,
  bipolar: false,
  mode: "fixed-point",
  fixedPoint: { bits: 8, intBits: 4 },
};

describe.skipIf(!hasCc)("the C driver's float input quantizer", () => {
  it("quantizes exported models' inputs as the host quantizer does, ties included", () => {
    const fixtures: Array<[string, (r: number, i: number) => number]> = [
      ["brevitas_bnn_fc_1layer", (r) => (r < 0.2 ? 0 : r < 0.3 ? -0 : r * 4 - 2)],
      // Mul 2, Sub 1, thresholds ±0.5: 0.25 and 0.75 sit exactly on a threshold.
      ["finn_tfc_w2a2_debug", (r) => (r < 0.3 ? [0.25, 0.75, 0, 1][Math.floor(r * 13) % 4]! : r)],
      // Quant, scale 0.0371 (a float32), narrow INT8: k.5 · scale lands on ties and near them.
      ["torch_argmax_op13", (r, i) => f32((Math.floor(r * 300) - 150 + (i % 2 ? 0.5 : 0)) * 0.0371)],
    ];
    let seed = 11;
    const next = () => {
      seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (const [file, draw] of fixtures) {
      const { model } = importOnnx(new URL(`../fixtures/onnx/${file}.onnx`, import.meta.url).pathname);
      const q = modelHostSides(model).input!;
      const n = q.shape.reduce((a, b) => a * b, 1);
      const samples = Array.from({ length: 12 }, () => ({
        x: Array.from({ length: n }, (_, i) => f32(draw(next(), i))),
        round: false,
      }));
      const { accepted } = expectLikeReference(q, samples, file);
      expect(accepted, file).toBe(samples.length);
    }
  });

  it("runs random Quant and MultiThreshold chains like the host quantizer (fast-check)", () => {
    const modes = [
      "ROUND",
      "HALF_EVEN",
      "CEIL",
      "FLOOR",
      "ROUND_TO_ZERO",
      "DOWN",
      "UP",
      "HALF_UP",
      "HALF_DOWN",
    ];
    const chain = fc.record({
      channels: fc.integer({ min: 1, max: 3 }),
      width: fc.integer({ min: 1, max: 4 }),
      transpose: fc.boolean(),
      pre: fc.constantFrom("none", "mul", "div-const-first", "sub-const-first", "add-per-element"),
      kind: fc.constantFrom("quant", "quant-per-element", "threshold"),
      bits: fc.integer({ min: 1, max: 8 }),
      signed: fc.boolean(),
      narrow: fc.boolean(),
      mode: fc.constantFrom(...modes),
      scaleExp: fc.integer({ min: -4, max: 2 }),
      oddScale: fc.boolean(),
      zero: fc.integer({ min: -2, max: 2 }),
      seed: fc.integer({ min: 1, max: 2 ** 30 }),
    });
    // One C build per chain: keep the runs few.
    fc.assert(
      fc.property(chain, (p) => {
        const shape = [1, p.channels, 1, p.width];
        const n = p.channels * p.width;
        const scale = f32(2 ** p.scaleExp * (p.oddScale ? 1.37 : 1));
        const steps: HostStep[] = [];
        if (p.pre === "mul") steps.push(step("Mul", ["x", c([], [0.5])]));
        if (p.pre === "div-const-first") steps.push(step("Div", [c([1], [2]), "x"]));
        if (p.pre === "sub-const-first") steps.push(step("Sub", [c([], [1]), "x"]));
        if (p.pre === "add-per-element")
          steps.push(
            step("Add", [
              "x",
              c(
                shape,
                Array.from({ length: n }, (_, i) => (i % 3) * 0.25),
              ),
            ]),
          );
        if (p.transpose) steps.push(step("Transpose", ["x"], { perm: [0, 2, 3, 1] })); // NCHW → NHWC
        let q: HostInput;
        if (p.kind === "threshold") {
          // Per-channel rows of thresholds on a 0.25 grid; the grid is count − 1.
          const rows = Array.from({ length: p.channels }, (_, ch) => [-0.5 + 0.25 * ch, 0.25, 0.75]);
          const layout = p.transpose ? "NHWC" : "NCHW";
          steps.push(
            step("MultiThreshold", ["x", c([p.channels, 3], rows.flat())], {
              out_scale: 1,
              out_bias: -1,
              data_layout: layout,
            }),
          );
          q = { shape, steps, step: [1], offset: [-1], min: 0, max: 3, bipolar: false, mode: "graph" };
        } else {
          const perElement = p.kind === "quant-per-element";
          const scales = perElement
            ? Array.from({ length: n }, (_, i) => f32(scale * (1 + (i % 2))))
            : [scale];
          const sDims = perElement ? (p.transpose ? [1, 1, p.width, p.channels] : shape) : [];
          const z = p.signed && p.bits > 1 ? p.zero : 0; // a bipolar (1-bit signed) Quant has none
          steps.push(
            step("Quant", ["x", c(sDims, scales), c([], [z]), c([], [p.bits])], {
              signed: p.signed ? 1 : 0,
              narrow: p.narrow ? 1 : 0,
              rounding_mode: p.mode,
            }),
          );
          // The grid: code = value / scale (the zero point shifts the code range).
          const bipolar = p.bits === 1 && p.signed;
          const half = 2 ** (p.bits - 1);
          const [lo, hi] = p.signed
            ? [p.narrow ? -half + 1 : -half, half - 1]
            : [0, 2 ** p.bits - 1 - (p.narrow ? 1 : 0)];
          q = {
            shape,
            steps,
            step: scales,
            offset: [0],
            min: bipolar ? -1 : lo - z,
            max: bipolar ? 1 : hi - z,
            bipolar,
            mode: "graph",
          };
        }
        // Inputs on the scale's half grid (ties), on the thresholds, and anywhere.
        let s = p.seed;
        const next = () => {
          s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
          return s / 2 ** 32;
        };
        const samples = Array.from({ length: 16 }, (_, k) => ({
          x: Array.from({ length: n }, () => {
            const r = next();
            if (k % 3 === 0) return f32((Math.floor(r * 40) - 20) * 0.5 * scale);
            if (k % 3 === 1) return f32((Math.floor(r * 16) - 8) * 0.125);
            return f32((r - 0.5) * 8 * scale);
          }),
          round: false,
        }));
        const { accepted } = expectLikeReference(q, samples, JSON.stringify(p));
        expect(accepted).toBeGreaterThan(0);
      }),
      { numRuns: 12, seed: 17 },
    );
  });

  it("takes fixed-point inputs only on the grid, or rounds them half to even and saturates with --round", () => {
    const q: HostInput = { ...FIXED, steps: [step("Transpose", ["x"], { perm: [0, 2, 1] })] };
    const onGrid = (k: number) => (k - 128) * 0.0625;
    const samples: Sample[] = [];
    for (let k = 0; k < 20; k++) {
      const x = Array.from({ length: 6 }, (_, i) => onGrid((k * 37 + i * 11) % 256));
      const ties = x.map((v, i) => (i % 2 ? v + 0.03125 : v)); // halfway between two codes
      const beyond = x.map((v, i) => (i === k % 6 ? 9 + k : v)); // above the top code
      for (const round of [false, true]) samples.push({ x, round }, { x: ties, round }, { x: beyond, round });
    }
    const { accepted } = expectLikeReference(q, samples, "fixed point");
    // On the grid always; ties and out-of-range values only when rounding.
    expect(accepted).toBe(20 + 20 * 3);
  });

  it("builds the whole generated C driver (loom_driver.c with --float, --scaled) without a warning", () => {
    const { model } = importOnnx(
      new URL("../fixtures/onnx/finn_tfc_w2a2_debug.onnx", import.meta.url).pathname,
    );
    const dir = mkdtempSync(join(tmpdir(), "loom-cdrv-"));
    for (const [name, text] of driverFiles(ioFor(modelHostSides(model).input!, 784)))
      writeFileSync(join(dir, name), text);
    const sources = ["loom_driver.c", "loom_pack.c", "loom_quantize.c"];
    execFileSync(
      "cc",
      ["-O2", "-Wall", "-Wextra", "-Werror", "-ffp-contract=off", "-o", "loom_driver", ...sources, "-lm"],
      {
        cwd: dir,
      },
    );
    const usage = spawnSync(join(dir, "loom_driver"), ["--float"], { encoding: "utf8" });
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/usage: .* \[--float \[--round\]\] \[--scaled\] CTRL DMA UDMABUF/);
  });

  it("scales integer scores into the graph's outputs as hostOutputs does (per channel, conv order)", () => {
    const harness = `#include <stdio.h>
#include "loom_driver.h"
int main(void) {
  int64_t s[LOOM_OUTPUT_ELEMS];
  double v[LOOM_OUTPUT_ELEMS];
  for (;;) {
    for (int i = 0; i < LOOM_OUTPUT_ELEMS; i++) if (scanf("%lld", (long long*)&s[i]) != 1) return 0;
    if (loom_scale_output(s, 1, v) != 0) return 1;
    for (int i = 0; i < LOOM_OUTPUT_ELEMS; i++) printf(i ? " %.17g" : "%.17g", v[i]);
    printf("\\n");
  }
}
`;
    const dequantizers: HostOutput[] = [
      { scale: [0.0371], offset: [0], from: "none", tail: [] },
      // Two channels, NHWC on the stream, the graph's NCHW order, and a tail C leaves alone.
      {
        scale: [0.5, 0.037],
        offset: [0.25, -1.5],
        order: [0, 2, 4, 1, 3, 5],
        from: "thresholds",
        tail: [step("Softmax", ["x"])],
      },
    ];
    for (const d of dequantizers) {
      const f = { datatype: "INT24", bits: 24, elemsPerBeat: 1, beatsPerImage: 6, beatBytes: 4 };
      const io: DriverIo = {
        ...ioFor({ ...FIXED, shape: [1, 6], steps: [] }, 6),
        output: { ...f, elems: 6, kind: "scores" },
        dequantizer: d,
      };
      const dir = mkdtempSync(join(tmpdir(), "loom-cdq-"));
      writeFileSync(join(dir, "loom_driver.h"), cHeader(io));
      writeFileSync(join(dir, "loom_quantize.c"), C_QUANTIZE);
      writeFileSync(join(dir, "main.c"), harness);
      execFileSync(
        "cc",
        [
          "-std=c99",
          "-Wall",
          "-Wextra",
          "-Werror",
          "-O2",
          "-ffp-contract=off",
          "-o",
          "dq",
          "main.c",
          "loom_quantize.c",
          "-lm",
        ],
        { cwd: dir },
      );
      const scores = fc.sample(
        fc.array(fc.integer({ min: -(2 ** 23), max: 2 ** 23 - 1 }), { minLength: 6, maxLength: 6 }),
        { numRuns: 50, seed: 3 },
      );
      const out = execFileSync(join(dir, "dq"), {
        input: scores.map((r) => r.join(" ")).join("\n"),
        encoding: "utf8",
      });
      expect(
        out
          .trim()
          .split("\n")
          .map((l) => l.split(" ").map(Number)),
      ).toEqual(scores.map((r) => hostOutputs(d, r)));
      expect(cHeader(io)).toMatch(
        d.tail.length
          ? /LOOM_HAS_DEQUANTIZER 1 \/\* not applied here: Softmax \*\//
          : /LOOM_HAS_DEQUANTIZER 1\n/,
      );
    }
  });

  it("leaves a model whose steps C does not implement with integer codes, and says which step", () => {
    const q: HostInput = {
      shape: [1, 4],
      steps: [step("Pad", ["x", c([4], [0, 1, 0, 1]), c([], [0])], { mode: "constant" })],
      step: [1],
      offset: [0],
      min: 0,
      max: 3,
      bipolar: false,
      mode: "graph",
    };
    const header = cHeader(ioFor(q, 6));
    expect(header).toMatch(
      /#define LOOM_HAS_QUANTIZER 0 \/\* integer codes only: Pad \(Pad\) is not implemented in the C driver \*\//,
    );
  });
});
