// Generated conv → dense graphs (random channels, image sizes, rectangular kernels, strides,
// explicit or automatic padding, batch norm with either sign, a max-pool after the quantizer or
// before the ReLU, NCHW or NHWC flattening) through import and Loom's golden model against the
// reference executor.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { importOnnx } from "../../src/onnx/import.js";
import { readOnnx } from "../../src/onnx/read.js";
import { type Attr, buildModel, type InitSpec, type NodeSpec, rng } from "./helpers/build.js";
import { expectSameOutputs } from "./helpers/compare.js";

const Q = "qonnx.custom_op.general";

const recipe = fc.record({
  c: fc.integer({ min: 1, max: 3 }),
  oc: fc.integer({ min: 1, max: 4 }),
  h: fc.integer({ min: 4, max: 8 }),
  w: fc.integer({ min: 4, max: 8 }),
  kernel: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 })),
  stride: fc.tuple(fc.integer({ min: 1, max: 2 }), fc.integer({ min: 1, max: 2 })),
  padding: fc.oneof(
    fc.tuple(fc.nat(1), fc.nat(1), fc.nat(1), fc.nat(1)),
    fc.constantFrom("SAME_UPPER", "SAME_LOWER", "VALID"),
  ),
  bn: fc.boolean(),
  pool: fc.constantFrom("none", "after-quant", "before-relu"),
  poolWindow: fc.constantFrom([2, 2], [3, 2], [2, 1]),
  nhwcFlatten: fc.boolean(),
  classes: fc.integer({ min: 2, max: 4 }),
  seed: fc.nat(1000),
});
type Recipe = typeof recipe extends fc.Arbitrary<infer T> ? T : never;

/** Output size along one axis, from the ONNX formulas (written here independently of the importer). */
function convOut(r: Recipe, axis: 0 | 1): number {
  const n = axis === 0 ? r.h : r.w;
  const [k, s] = [r.kernel[axis], r.stride[axis]];
  if (r.padding === "SAME_UPPER" || r.padding === "SAME_LOWER") return Math.ceil(n / s);
  const pads = r.padding === "VALID" ? 0 : r.padding[axis] + r.padding[axis + 2]!;
  return Math.floor((n + pads - k) / s) + 1;
}

