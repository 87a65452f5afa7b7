// The host drivers' packing. The TypeScript reference (src/compiler/driver/pack.ts) is checked
// against vectors worked out by hand from FINN's documented convention (util/data_packing.py as
// FINN's PYNQ driver calls it: reverse_inner=True, reverse_endian=True; see docs/deploy.md),
// against a bit-addressed model, and round trip; the generated Python (numpy) and C packing
// must give the same bytes, where /usr/bin/python3 with numpy and cc exist.
import { execFileSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type DriverIo,
  driverIo,
  packImages,
  type StreamFormat,
  unpackImages,
} from "../../src/compiler/driver/index.js";
import { pythonDriver } from "../../src/compiler/driver/python.js";
import { compileModel } from "../../src/compiler/generate.js";
import { modelHostSides } from "../../src/compiler/host.js";
import { type DataType, dataTypeName, encode, maxValue, minValue } from "../../src/core/datatypes.js";
import { CONTROL_REGISTERS, dmaStreamWidth } from "../../src/lib/system/index.js";
import {
  type HostInput,
  type HostOutput,
  type HostStep,
  hostResult,
  quantizeInput,
} from "../../src/onnx/host.js";
import { importOnnx } from "../../src/onnx/import.js";
import { type Answer, hasCc, hasNumpy, PYTHON, type Request, runC, runPython } from "./driver-runners.js";

const fmt = (datatype: string, bits: number, elemsPerBeat: number, beatBytes: number, beatsPerImage = 1) => ({
  datatype,
  bits,
  elemsPerBeat,
  beatsPerImage,
  beatBytes,
});

describe("packing in FINN's convention", () => {
  // Each row: FINN's own docstring example or a value worked through array2hexstring (elements
  // reversed, MSB-first bit string, zero-padded to whole bytes) and then the byte flip of
  // reverse_endian; the last column appends Loom's DMA-word padding.
  const vectors: Array<[string, StreamFormat, bigint[], number[]]> = [
    [
      "array2hexstring([1,1,0,1], BINARY, 4, reverse=True) = 0xb",
      fmt("BINARY", 1, 4, 1),
      [1n, 1n, 0n, 1n],
      [0x0b],
    ],
    [
      "array2hexstring([1,1,1,0], BINARY, 8, reverse=True) = 0x07",
      fmt("BINARY", 1, 4, 1),
      [1n, 1n, 1n, 0n],
      [0x07],
    ],
    [
      "UINT2 [1,3] packs to 0x0d with reverse_inner (docstring: [3,1] → 0d)",
      fmt("UINT2", 2, 2, 1),
      [1n, 3n],
      [0x0d],
    ],
    ["INT4 [-1,2,3] → 0x032f → little-endian 2f 03", fmt("INT4", 4, 3, 2), [-1n, 2n, 3n], [0x2f, 0x03]],
    ["BIPOLAR [-1,1,1,-1] → binary 0110 → 0x06", fmt("BIPOLAR", 1, 4, 1), [-1n, 1n, 1n, -1n], [0x06]],
    ["INT8 [-128,127] → 0x7f80 → 80 7f", fmt("INT8", 8, 2, 2), [-128n, 127n], [0x80, 0x7f]],
    [
      "UINT8 [1,2,3] → 01 02 03, plus one zero byte to a 32-bit DMA word",
      fmt("UINT8", 8, 3, 4),
      [1n, 2n, 3n],
      [1, 2, 3, 0],
    ],
    [
      "two UINT4 beats [1,2],[3,4] → 21 43 (beats in stream order)",
      fmt("UINT4", 4, 2, 1, 2),
      [1n, 2n, 3n, 4n],
      [0x21, 0x43],
    ],
  ];
  for (const [what, f, values, bytes] of vectors) {
    it(what, () => {
      expect([...packImages(f, [values])]).toEqual(bytes);
      expect(unpackImages(f, Uint8Array.from(bytes), 1)).toEqual([values]);
    });
  }
});

