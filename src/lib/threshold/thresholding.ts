// A standalone multi-threshold unit over a stream of channels: each beat carries PE channel
// values (channel f·PE + lane in beat f of a pixel; NF = C/PE beats per pixel), each leaves as
// #{i : x ≥ T[c][i]} + outBias. Same structure as the MVAU's tail: a free-running pipeline
// whose issue stage takes a credit in the output queue, so backpressure never loses a beat.
// `parallel`: an input register (the thresholds read beside it), then one comparison register.
// `binary`: B binary-search stages, the first comparing the beat as it is accepted (after an
// input register only when that stage's tables are block RAM, whose read takes a cycle).

import {
  type DataType,
  dataTypeName,
  MAX_THRESHOLD_INPUT_BITS,
  maxValue,
  minValue,
} from "../../core/datatypes.js";
import {
  addressWidth,
  cat,
  connect,
  defineModule,
  ElaborationError,
  type Expr,
  input,
  instance,
  output,
  ports,
  reg,
  regNext,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { checkFold } from "../fold-check.js";
import { CreditQueue } from "../stream/credit-queue.js";
import {
  binarySearch,
  comparatorFor,
  type SearchInput,
  searchFor,
  searchTableStyle,
  thresholdSource,
  thresholdStage,
} from "./compare.js";
import { activationStages } from "./search.js";
import { type CheckedThresholds, checkThresholdSpec, type ThresholdSpec } from "./spec.js";

export interface ThresholdingParams extends ThresholdSpec {
  /** Optional prefix for the Verilog module name. */
  name?: string;
  /** Channels per pixel. */
  channels: number;
  /** Channels per beat; divides channels. */
  pe: number;
  /** Datatype of the incoming values (UINTn, INTn or BINARY; up to 32 bits). */
  inputType: DataType;
}

export interface ThresholdingShape {
  nf: number;
  inWidth: number;
  outWidth: number;
  outType: DataType;
  /** How the thresholds are searched (`auto` resolved). */
  search: "parallel" | "binary";
  /** Cycles from an input beat's transfer to its output beat's, with the output ready. */
  latency: number;
  pipelineDepth: number;
  queueDepth: number;
}

/** Checks the parameters and returns the stream widths and latency. */
export function thresholdingShape(p: ThresholdingParams): ThresholdingShape {
  checkFold("PE", p.pe, "channels", p.channels);
  if (p.inputType.kind === "BIPOLAR" || p.inputType.bits > MAX_THRESHOLD_INPUT_BITS) {
    const m = MAX_THRESHOLD_INPUT_BITS;
    throw new ElaborationError(
      `thresholding input datatype ${dataTypeName(p.inputType)} is not supported; use UINT1..UINT${m}, INT2..INT${m} or BINARY`,
    );
  }
  const spec = checkThresholdSpec(p, p.channels);
  const nf = p.channels / p.pe;
  const search = searchFor(spec, nf);
  // parallel: the input register (with the thresholds read beside it), then the comparisons.
  // binary: the B search stages, stage 0 comparing the input beat as it arrives, unless stage
  // 0's tables are block RAM: then the input register goes first (their read takes a cycle).
  const pipelineDepth =
    search === "parallel" ? 2 : activationStages(search, spec.count) + (inputRegister(p, spec, nf) ? 1 : 0);
  return {
    nf,
    search,
    inWidth: p.pe * p.inputType.bits,
    outWidth: p.pe * spec.outType.bits,
    outType: spec.outType,
    latency: pipelineDepth + 1,
    pipelineDepth,
    queueDepth: pipelineDepth + 3,
  };
}

/** The comparator of the input values: their datatype's range, thresholds clipped to it. */
function comparator(p: ThresholdingParams) {
  const range = { lo: minValue(p.inputType), hi: maxValue(p.inputType) };
  return { range, cmp: comparatorFor(p.inputType.kind === "INT", p.inputType.bits, range.lo, range.hi) };
}

/** A binary search registers the input beat first only for block-RAM tables at stage 0. */
function inputRegister(p: ThresholdingParams, spec: CheckedThresholds, nf: number): boolean {
  return searchTableStyle(spec, nf, comparator(p).cmp.width, 0) === "block";
}

const moduleName = (p: ThresholdingParams) =>
  `${p.name ?? "Thresholding"}_c${p.channels}_p${p.pe}_${dataTypeName(p.inputType)}_to${dataTypeName(p.outputType)}_n${p.thresholds[0]?.length ?? 0}${thresholdingShape(p).search === "binary" ? "_bsearch" : ""}`;

export const Thresholding = defineModule(moduleName, (p: ThresholdingParams) => {
  const shape = thresholdingShape(p);
  const spec = checkThresholdSpec(p, p.channels);
  const io = ports({ in: input(Stream(UInt(shape.inWidth))), out: output(Stream(UInt(shape.outWidth))) });
  const queue = instance("outputQueue", CreditQueue, { depth: shape.queueDepth, width: shape.outWidth });
  connect(io.out, queue.out);

  // Issue: a beat enters whenever the queue can take its result.
  io.in.ready.set(queue.canReserve);
  const issue = io.in.valid.and(queue.canReserve).named("issue");
  queue.reserve.set(issue);
  const fold = reg("fold", UInt(addressWidth(shape.nf)), { init: 0 }) as Signal;
  when(issue, () => {
    if (shape.nf === 1) fold.next(0);
    else when(fold.eq(shape.nf - 1), () => fold.next(0)).otherwise(() => fold.next(fold.add(1)));
  });

  const bits = p.inputType.bits;
  const signed = p.inputType.kind === "INT";
  const { range, cmp } = comparator(p);
  const beat = (l: number): Expr => {
    const v = io.in.data.bits((l + 1) * bits - 1, l * bits);
    return signed ? v.asSInt() : v;
  };
  // The input register of lane l (built only for lanes that compare at run time).
  const registered = (l: number): Expr => {
    const r = reg(`data_${l}`, UInt(bits)) as Signal;
    r.next(io.in.data.bits((l + 1) * bits - 1, l * bits));
    return signed ? r.asSInt() : r;
  };
  const valid1 = () => regNext("valid1", issue, 0);

  let outputs: Expr[];
  if (shape.search === "binary") {
    // The B search stages (after the input register when stage 0 reads block RAM); the last
    // stage's count is written into the queue.
    let fold1: Expr | undefined;
    const input: SearchInput = inputRegister(p, spec, shape.nf)
      ? {
          value: registered,
          valid: valid1(),
          fold: () => (fold1 ??= regNext("fold1", fold)),
          early: { fold: () => fold, enable: issue },
        }
      : { value: beat, valid: issue, fold: () => fold };
    const search = binarySearch("search", spec, p.pe, shape.nf, cmp, range, input);
    outputs = search.outputs;
    queue.enq.set(search.valid);
  } else {
    // Stage 1: the beat, and its channels' thresholds read beside it; stage 2: comparisons,
    // whose count is written into the queue.
    const v1 = valid1();
    const thresholds = thresholdSource("thresholds", spec, p.pe, shape.nf, cmp, range, () => fold, issue);
    outputs = Array.from({ length: p.pe }, (_, l) =>
      thresholdStage(`act_${l}`, () => registered(l), thresholds[l]!, cmp, spec, range),
    );
    queue.enq.set(regNext("valid2", v1, 0));
  }
  queue.enqData.set(cat(...[...outputs].reverse()));
  return io;
});
