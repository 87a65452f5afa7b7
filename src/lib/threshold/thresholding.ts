// A standalone multi-threshold unit over a stream of channels: each beat carries PE channel
// values (channel f·PE + lane in beat f of a pixel; NF = C/PE beats per pixel), each leaves as
// #{i : x ≥ T[c][i]} + outBias. Same structure as the MVAU's tail: a free-running pipeline
// (input register with the thresholds read beside it, comparison register) whose issue stage
// takes a credit in the output queue, so backpressure never loses a beat.
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
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { type DataType, dataTypeName, maxValue, minValue } from "../../nn/datatypes.js";
import { CreditQueue } from "../mvau/credit-queue.js";
import { checkFold } from "../mvau/params.js";
import { comparatorFor, thresholdSource, thresholdStage } from "./compare.js";
import { checkThresholdSpec, type ThresholdSpec } from "./spec.js";

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
  /** Cycles from an input beat's transfer to its output beat's, with the output ready. */
  latency: number;
  pipelineDepth: number;
  queueDepth: number;
}

/** Checks the parameters and returns the stream widths and latency. */
export function thresholdingShape(p: ThresholdingParams): ThresholdingShape {
  checkFold("PE", p.pe, "channels", p.channels);
  if (p.inputType.kind === "BIPOLAR" || p.inputType.bits > 32) {
    throw new ElaborationError(
      `thresholding input datatype ${dataTypeName(p.inputType)} is not supported; use UINT1..UINT32, INT2..INT32 or BINARY`,
    );
  }
  const spec = checkThresholdSpec(p, p.channels);
  const pipelineDepth = 2;
  return {
    nf: p.channels / p.pe,
    inWidth: p.pe * p.inputType.bits,
    outWidth: p.pe * spec.outType.bits,
    outType: spec.outType,
    latency: pipelineDepth + 1,
    pipelineDepth,
    queueDepth: pipelineDepth + 3,
  };
}

const moduleName = (p: ThresholdingParams) =>
  `${p.name ?? "Thresholding"}_c${p.channels}_p${p.pe}_${dataTypeName(p.inputType)}_to${dataTypeName(p.outputType)}_n${p.thresholds[0]?.length ?? 0}`;

export const Thresholding = defineModule(moduleName, (p: ThresholdingParams) => {
  const shape = thresholdingShape(p);
  const spec = checkThresholdSpec(p, p.channels);
  const io = ports({ in: input(Stream(UInt(shape.inWidth))), out: output(Stream(UInt(shape.outWidth))) });
  const queue = instance("outputQueue", CreditQueue, { depth: shape.queueDepth, width: shape.outWidth });
  connect(io.out, queue.out);

  // Issue: a beat enters whenever the queue can take its result.
  io.in.ready.set(queue.canReserve);
  const issue = io.in.valid.and(queue.canReserve);
  queue.reserve.set(issue);
  const fold = reg("fold", UInt(addressWidth(shape.nf)), { init: 0 }) as Signal;
  when(issue, () => {
    if (shape.nf === 1) fold.next(0);
    else when(fold.eq(shape.nf - 1), () => fold.next(0)).otherwise(() => fold.next(fold.add(1)));
  });

  // Stage 1: the beat (one register per lane, built only for lanes that compare at run time)
  // and its channels' thresholds.
  const valid1 = reg("valid1", UInt(1), { init: 0 }) as Signal;
  valid1.next(issue);
  const bits = p.inputType.bits;
  const signed = p.inputType.kind === "INT";
  const range = { lo: minValue(p.inputType), hi: maxValue(p.inputType) };
  const cmp = comparatorFor(signed, bits, range.lo, range.hi);
  const thresholds = thresholdSource("thresholds", spec, p.pe, shape.nf, cmp, range, () => fold, issue);
  const lane = (l: number) => () => {
    const r = reg(`data_${l}`, UInt(bits)) as Signal;
    r.next(io.in.data.bits((l + 1) * bits - 1, l * bits));
    return signed ? r.asSInt() : r;
  };

  // Stage 2: comparisons; their count is written into the queue.
  const outputs: Expr[] = Array.from({ length: p.pe }, (_, l) =>
    thresholdStage(`act_${l}`, lane(l), thresholds[l]!, cmp, spec, range),
  );
  const valid2 = reg("valid2", UInt(1), { init: 0 }) as Signal;
  valid2.next(valid1);
  queue.enq.set(valid2);
  queue.enqData.set(cat(...[...outputs].reverse()));
  return io;
});