// Every datatype and width the compiler can put on a stream: inputs and hidden codes (UINTn,
// INTn, BIPOLAR, BINARY), raw scores (up to 64-bit accumulators) and arg-max indices.
const dataTypeArb: fc.Arbitrary<DataType> = fc.oneof(
  fc.constant<DataType>({ kind: "BIPOLAR", bits: 1 }),
  fc.constant<DataType>({ kind: "BINARY", bits: 1 }),
  fc.integer({ min: 2, max: 64 }).map((bits): DataType => ({ kind: "UINT", bits })),
  fc.integer({ min: 2, max: 64 }).map((bits): DataType => ({ kind: "INT", bits })),
);

const caseArb = dataTypeArb.chain((dt) =>
  fc
    .record({
      elemsPerBeat: fc.integer({ min: 1, max: Math.max(1, Math.min(8, Math.floor(1024 / dt.bits))) }),
      beatsPerImage: fc.integer({ min: 1, max: 3 }),
      images: fc.integer({ min: 1, max: 3 }),
    })
    .chain(({ elemsPerBeat, beatsPerImage, images }) => {
      const f: StreamFormat = {
        datatype: dataTypeName(dt),
        bits: dt.bits,
        elemsPerBeat,
        beatsPerImage,
        beatBytes: dmaStreamWidth(Math.ceil((elemsPerBeat * dt.bits) / 8) * 8) / 8,
      };
      const value =
        dt.kind === "BIPOLAR"
          ? fc.constantFrom(-1n, 1n)
          : fc.bigInt({ min: minValue(dt), max: maxValue(dt) });
      const image = fc.array(value, {
        minLength: elemsPerBeat * beatsPerImage,
        maxLength: elemsPerBeat * beatsPerImage,
      });
      return fc.record({
        f: fc.constant(f),
        dt: fc.constant(dt),
        images: fc.array(image, { minLength: images, maxLength: images }),
      });
    }),
);

/** Bit-addressed model: bit j of element i of beat b is bit (8·beatBytes·b + W·i + j) of the buffer. */
function bitModel(f: StreamFormat, dt: DataType, images: bigint[][]): number[] {
  const perImage = f.beatsPerImage * f.beatBytes;
  const out = new Array<number>(images.length * perImage).fill(0);
  images.forEach((image, n) =>
    image.forEach((v, e) => {
      const beat = Math.floor(e / f.elemsPerBeat);
      const i = e % f.elemsPerBeat;
      const pattern = encode(dt, v);
      for (let j = 0; j < f.bits; j++) {
        if ((pattern >> BigInt(j)) & 1n) {
          const p = 8 * (n * perImage + beat * f.beatBytes) + i * f.bits + j;
          out[p >> 3]! |= 1 << (p & 7);
        }
      }
    }),
  );
  return out;
}

const CASES = fc.sample(caseArb, { numRuns: 150, seed: 3117 });

describe("pack/unpack for every stream datatype", () => {
  it("equal the bit-addressed model and round trip (fast-check)", () => {
    fc.assert(
      fc.property(caseArb, ({ f, dt, images }) => {
        const bytes = packImages(f, images);
        expect([...bytes]).toEqual(bitModel(f, dt, images));
        expect(unpackImages(f, bytes, images.length)).toEqual(images);
      }),
      { numRuns: 400 },
    );
  });

  it("reject values outside the datatype", () => {
    expect(() => packImages(fmt("UINT2", 2, 1, 1), [[4n]])).toThrow(/does not fit/);
    expect(() => packImages(fmt("BIPOLAR", 1, 1, 1), [[0n]])).toThrow(/does not fit/);
  });
});

/** Each case packed, and each reference buffer unpacked. */
function packRequests(cases: typeof CASES): Request[] {
  return cases.flatMap(({ f, images }) => [
    { op: "pack" as const, f, images },
    { op: "unpack" as const, f, bytes: packImages(f, images), count: images.length },
  ]);
}

