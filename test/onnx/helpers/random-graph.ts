// A fast-check generator of whole QONNX/FINN graphs mixing the patterns real exporters write:
// dynamic flatten (Shape → Gather → Unsqueeze → Concat → Reshape), static Reshape with 0/−1 or
// Flatten; symbolic or fixed batch; float host ops and an input Quant / MultiThreshold or no
// input quantizer; MatMul or Gemm with per-tensor or per-channel weight scales; BatchNorm on
// [N,C] or on [N,C,1] between Unsqueeze and Squeeze; Relu+Quant or FINN-style MultiThreshold on
// float values (with standard grids, or out_scale/out_bias and per-channel Muls that fold into the
// next layer), or no quantizer (with or without a Relu or Clip) between layers, also after a
// 16-bit fixed-point input (passed on wider than 16 bits); an affine or quantized last layer with
// Softmax/LogSoftmax/TopK/ArgMax or no tail; opsets 9–19 with the attribute-or-input forms of each. Scales are powers of two and inputs lie
// on a power-of-two grid, so float32 and exact arithmetic agree (no boundary inputs).
import fc from "fast-check";
import { type Attr, buildModel, type InitSpec, type NodeSpec, rng } from "./build.js";

const Q = "qonnx.custom_op.general";
const FINN = "finn.custom_op.general";

export interface LayerRecipe {
  out: number;
  gemm: boolean;
  bias: boolean;
  perChannel: boolean;
  bn: "none" | "nc" | "nc1";
  /**
   * "none": no quantizer before the next layer (the exact acc + bias is passed on); "relu": the
   * same through a Relu (clamped at zero); "clip": through a Clip (`clip` says which bounds).
   */
  act: "quant" | "multithreshold" | "none" | "relu" | "clip";
  /** Clip(min 0) with no maximum, Clip(0, k steps) (ReLU6-like), or Clip(−k, k′ steps). */
  clip?: "min0" | "relu6" | "both";
}

export interface GraphRecipe {
  opset: 9 | 11 | 13 | 17 | 19;
  symbolicBatch: boolean;
  inShape: [number, number];
  flatten: "view" | "reshape" | "flatten";
  head: { mul: boolean; add: boolean; clip: boolean };
  inQuant: "quant" | "multithreshold" | "none";
  layers: LayerRecipe[];
  last: "affine" | "quant";
  /** An affine last layer ending in Relu (runs on the host). */
  outRelu?: boolean;
  /**
   * MultiThresholds with out_scale/out_bias off the standard grid (negative scale, bias not a
   * whole number of steps) and a per-channel Mul after hidden ones: folded into the next layer.
   */
  oddGrids?: boolean;
  tail: "none" | "Softmax" | "LogSoftmax" | "TopK" | "ArgMax";
  seed: number;
}

const layerArb: fc.Arbitrary<LayerRecipe> = fc.record({
  out: fc.integer({ min: 2, max: 6 }),
  gemm: fc.boolean(),
  bias: fc.boolean(),
  perChannel: fc.boolean(),
  bn: fc.constantFrom("none", "nc", "nc1"),
  act: fc.constantFrom("quant", "multithreshold", "none", "relu", "clip"),
  clip: fc.constantFrom("min0", "relu6", "both"),
});

export const graphRecipe: fc.Arbitrary<GraphRecipe> = fc.record({
  opset: fc.constantFrom(9, 11, 13, 17, 19),
  symbolicBatch: fc.boolean(),
  inShape: fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 2, max: 4 })),
  flatten: fc.constantFrom("view", "reshape", "flatten"),
  head: fc.record({ mul: fc.boolean(), add: fc.boolean(), clip: fc.boolean() }),
  inQuant: fc.constantFrom("quant", "multithreshold", "none"),
  layers: fc.array(layerArb, { minLength: 1, maxLength: 3 }),
  last: fc.constantFrom("affine", "quant"),
  outRelu: fc.boolean(),
  oddGrids: fc.boolean(),
  tail: fc.constantFrom("none", "Softmax", "LogSoftmax", "TopK", "ArgMax"),
  seed: fc.integer({ min: 1, max: 1e6 }),
}) as fc.Arbitrary<GraphRecipe>;

export interface BuiltGraph {
  bytes: Uint8Array;
  inputLength: number;
  /** Draws one valid input (on the grid the graph's input quantizer or fixed-point format takes). */
  input: (r: () => number) => number[];
  /** Clips between layers and MultiThresholds on odd grids the graph holds (for coverage counts). */
  counts: { clips: number; oddGrids: number };
}

