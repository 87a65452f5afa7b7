// ONNX (QONNX / FINN) → Loom model. Each linear op becomes a dense layer with integer weights;
// the float ops after it (bias, batch-norm, ReLU, quantizer, ...) are evaluated with the
// executor's float32 op functions at chosen accumulator values and turned into thresholds by
// fitThresholds, so the integer model reproduces the chain on every accumulator in range.
// Float work before the first layer and the final output scale stay on the host (host.ts).

import { passedOnRange } from "../core/accumulator.js";
import { allows, type DataType, dataTypeName, parseDataType, smallestTypeFor } from "../core/datatypes.js";
import { MAX_BITS as MVAU_MAX_INPUT_BITS } from "../lib/mvau/params.js";
import { type DenseLayer, type Layer, type Model, modelSchema } from "../model/model-format.js";
import { attrInt, attrString } from "./attributes.js";
import { type GraphPath, graphPath, type Segment } from "./chain.js";
import type { ConvChain } from "./conv-chain.js";
import { type ConvFrame, checkPadCode, convPlan, NCHW_TO_NHWC, permuteColumns } from "./conv-layer.js";
import { OnnxError } from "./errors.js";
import { inputShape } from "./executor.js";
import { annotatedDatatype, nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { type CodeMap, codeOf, type Grid, normalizeGrid, QUANTIZER_OPS } from "./grid.js";
import { type HostInput, type HostOutput, type HostSpec, hostStep } from "./host.js";
import { fitLayerThresholds } from "./layer-thresholds.js";
import { canonicalOp } from "./op-names.js";
import { mvauIsPopcount } from "./ops.js";
import { padValue } from "./ops-conv.js";
import { readOnnx } from "./read.js";
import {
  affineOfSteps,
  linearSteps,
  nodeStep,
  outputGrid,
  quantInputAffine,
  runSteps,
  SHAPE_OPS,
  type Step,
} from "./steps.js";
import { f32, type Tensor } from "./tensor.js";
import { type LayerWeights, linearWeights } from "./weights.js";

type DenseFrame = Omit<DenseLayer, "weights" | "weightDatatype" | "activation">;

export { SUPPORTED_OPS } from "./op-names.js";

export interface ImportOptions {
  /** Signed fixed-point format of a float input that has no quantizer (default 16 bits, 6 integer bits incl. sign). */
  inputFixedPoint?: { bits: number; intBits: number };
  /** Model name (default: the file name). */
  name?: string;
}

export interface ImportResult {
  model: Model;
  host: HostSpec;
}

export function importOnnx(source: string | Uint8Array, opts: ImportOptions = {}): ImportResult {
  const where = typeof source === "string" ? source : "ONNX model";
  const graph = readOnnx(source, where);
  try {
    return convert(graph, where, opts);
  } catch (err) {
    if (err instanceof OnnxError) throw new OnnxError(`${where}: ${err.message}`);
    throw err;
  }
}

function convert(graph: OnnxGraph, where: string, opts: ImportOptions): ImportResult {
  const path = hostClampTail(graphPath(graph));
  const info = { consts: path.consts, producers: path.producers };
  const wantsBinary = (i: number) => {
    const next = path.layers[i]?.linear.node;
    return !!next && canonicalOp(next.opType) === "MVAU" && attrInt(next, "binaryXnorMode", 0) === 1;
  };
  // Each layer's frame and steps; a conv layer's chain also says how the next layer reads it.
  let before: ConvChain | "host" | "dense" = "host";
  const plans = path.layers.map((seg) => {
    const node = seg.linear.node;
    let w = linearWeights(graph, node, info);
    if (canonicalOp(node.opType) === "Conv") {
      const plan = convPlan(seg, path, before);
      before = plan.chain;
      return { seg, w, ...plan };
    }
    if (typeof before === "object") w = permuteColumns(w, before, node);
    before = "dense";
    const folding =
      canonicalOp(node.opType) === "MVAU"
        ? { pe: attrInt(node, "PE", 1), simd: attrInt(node, "SIMD", 1) }
        : undefined;
    const frame: DenseFrame = {
      name: node.name || `${node.opType}_${node.index}`,
      kind: "dense",
      inFeatures: w.mw,
      outFeatures: w.mh,
      ...(folding ? { folding } : {}),
    };
    const steps = [...linearSteps(node, path.consts), ...seg.chain.map((p) => nodeStep(p, path.consts))];
    return { seg, w, frame, steps, chain: undefined };
  });
  const first = plans[0]!;
  const firstConv = first.frame.kind === "conv" ? first.frame : undefined;
  const hostIn = hostInput(
    graph,
    path.host,
    path.consts,
    first.seg.linear.node,
    firstConv ? firstConv.inShape.reduce((a, b) => a * b, 1) : first.w.mw,
    wantsBinary(0),
    opts,
  );
  if (firstConv) hostIn.steps.push(NCHW_TO_NHWC);
  const lastPlan = plans[plans.length - 1]!;
  if (lastPlan.chain?.average) {
    throw new OnnxError(
      `${nodeLabel(lastPlan.seg.linear.node)}: a GlobalAveragePool must be followed by a dense layer (it folds into its weights)`,
    );
  }
  if (lastPlan.chain && path.tail.length > 0) {
    throw new OnnxError(
      `${nodeLabel(path.tail[0]!.node)}: host post-processing after a conv output layer is not supported`,
    );
  }
  let inMap: CodeMap = hostIn;
  const layers: Layer[] = [];
  let hostOut: Omit<HostOutput, "tail"> | undefined;
  let argmax = true;
  plans.forEach((plan, i) => {
    const last = i === plans.length - 1;
    const node = plan.seg.linear.node;
    if (plan.frame.kind === "conv") checkPadCode(plan.frame, inMap, node);
    const r = convertLayer(node, plan.steps, plan.frame, plan.w, inMap, last, wantsBinary(i + 1));
    layers.push(r.layer);
    if (r.outMap) inMap = r.outMap;
    if (last) {
      hostOut = plan.chain ? { ...r.host, order: [...plan.chain.layout.data] } : r.host;
      // A clamp on the host ties the clamped classes: the hardware arg-max would break the tie.
      // A conv output is a feature map, not class scores.
      argmax =
        !plan.chain && r.argmaxExact && !path.tail.some((p) => CLAMP_OPS.has(canonicalOp(p.node.opType)!));
    }
  });
  const shape = inputShape(graph);
  const mw = first.w.mw;
  const logical = firstConv
    ? [...firstConv.inShape]
    : shape[0] === 1 && shape.length > 1
      ? shape.slice(1)
      : shape;
  const host: HostSpec = {
    input: hostIn,
    output: { ...hostOut!, tail: path.tail.map((p) => hostStep(p, path.consts)) },
    graphInput: graph.inputs[0]!.name,
    graphOutput: graph.outputs[0]!.name,
  };
  const model = modelSchema.parse({
    format: "loom-qnn",
    version: 1,
    name:
      opts.name ??
      (where
        .split("/")
        .pop()!
        .replace(/\.onnx$/, "") ||
        "onnx-model"),
    description: `Imported from ${where} (${graph.producer || "unknown producer"})`,
    input: {
      shape: firstConv || logical.reduce((a, b) => a * b, 1) === mw ? logical : [mw],
      datatype: hostIn.bipolar
        ? "BIPOLAR"
        : dataTypeName(smallestTypeFor(BigInt(hostIn.min), BigInt(hostIn.max))),
      ...(hostIn.mode === "fixed-point" ? { scale: hostIn.step[0] } : {}),
      preprocess: { note: `host input quantizer (${hostIn.mode}): meta.onnxHost.input` },
    },
    layers,
    output: { argmax },
    meta: { importer: "loom onnx import", source: where, producer: graph.producer, onnxHost: host },
  });
  return { model, host };
}

const CLAMP_OPS = new Set(["Relu", "Clip"]);

/**
 * A last layer with no quantizer that ends in Relu or Clip (a regression head, or QKeras Dense →
 * ReLU as the output): the clamp and everything after it run on the host, after the affine scale.
 */
function hostClampTail(path: GraphPath): GraphPath {
  const last = path.layers[path.layers.length - 1]!;
  const ops = last.chain.map((p) => canonicalOp(p.node.opType)!);
  const at = ops.findIndex((op) => CLAMP_OPS.has(op));
  if (at < 0 || ops.some((op) => QUANTIZER_OPS.has(op))) return path;
  const layers = [...path.layers.slice(0, -1), { ...last, chain: last.chain.slice(0, at) }];
  return { ...path, layers, tail: [...last.chain.slice(at), ...path.tail] };
}

/** The host side of the input: float ops before the first layer, then value → code. */
function hostInput(
  graph: OnnxGraph,
  hostPath: Segment["chain"],
  consts: Map<string, Tensor>,
  first: OnnxNode,
  mw: number,
  binaryConsumer: boolean,
  opts: ImportOptions,
): HostInput {
  const steps = hostPath.map((p) => nodeStep(p, consts));
  const shape = inputShape(graph);
  const serial = hostPath.map((p) => hostStep(p, consts));
  // A Pad (before a conv) only moves values; after the quantizer its fill must be a code.
  const isPad = (s: Step) => canonicalOp(s.node.opType) === "Pad";
  const grid = outputGrid(
    steps.filter((s) => !isPad(s)),
    mw,
  );
  if (grid) {
    if (grid.min === undefined)
      throw new OnnxError(`the input quantizer ${nodeLabel(steps[0]!.node)} has no fixed range`);
    const map = normalizeGrid(grid, binaryConsumer);
    const quantAt = steps.findIndex((s) => QUANTIZER_OPS.has(canonicalOp(s.node.opType)!));
    for (const s of steps.slice(quantAt + 1).filter(isPad)) {
      const v = padValue(s.node, s.consts);
      const codes = map.step.map((_, c) => codeOf(map, v, c));
      if (!codes.every((k) => (map.bipolar ? k === 1 || k === -1 : k >= map.min && k <= map.max))) {
        throw new OnnxError(
          `${nodeLabel(s.node)}: pads with ${v}, which the input quantizer's grid has no code for`,
        );
      }
    }
    return {
      shape,
      steps: serial,
      ...map,
      step: compact(map.step),
      offset: compact(map.offset),
      mode: "graph",
    };
  }
  // No quantizer of its own: the host runs the float ops, and their result must lie on the
  // integer or fixed-point grid the first layer takes (`loom sim --round` rounds onto it).
  const declared =
    canonicalOp(first.opType) === "MVAU"
      ? attrString(first, "inputDataType", "")
      : (annotatedDatatype(graph, graph.inputs[0]!.name) ?? "");
  if (declared && declared !== "FLOAT32") {
    const dt = parseDataType(declared);
    if (binaryConsumer)
      return {
        shape,
        steps: serial,
        step: [0.5],
        offset: [0.5],
        min: -1,
        max: 1,
        bipolar: true,
        mode: "integer",
      };
    const bipolar = dt.kind === "BIPOLAR";
    return { shape, steps: serial, step: [1], offset: [0], ...range(dt), bipolar, mode: "integer" };
  }
  const fp = opts.inputFixedPoint ?? { bits: 16, intBits: 6 };
  if (!(fp.bits >= 2 && fp.bits <= 32 && fp.intBits >= 1 && fp.intBits <= fp.bits)) {
    throw new OnnxError(`inputFixedPoint ${JSON.stringify(fp)}: need 2 ≤ bits ≤ 32 and 1 ≤ intBits ≤ bits`);
  }
  const half = 2 ** (fp.bits - 1);
  return {
    shape,
    steps: serial,
    step: [2 ** -(fp.bits - fp.intBits)],
    offset: [0],
    min: -half,
    max: half - 1,
    bipolar: false,
    mode: "fixed-point",
    fixedPoint: fp,
  };
}

function range(dt: DataType): { min: number; max: number } {
  if (dt.kind === "BIPOLAR") return { min: -1, max: 1 };
  return dt.kind === "INT"
    ? { min: -(2 ** (dt.bits - 1)), max: 2 ** (dt.bits - 1) - 1 }
    : { min: 0, max: 2 ** dt.bits - 1 };
}

interface LayerResult {
  layer: Layer;
  outMap?: CodeMap;
  host: Omit<HostOutput, "tail">;
  argmaxExact: boolean;
}

/** The value entering the chain for accumulator acc on channel c: v = S_c·acc + K_c. */
function linearMap(node: OnnxNode, scales: number[], inMap: CodeMap, mw: number) {
  const isMvau = canonicalOp(node.opType) === "MVAU";
  const sameAll = (xs: number[], v: number) => xs.every((x) => x === v);
  if (isMvau && mvauIsPopcount(node)) {
    const xnor = attrInt(node, "binaryXnorMode", 0) === 1;
    const ok = inMap.bipolar && sameAll(inMap.step, xnor ? 0.5 : 1) && sameAll(inMap.offset, xnor ? 0.5 : 0);
    if (!ok) throw new OnnxError(`${nodeLabel(node)}: an XNOR layer needs ${xnor ? "0/1" : "±1"} inputs`);
    // FINN compares these layers' thresholds with popcount = (±1 sum + MW) / 2.
    return { S: scales.map(() => 0.5), K: scales.map(() => mw / 2), exactDouble: true };
  }
  const step = inMap.step[0]!;
  if (!sameAll(inMap.step, step) || !sameAll(inMap.offset, 0)) {
    throw new OnnxError(
      `${nodeLabel(node)}: its input is quantized per channel or with a non-integer offset ` +
        `(step ${inMap.step.slice(0, 4)}, offset ${inMap.offset.slice(0, 4)}); a layer input needs one scale and zero offset`,
    );
  }
  // MVAUs compute exact integers (no float32 rounding); MatMul/Gemm are float32.
  return { S: scales.map((s) => step * s), K: scales.map(() => 0), exactDouble: isMvau };
}

function convertLayer(
  node: OnnxNode,
  steps: Step[],
  frame: DenseFrame | ConvFrame,
  w: LayerWeights,
  inMap: CodeMap,
  last: boolean,
  binaryConsumer: boolean,
): LayerResult {
  const { S, K, exactDouble } = linearMap(node, w.scale, inMap, w.mw);
  const C = w.mh;
  const grid = outputGrid(steps, C);
  // Accumulator range of each row over the input codes.
  const lo: bigint[] = [];
  const hi: bigint[] = [];
  for (const row of w.codes) {
    let a = 0n;
    let b = 0n;
    for (const wv of row) {
      const p = [wv * inMap.min, wv * inMap.max];
      a += BigInt(Math.min(p[0]!, p[1]!));
      b += BigInt(Math.max(p[0]!, p[1]!));
    }
    lo.push(a);
    hi.push(b);
  }
  const value = (acc: bigint, c: number) => {
    const v = Number(acc) * S[c]! + K[c]!;
    return exactDouble ? v : f32(v);
  };
  const codes = w.codes.map((r) => [...r]);
  const finish = (activation: Layer["activation"]): Layer =>
    ({
      ...frame,
      weightDatatype: weightType(codes, w.declared),
      weights: codes,
      activation,
    }) as Layer;

  if (!grid) {
    const relu = last ? -1 : hiddenReluAt(steps);
    const { a, b } = affineOfSteps(relu < 0 ? steps : steps.slice(0, relu), C);
    const A = a.map((v, c) => v * S[c]!);
    const B = a.map((v, c) => v * K[c]! + b[c]!);
    if (!last) return unquantizedHidden(node, finish, A, B, lo, hi, relu >= 0);
    for (let c = 0; c < C; c++) {
      if (A[c]! < 0) {
        codes[c] = codes[c]!.map((x) => -x);
        A[c] = -A[c]!;
      }
    }
    // An offset that is a whole number of accumulator steps becomes the integer bias.
    const bias = B.map((v, c) => {
      const q = A[c]! === 0 ? 0 : v / A[c]!;
      return Math.abs(q - Math.round(q)) <= 1e-9 * Math.max(1, Math.abs(q)) ? Math.round(q) : 0;
    });
    const offset = B.map((v, c) => v - bias[c]! * A[c]!);
    const host: Omit<HostOutput, "tail"> = {
      scale: compact(A),
      offset: compact(offset.map(tidy)),
      from: "none",
    };
    return {
      layer: finish({ kind: "none", bias: compactInt(bias), scale: compact(A) }),
      host,
      argmaxExact: host.scale.length === 1 && host.offset.length === 1,
    };
  }

  // Quantized output: measure the code range if the quantizer does not declare it (Trunc).
  // The steps are element-wise: channel c of one run is channel c's function at accs[c].
  const outputsAt = (accs: readonly bigint[]): Float64Array =>
    runSteps(steps, { dims: [1, C], data: Float64Array.from(accs, (acc, c) => value(acc, c)) }).data;
  if (grid.min === undefined) {
    const qs: number[] = [];
    for (const accs of [lo, hi]) {
      const y = outputsAt(accs);
      for (let c = 0; c < C; c++) qs.push(Math.round((y[c]! - grid.beta[c]!) / grid.alpha[c]!));
    }
    grid.min = Math.min(...qs);
    grid.max = Math.max(...qs);
  }
  const map = normalizeGrid(grid, binaryConsumer);
  const codeOfOutput = (y: number, c: number) => {
    const k = codeOf(map, y, c);
    if (Number.isNaN(k))
      throw new OnnxError(`${nodeLabel(node)}: output ${y} of channel ${c} is off the quantizer grid`);
    return map.bipolar ? (k + 1) / 2 : k;
  };
  const [minCode, maxCode] = map.bipolar ? [0, 1] : [map.min, map.max];
  const fit = fitLayerThresholds(
    {
      lo,
      hi,
      minCode,
      maxCode,
      outputsAt,
      codeOf: codeOfOutput,
      guess: map.bipolar ? undefined : quantThresholdGuess(steps, grid, map, S, K),
    },
    (c, err) => new OnnxError(`${nodeLabel(node)} channel ${c}: ${err.message}`),
  );
  // Decreasing in the accumulator: negate the weight row so thresholds compare upwards.
  fit.falling.forEach((f, c) => {
    if (f) codes[c] = codes[c]!.map((x) => -x);
  });
  const thresholds = fit.thresholds;
  const outBias = fit.outBias;
  const outDatatype = map.bipolar
    ? "BIPOLAR"
    : dataTypeName(smallestTypeFor(BigInt(map.min), BigInt(map.max)));
  const activation: Layer["activation"] = {
    kind: "thresholds",
    outDatatype,
    outBias: map.bipolar ? 0 : outBias,
    thresholds: thresholds.map((row) => row.map(intValue)),
  };
  const host: Omit<HostOutput, "tail"> = {
    scale: compact(map.step),
    offset: compact(map.offset.map(tidy)),
    from: "thresholds",
  };
  return {
    layer: finish(activation),
    outMap: map,
    host,
    argmaxExact: host.scale.length === 1 && host.offset.length === 1,
  };
}

/**
 * Where a Relu with no quantizer after it ends a hidden layer's chain (−1: none). It becomes the
 * MVAU's clamp at zero, so only layout ops may follow it before the next layer.
 */
function hiddenReluAt(steps: Step[]): number {
  const at = steps.findIndex((s) => s.kind === "node" && canonicalOp(s.node.opType) === "Relu");
  if (at < 0) return -1;
  const after = steps
    .slice(at + 1)
    .find((s) => !(s.kind === "node" && SHAPE_OPS.has(canonicalOp(s.node.opType)!)));
  if (after) {
    throw new OnnxError(
      `${nodeLabel(after.node)}: ${after.node.opType} after a Relu with no quantizer between layers is not supported ` +
        "(the Relu becomes a clamp at zero on the exact integer; only layout ops may follow it, or add a quantizer)",
    );
  }
  return at;
}

/**
 * Closed-form threshold estimate of an affine chain into a Quant: the Quant's input is
 * w = A·acc + B in code units, and its code reaches Q once round(w) ≥ Q, i.e. w ≥ Q − δ with δ = ½
 * (round to nearest), 0 (floor) or 1 (ceil). The hardware code m is the Quant's code plus a
 * per-channel shift (affine ops after the Quant, normalizeGrid). Only an estimate: every
 * threshold is confirmed by evaluating the chain (fitLayerThresholds).
 */
function quantThresholdGuess(steps: Step[], grid: Grid, map: CodeMap, S: number[], K: number[]) {
  const C = S.length;
  const w = quantInputAffine(steps, C);
  if (!w) return undefined;
  const A = w.a.map((a, c) => a * S[c]!);
  const B = w.b.map((b, c) => w.a[c]! * K[c]! + b);
  const shift = A.map((_, c) => codeOf(map, grid.alpha[c]! * grid.min! + grid.beta[c]!, c) - grid.min!);
  const delta = (Q: number) => (w.round(Q - 0.75) >= Q ? 1 : w.round(Q - 0.25) >= Q ? 0.5 : 0);
  return (c: number, m: number, falling: boolean): number | undefined => {
    const slope = falling ? -A[c]! : A[c]!;
    const Q = m - shift[c]!;
    if (!(slope > 0) || !Number.isFinite(B[c]!) || Number.isNaN(Q)) return undefined;
    return Math.ceil((Q - delta(Q) - B[c]!) / slope);
  };
}

/**
 * A layer whose output feeds the next layer with no quantizer between (QKeras Dense → Dense,
 * FINN's noActivation MVAU): the value A·acc + B is passed on as the exact integer acc + bias,
 * which needs one positive scale A for all channels and B a whole number of steps A. A Relu
 * between (`relu`) clamps that integer at zero: Relu(A·(acc + bias)) = A·max(acc + bias, 0).
 */
function unquantizedHidden(
  node: OnnxNode,
  finish: (activation: Layer["activation"]) => Layer,
  A: number[],
  B: number[],
  lo: bigint[],
  hi: bigint[],
  relu: boolean,
): LayerResult {
  const step = A[0]!;
  if (!(step > 0) || A.some((v) => v !== step)) {
    throw new OnnxError(
      `${nodeLabel(node)}: its output feeds the next layer without a quantizer, so it must lie on one integer grid, ` +
        `but its scale per channel is ${compact(A).slice(0, 4).join(", ")} (needs one positive scale; add a quantizer)`,
    );
  }
  const bias = B.map((v) => Math.round(v / step));
  const off = B.findIndex((v, c) => Math.abs(v / step - bias[c]!) > 1e-9 * Math.max(1, Math.abs(bias[c]!)));
  if (off >= 0) {
    throw new OnnxError(
      `${nodeLabel(node)}: its output feeds the next layer without a quantizer, but the bias of channel ${off} ` +
        `(${B[off]}) is not a whole number of accumulator steps (${step}); quantize the bias or add a quantizer`,
    );
  }
  const rows = lo.map((l, c) => ({ lo: l, hi: hi[c]! }));
  const { lo: min, hi: max } = passedOnRange(rows, bias.map(BigInt), relu);
  const type = smallestTypeFor(min, max);
  if (type.bits > MVAU_MAX_INPUT_BITS) {
    throw new OnnxError(
      `${nodeLabel(node)}: its output feeds the next layer without a quantizer and spans ${min}..${max} ` +
        `(${dataTypeName(type)}), wider than the ${MVAU_MAX_INPUT_BITS} bits a layer input can have; add a quantizer (or narrow a fixed-point input: --input-fixed-point)`,
    );
  }
  return {
    layer: finish({ kind: "none", bias: compactInt(bias), scale: [step], ...(relu ? { relu } : {}) }),
    outMap: { step: [step], offset: [0], min: Number(min), max: Number(max), bipolar: false },
    host: { scale: [step], offset: [0], from: "none" },
    argmaxExact: true,
  };
}

/**
 * The declared weight datatype (quantizer, MVAU attribute or finn_datatype annotation) if every
 * code fits it and it is no wider than the codes need; otherwise the smallest type that holds
 * them: a declaration that disagrees with the values never sizes the hardware.
 */
function weightType(codes: number[][], declared: string | undefined): string {
  let lo = 0;
  let hi = 0;
  for (const row of codes) for (const v of row) [lo, hi] = [Math.min(lo, v), Math.max(hi, v)];
  const smallest = smallestTypeFor(BigInt(lo), BigInt(hi));
  if (declared) {
    try {
      const dt = parseDataType(declared);
      if (dt.bits <= smallest.bits && codes.every((row) => row.every((v) => allows(dt, v))))
        return dataTypeName(dt);
    } catch {
      // Not an integer datatype name (e.g. FLOAT32): fall through.
    }
  }
  return dataTypeName(smallest);
}

function intValue(v: bigint): number | string {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER)
    ? Number(v)
    : v.toString();
}

function compact(xs: number[]): number[] {
  return xs.every((x) => x === xs[0]) ? [xs[0]!] : xs;
}

function compactInt(xs: number[]): number | number[] {
  return xs.every((x) => x === xs[0]) ? xs[0]! : xs;
}

/** −0 → 0 so the JSON reads cleanly. */
function tidy(v: number): number {
  return v === 0 ? 0 : v;
}