function expectLikeReference(cases: typeof CASES, got: Answer[]): void {
  cases.forEach(({ f, images }, k) => {
    expect(got[2 * k]!.bytes, `case ${k} (${f.datatype})`).toEqual([...packImages(f, images)]);
    expect(got[2 * k + 1]!.values, `case ${k} (${f.datatype})`).toEqual(images);
  });
}

/** A reproducible uniform [0, 1) sequence. */
function lcg(seed: number): () => number {
  let state = seed;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/** Runs driver.<fn>(arg) of the generated driver under /usr/bin/python3; its result as JSON. */
function runPythonDriver(io: DriverIo, fn: string, arg: unknown): unknown {
  const dir = mkdtempSync(join(tmpdir(), "loom-pyq-"));
  writeFileSync(join(dir, "driver.py"), pythonDriver(io));
  writeFileSync(join(dir, "arg.json"), JSON.stringify(arg));
  const script = `
import json, sys
import numpy as np
sys.path.insert(0, ${JSON.stringify(dir)})
import driver
print(json.dumps(np.asarray(driver.${fn}(json.load(open(${JSON.stringify(join(dir, "arg.json"))}))), dtype=np.float64).tolist()))
`;
  return JSON.parse(execFileSync(PYTHON, ["-c", script], { encoding: "utf8", maxBuffer: 1 << 26 }));
}

/** A driver description around one stream format (the packers take the format as data). */
function ioWith(f: StreamFormat): DriverIo {
  return {
    name: "t",
    topName: "t_system",
    buildId: 1,
    clockMHz: 100,
    input: { ...f, elems: f.elemsPerBeat * f.beatsPerImage, shape: [f.elemsPerBeat * f.beatsPerImage] },
    output: { ...f, kind: "scores", elems: f.elemsPerBeat * f.beatsPerImage },
    registers: CONTROL_REGISTERS,
    weights: [],
  };
}

describe("generated drivers pack like the reference", () => {
  // The Python driver's float path (host steps + grid) against the TypeScript host quantizer the
  // importer and loom sim use, on real exported models of test/fixtures/onnx (BipolarQuant; the
  // Reshape/Mul/Sub/MultiThreshold/Add chain of FINN's TFC; a bare bipolar grid). qkeras_qdense_0
  // (a fixed-point grid, no steps) is left out: its import alone takes 5 s.
  it.skipIf(!hasNumpy)("Python driver.py quantizes float inputs like the host quantizer", () => {
    const fixtures: Array<[string, (r: number, i: number) => number]> = [
      ["brevitas_bnn_fc_1layer", (r) => (r < 0.1 ? 0 : r * 4 - 2)],
      ["finn_tfc_w2a2_debug", (r) => (r < 0.1 ? 0.25 * Math.floor(r * 50) : r)],
      ["finn_cybsec_mvau", (r) => (r < 0.5 ? -1 : 1)],
    ];
    const next = lcg(7);
    for (const [file, draw] of fixtures) {
      const { model, host } = importOnnx(new URL(`../fixtures/onnx/${file}.onnx`, import.meta.url).pathname);
      const n = host.input.shape.reduce((a, b) => a * b, 1);
      const samples = Array.from({ length: 20 }, () => Array.from({ length: n }, (_, i) => draw(next(), i)));
      // The quantizer io.json carries (hostInterface of the model's host sides; compiling TFC
      // takes 10 s, so the first fixture checks that io.json holds exactly this one).
      const quantizer = modelHostSides(model).input;
      if (file === "brevitas_bnn_fc_1layer")
        expect(driverIo(compileModel(model, { board: "zcu104" })).quantizer).toEqual(quantizer);
      const f = fmt("UINT8", 8, 1, 1);
      const io = { ...ioWith(f), quantizer, input: { ...f, elems: n, shape: host.input.shape } };
      const got = runPythonDriver(io, "quantize", samples) as number[][];
      expect(
        got.map((row) => row.map(BigInt)),
        file,
      ).toEqual(samples.map((x) => quantizeInput(host.input, x)));
    }
  });

  // Every head and tail op driver.py implements beyond the fixtures' (Transpose, Relu, Clip in
  // both opset forms; Softmax/LogSoftmax in both axis conventions, TopK indices, ArgMax) against
  // the TypeScript host evaluation the importer and loom sim use.
  it.skipIf(!hasNumpy)("Python driver.py runs the importer's other head and tail ops like the host", () => {
    const c = (dims: number[], data: number[]) => ({ dims, data });
    const step = (opType: string, inputs: HostStep["inputs"], attributes = {}, opset = 13, output = 0) =>
      ({ opType, name: `${opType}_${opset}`, attributes, inputs, output, opset }) as HostStep;
    const head: HostInput = {
      shape: [1, 2, 3],
      steps: [
        step("Transpose", ["x"], { perm: [0, 2, 1] }),
        step("Relu", ["x"]),
        step("Clip", ["x", c([], [0.25]), c([], [1.5])]),
        step("Clip", ["x"], { min: 0.5 }, 6),
        step("Quant", ["x", c([], [0.125]), c([], [0]), c([], [4])], {
          signed: 0,
          narrow: 0,
          rounding_mode: "ROUND",
        }),
      ],
      step: [0.125],
      offset: [0],
      min: 0,
      max: 15,
      bipolar: false,
      mode: "graph",
    };
    const tails: HostStep[][] = [
      [step("Softmax", ["x"])],
      [step("Softmax", ["x"], { axis: 1 }, 11)],
      [step("LogSoftmax", ["x"])],
      [step("TopK", ["x", c([1], [1])], { axis: -1 }, 11, 1)],
      [step("ArgMax", ["x"], { axis: 1, keepdims: 1 })],
      [step("ArgMax", ["x"], { axis: 1, keepdims: 0, select_last_index: 1 })],
    ];
    const next = lcg(11);
    const inputs = Array.from({ length: 20 }, () => Array.from({ length: 6 }, () => next() * 4 - 1));
    // Scores with ties, so the index ops' tie rules are exercised.
    const scores = Array.from({ length: 20 }, () =>
      Array.from({ length: 5 }, () => Math.floor(next() * 6) - 3),
    );
    const f = fmt("UINT4", 4, 1, 1);
    const base = { ...ioWith(f), input: { ...f, elems: 6, shape: head.shape } };
    const codes = runPythonDriver({ ...base, quantizer: head }, "quantize", inputs) as number[][];
    expect(codes.map((row) => row.map(BigInt))).toEqual(inputs.map((x) => quantizeInput(head, x)));
    for (const [k, tail] of [[], ...tails].entries()) {
      // A conv output's NHWC → graph reordering on the bare scores and two of the tails.
      const order = k % 3 === 0 ? [3, 0, 4, 1, 2] : undefined;
      const dequantizer: HostOutput = {
        scale: [0.5],
        offset: [0.25, 0, 0, 0, -0.5],
        from: "none",
        tail,
        order,
      };
      const got = runPythonDriver({ ...base, dequantizer }, "result", scores) as number[][];
      const want = scores.map((s) => hostResult(dequantizer, s));
      got.forEach((row, n) =>
        row.forEach((v, i) => expect(Math.abs(v - want[n]![i]!), `${tail[0]?.name} ${n}`).toBeLessThan(1e-6)),
      );
      expect(got.map((r) => r.length)).toEqual(want.map((r) => r.length));
    }
  });

  it.skipIf(!hasNumpy)("Python driver.py (numpy): same bytes, same unpacked values", () => {
    const got = runPython(ioWith(CASES[0]!.f), packRequests(CASES));
    expectLikeReference(CASES, got);
  });

  it.skipIf(!hasCc)("C loom_pack.c: same bytes, same unpacked values", () => {
    // The C driver holds values in int64_t: UINT64 is beyond it (the compiler's streams stay far below).
    const cases = CASES.filter(({ f }) => f.datatype !== "UINT64");
    expectLikeReference(cases, runC(ioWith(cases[0]!.f), packRequests(cases)));
  });
});