export function buildRecipe(g: GraphRecipe): BuiltGraph {
  const r = rng(g.seed);
  const counts = { clips: 0, oddGrids: 0 };
  const nodes: NodeSpec[] = [];
  const inits: Record<string, InitSpec> = {};
  let k = 0;
  const fresh = (p: string) => `${p}_${k++}`;
  const init = (t: InitSpec) => {
    const name = fresh("c");
    inits[name] = t;
    return name;
  };
  const scalar = (v: number) => init({ dims: [], data: [v] });
  const i64 = (data: number[], dims = [data.length]) => init({ dims, data, type: "int64" });
  const add = (op: string, inputs: string[], attrs?: Record<string, Attr>, domain?: string): string => {
    const output = fresh(op.toLowerCase());
    nodes.push({ op, inputs, output, attrs, domain, name: `/${op}_${k}` });
    return output;
  };
  const axesNode = (op: "Unsqueeze" | "Squeeze", x: string, axes: number[]) =>
    g.opset >= 13 ? add(op, [x, i64(axes)]) : add(op, [x], { axes });
  const quant = (x: string, scale: string, bits: number, signed: number, narrow = 0) =>
    add("Quant", [x, scale, scalar(0), scalar(bits)], { signed, narrow, rounding_mode: "ROUND" }, Q);

  const [a, b] = g.inShape;
  const I = a * b;
  // Flatten the [batch, a, b] input.
  let x = "x";
  if (g.flatten === "view") {
    const shape = add("Shape", ["x"]);
    const n = add("Gather", [shape, i64([0], [])], { axis: 0 });
    const u = axesNode("Unsqueeze", n, [0]);
    x = add("Reshape", ["x", add("Concat", [u, i64([-1])], { axis: 0 })]);
  } else if (g.flatten === "reshape") x = add("Reshape", ["x", i64([0, -1])]);
  else x = add("Flatten", ["x"], { axis: 1 });

  // Host head and input quantizer.
  const head = g.inQuant === "none" ? { mul: false, add: false, clip: false } : g.head;
  if (head.mul) x = add("Mul", [x, scalar(0.5)]);
  if (head.add) x = add("Add", [x, scalar(0.25)]);
  if (head.clip)
    x =
      g.opset >= 11
        ? add("Clip", [x, scalar(-3), scalar(3)])
        : add("Clip", [x], { min: { float: -3 }, max: { float: 3 } });
  if (g.inQuant === "quant") x = quant(x, scalar(0.125), 6, 1);
  const passesOn = (l: LayerRecipe | undefined) =>
    l !== undefined && ["none", "relu", "clip"].includes(l.act);
  // An odd grid folds into the next layer's constant, which a value passed on cannot take.
  const inOdd =
    g.oddGrids === true && g.inQuant === "multithreshold" && !(g.layers.length > 1 && passesOn(g.layers[0]));
  if (g.inQuant === "multithreshold")
    x = add(
      "MultiThreshold",
      [x, init({ dims: [1, 3], data: [-0.5, 0, 0.5] })],
      inOdd
        ? { out_dtype: "UINT2", out_scale: { float: -0.5 }, out_bias: { float: 0.25 } }
        : { out_dtype: "UINT2" },
      FINN,
    );

  let width = I;
  // Step of the values entering the next layer (the grid its accumulator lives on).
  let inStep = g.inQuant === "quant" ? 0.125 : g.inQuant === "multithreshold" ? (inOdd ? 0.5 : 1) : 2 ** -10;
  let oddBefore = inOdd;
  if (inOdd) counts.oddGrids++;
  g.layers.forEach((spec, i) => {
    const last = i === g.layers.length - 1;
    // Without a quantizer the next layer needs one integer grid: one scale, no batch-norm, and
    // an input on a grid without offset.
    const l =
      passesOn(spec) && !last
        ? oddBefore
          ? { ...spec, act: "quant" as const }
          : { ...spec, perChannel: false, bn: "none" as const }
        : spec;
    const oddHere = g.oddGrids === true && l.act === "multithreshold" && !last && !passesOn(g.layers[i + 1]);
    if (oddHere) counts.oddGrids++;
    const O = l.out;
    const scales = Array.from({ length: O }, (_, c) => (l.perChannel ? 2 ** -(c % 3) : 0.25));
    const codes = Array.from({ length: width * O }, () => Math.floor(r() * 7) - 3);
    // MatMul: W[k, o]; Gemm (transB): W[o, k].
    const wData = l.gemm
      ? Array.from({ length: O * width }, (_, j) => codes[j]! * scales[Math.floor(j / width)]!)
      : codes.map((v, j) => v * scales[j % O]!);
    const w = init({ dims: l.gemm ? [O, width] : [width, O], data: wData });
    const s = init({
      dims: l.perChannel ? (l.gemm ? [O, 1] : [1, O]) : [],
      data: l.perChannel ? scales : [0.25],
    });
    const wq = quant(w, s, 3, 1, 1);
    // An unquantized hidden output needs a bias on its accumulator grid (inStep · 0.25).
    const passOn = passesOn(l);
    const biasStep = passOn && !last ? inStep * 0.25 : 1 / 8;
    const bias = Array.from({ length: O }, () => (Math.floor(r() * 9) - 4) * biasStep);
    if (l.gemm) x = add("Gemm", l.bias ? [x, wq, init({ dims: [O], data: bias })] : [x, wq], { transB: 1 });
    else {
      x = add("MatMul", [x, wq]);
      if (l.bias) x = add("Add", [x, init({ dims: [O], data: bias })]);
    }
    if (l.bn !== "none") {
      const per = (f: () => number) => init({ dims: [O], data: Array.from({ length: O }, f) });
      if (l.bn === "nc1") x = axesNode("Unsqueeze", x, [2]);
      x = add(
        "BatchNormalization",
        [
          x,
          per(() => (r() < 0.3 ? -1 : 1) * (0.5 + r())),
          per(() => r() - 0.5),
          per(() => r() - 0.5),
          per(() => 0.5 + r()),
        ],
        { epsilon: { float: 1e-5 } },
      );
      if (l.bn === "nc1") x = axesNode("Squeeze", x, [2]);
    }
    if (last && g.last === "affine") {
      x = add("Mul", [x, init({ dims: [O], data: scales.map((v) => v * 0.75) })]);
      if (g.outRelu) x = add("Relu", [x]);
    } else if (l.act === "none") {
      // passed on unquantized
    } else if (l.act === "relu") {
      x = add("Relu", [x]);
    } else if (l.act === "clip") {
      // Bounds a few steps of the passed-on grid (inStep · 0.25) from 0, so they bind.
      const unit = inStep * 0.25;
      counts.clips++;
      const [lo, hi] =
        (l.clip ?? "min0") === "min0"
          ? [0, undefined]
          : l.clip === "relu6"
            ? [0, 6 * unit]
            : [-3 * unit, 5 * unit];
      if (g.opset >= 11) x = add("Clip", hi === undefined ? [x, scalar(lo)] : [x, scalar(lo), scalar(hi)]);
      else
        x = add(
          "Clip",
          [x],
          hi === undefined ? { min: { float: lo } } : { min: { float: lo }, max: { float: hi } },
        );
    } else if (l.act === "quant") {
      x = quant(add("Relu", [x]), scalar(0.25), 2 + (i % 2), 0);
    } else {
      const t = Array.from({ length: O }, () =>
        [r() * 2 - 1.5, r() - 0.2, r() * 2 + 0.5].sort((p, q) => p - q),
      );
      const attrs: Record<string, Attr> = oddHere
        ? { out_dtype: "UINT2", out_scale: { float: 1.5 }, out_bias: { float: -0.75 } }
        : { out_dtype: "UINT2" };
      x = add("MultiThreshold", [x, init({ dims: [O, 3], data: t.flat() })], attrs, FINN);
      // Per-channel steps in ratios 1 : 2 : 1/2 (and a sign): the next layer's weights take them.
      if (oddHere)
        x = add("Mul", [
          x,
          init({ dims: [O], data: Array.from({ length: O }, (_, c) => [1, -2, 0.5][c % 3]!) }),
        ]);
    }
    width = O;
    inStep = passOn ? inStep * 0.25 : l.act === "quant" ? 0.25 : 1;
    oddBefore = oddHere;
  });

  let outDims: (number | string)[] = [g.symbolicBatch ? "batch" : 1, width];
  let int64 = false;
  if (g.tail === "Softmax" || g.tail === "LogSoftmax") x = add(g.tail, [x], { axis: g.opset >= 13 ? -1 : 1 });
  if (g.tail === "ArgMax") {
    x = add("ArgMax", [x], { axis: 1, keepdims: 1 });
    [outDims, int64] = [[outDims[0]!, 1], true];
  }
  if (g.tail === "TopK") {
    const [values, indices] = [fresh("values"), fresh("indices")];
    nodes.push(
      g.opset >= 11
        ? {
            op: "TopK",
            inputs: [x, i64([1])],
            output: indices,
            outputs: [values, indices],
            attrs: { axis: -1 },
            name: "/TopK",
          }
        : {
            op: "TopK",
            inputs: [x],
            output: indices,
            outputs: [values, indices],
            attrs: { axis: -1, k: 1 },
            name: "/TopK",
          },
    );
    x = indices;
    [outDims, int64] = [[outDims[0]!, 1], true];
  }
  nodes.push({ op: "Identity", inputs: [x], output: "y" });
  const bytes = buildModel({
    nodes,
    inits,
    input: { name: "x", dims: [g.symbolicBatch ? "N" : 1, a, b] },
    output: { name: "y", dims: outDims, int64 },
    opset: g.opset,
    domains: [{ domain: Q, version: 1 }],
  });
  const step = g.inQuant === "none" ? 2 ** -10 : 1 / 64;
  return {
    bytes,
    inputLength: I,
    counts,
    input: (rr) => Array.from({ length: I }, () => Math.round((rr() * 8 - 4) / step) * step),
  };
}