function build(r: Recipe): { bytes: Uint8Array; pixels: number } | undefined {
  const [oh, ow] = [convOut(r, 0), convOut(r, 1)];
  const [pk, ps] = r.poolWindow as [number, number];
  const pooled =
    r.pool === "none" ? [oh, ow] : [oh, ow].map((n) => (n < pk ? 0 : Math.floor((n - pk) / ps) + 1));
  if (oh < 1 || ow < 1 || pooled.some((n) => n < 1)) return undefined;
  const g = rng(r.seed);
  const codes = (n: number) => Array.from({ length: n }, () => Math.round(g() * 14 - 7));
  const pow2 = (n: number) => Array.from({ length: n }, () => 2 ** -Math.floor(g() * 3 + 2));
  const features = r.oc * pooled[0]! * pooled[1]!;
  const wScale = pow2(r.oc);
  const w1 = codes(r.oc * r.c * r.kernel[0] * r.kernel[1]);
  const per = r.c * r.kernel[0] * r.kernel[1];
  const inits: Record<string, InitSpec> = {
    s_in: { dims: [], data: [1 / 16] },
    s_act: { dims: [], data: [0.5] },
    s_w2: { dims: [], data: [0.125] },
    z: { dims: [], data: [0] },
    b8: { dims: [], data: [8] },
    b4: { dims: [], data: [4] },
    b3: { dims: [], data: [3] },
    w1: { dims: [r.oc, r.c, ...r.kernel], data: w1.map((v, i) => v * wScale[Math.floor(i / per)]!) },
    s_w1: { dims: [r.oc, 1, 1, 1], data: wScale },
    bias: { dims: [r.oc], data: codes(r.oc).map((v) => v / 16) },
    gamma: { dims: [r.oc], data: codes(r.oc).map((v) => (v === 0 ? 1 : v / 4)) },
    beta: { dims: [r.oc], data: codes(r.oc).map((v) => v / 8) },
    mean: { dims: [r.oc], data: codes(r.oc).map((v) => v / 8) },
    var: { dims: [r.oc], data: codes(r.oc).map((v) => 0.5 + Math.abs(v) / 8) },
    w2: { dims: [r.classes, features], data: codes(r.classes * features).map((v) => v / 8) },
    nhwc_shape: { dims: [2], data: [1, -1], type: "int64" },
  };
  const quant = (x: string, s: string, bits: string, y: string, signed = 1): NodeSpec => ({
    op: "Quant",
    inputs: [x, s, "z", bits],
    output: y,
    domain: Q,
    attrs: { signed, narrow: signed },
  });
  const padAttrs: Record<string, Attr> =
    typeof r.padding === "string" ? { auto_pad: r.padding } : { pads: [...r.padding] };
  const pool = (x: string, y: string): NodeSpec => ({
    op: "MaxPool",
    inputs: [x],
    output: y,
    attrs: { kernel_shape: [pk, pk], strides: [ps, ps] },
  });
  const nodes: NodeSpec[] = [
    quant("x", "s_in", "b8", "xq"),
    quant("w1", "s_w1", "b8", "w1q"),
    quant("bias", "s_in", "b8", "biasq"),
    {
      op: "Conv",
      inputs: ["xq", "w1q", "biasq"],
      output: "c",
      attrs: { kernel_shape: [...r.kernel], strides: [...r.stride], ...padAttrs },
    },
  ];
  let t = "c";
  const then = (n: NodeSpec) => {
    nodes.push(n);
    t = n.output;
  };
  if (r.bn) then({ op: "BatchNormalization", inputs: [t, "gamma", "beta", "mean", "var"], output: "bn" });
  if (r.pool === "before-relu") then(pool(t, "p0"));
  then({ op: "Relu", inputs: [t], output: "relu" });
  then(quant(t, "s_act", "b3", "act", 0));
  if (r.pool === "after-quant") then(pool(t, "p1"));
  if (r.nhwcFlatten) {
    then({ op: "Transpose", inputs: [t], output: "nhwc", attrs: { perm: [0, 2, 3, 1] } });
    then({ op: "Reshape", inputs: [t, "nhwc_shape"], output: "flat" });
  } else then({ op: "Flatten", inputs: [t], output: "flat" });
  nodes.push(quant("w2", "s_w2", "b4", "w2q"), {
    op: "Gemm",
    inputs: [t, "w2q"],
    output: "y",
    attrs: { transB: 1 },
  });
  const bytes = buildModel({
    nodes,
    inits,
    input: { name: "x", dims: [1, r.c, r.h, r.w] },
    output: { name: "y", dims: [1, r.classes] },
    domains: [{ domain: Q, version: 1 }],
  });
  return { bytes, pixels: r.c * r.h * r.w };
}

describe("generated conv → dense graphs", () => {
  it("import, and the golden model reproduces the executor", () => {
    let graphs = 0;
    let pools = 0;
    fc.assert(
      fc.property(recipe, (r) => {
        const built = build(r);
        if (!built) return;
        const { model, host } = importOnnx(built.bytes, { name: "generated-conv" });
        const conv = model.layers[0]!;
        expect(conv.kind).toBe("conv");
        if (conv.kind === "conv" && conv.pool) pools++;
        const graph = readOnnx(built.bytes);
        const g = rng(r.seed + 1);
        for (let s = 0; s < 4; s++) {
          const x = Array.from({ length: built.pixels }, () => g() * 12 - 6);
          expect(expectSameOutputs(graph, model, host, x)).toBe("checked");
        }
        graphs++;
      }),
      { numRuns: 120, seed: 19 },
    );
    expect(graphs).toBeGreaterThan(80);
    expect(pools).toBeGreaterThan(30);
  });
});
