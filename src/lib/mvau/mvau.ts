// The matrix-vector-activation unit (FINN MVAU): a folded matrix-vector product with an optional
// multi-threshold activation, streaming SIMD input elements in and PE outputs out.
//
// The schedule is FINN mvau.hpp's one flat loop: for nf in 0..NF−1, for sf in 0..SF−1 one
// iteration per cycle, with the input vector buffered and replayed for every neuron fold. An
// iteration flows down a free-running pipeline with a valid bit:
//
//   issue ─► memories (input word, weight words) ─► products ─► adder tree (registered every
//   `treeLevelsPerStage` levels) ─► accumulator ─► [threshold compare, or B binary-search
//   stages] ─► output queue
//
// The pipeline never stalls; backpressure stops the issue stage instead (see lib/stream/credit-queue.ts).

import { dataTypeName, isSigned } from "../../core/datatypes.js";
import { type MemoryStyle, memoryStyle } from "../../core/memory-style.js";
import {
  cat,
  connect,
  defineModule,
  type Expr,
  input,
  instance,
  lit,
  mux,
  output,
  ports,
  reg,
  rom,
  SInt,
  type Signal,
  Stream,
  UInt,
  when,
} from "../../dsl/index.js";
import { counter, step } from "../counters.js";
import { CreditQueue } from "../stream/credit-queue.js";
import { binarySearch, comparatorFor, thresholdSource, thresholdStage } from "../threshold/compare.js";
import { checkThresholdSpec } from "../threshold/spec.js";
import { adderTree, cap, element, elementValue, lutProduct, product, productsSigned } from "./dot-product.js";
import { packedProducts } from "./dsp-packing.js";
import { MvauInputBuffer } from "./input-buffer.js";
import { weightWords } from "./layout.js";
import {
  channelBias,
  checkWeights,
  type MvauParams,
  type MvauShape,
  mvauShape,
  packingOf,
  possiblePacking,
} from "./params.js";
import { WeightRam, WeightRom, weightMemoryName } from "./weight-memory.js";

/** Where one PE's weight memory lives, by the project's one memory policy. */
export function weightStyle(p: MvauParams, depth: number, width: number): MemoryStyle {
  return memoryStyle({ use: "table", depth, width, choice: p.weightMemory, writable: p.runtimeWeights });
}

/** What the name and the body both need, computed once per parameter set. */
interface CheckedMvau {
  shape: MvauShape;
  weights: bigint[][];
}

function checkMvau(p: MvauParams): CheckedMvau {
  const weights = checkWeights(p);
  return { weights, shape: mvauShape(p, weights) };
}

function moduleName(p: MvauParams, { shape }: CheckedMvau): string {
  const act =
    p.activation.kind === "thresholds"
      ? `thr${dataTypeName(p.activation.outputType)}${shape.search === "binary" ? "_bsearch" : ""}`
      : `${p.activation.bias ? "bias" : "raw"}${p.activation.relu ? "_relu" : ""}`;
  const types = `${dataTypeName(p.inputType)}x${dataTypeName(p.weightType)}`;
  const unpacked = p.dspPacking === false && possiblePacking(p).fields > 1;
  const variant = `${unpacked ? "_nopack" : ""}${p.multipliers === "lut" ? "_lutmul" : ""}${p.runtimeWeights ? "_rtw" : ""}`;
  return `${p.name ?? "MVAU"}_mw${p.mw}_mh${p.mh}_s${p.simd}_p${p.pe}_${types}_${act}${variant}`;
}

/**
 * A register chain delaying `value` by `stages` cycles (stages = 0 returns the value); the
 * registers are `${name}_d1`, `${name}_d2`…, or with `firstSuffix` "" `${name}`, `${name}_d2`….
 */
function delay(name: string, value: Expr, stages: number, init?: number, firstSuffix = "_d1"): Expr {
  let v = value;
  for (let i = 1; i <= stages; i++) {
    const r = reg(
      i === 1 ? `${name}${firstSuffix}` : `${name}_d${i}`,
      v.signed ? SInt(v.width) : UInt(v.width),
      init === undefined ? {} : { init },
    ) as Signal;
    r.next(v);
    v = r;
  }
  return v;
}

export const Mvau = defineModule({ name: moduleName, validate: checkMvau, body: mvauBody });

function mvauBody(p: MvauParams, { shape, weights }: CheckedMvau) {
  const { sf, nf } = shape;
  const io = ports({
    in: input(Stream(UInt(shape.inWidth))),
    out: output(Stream(UInt(shape.outWidth))),
    ...(shape.weightLoad ? { weights: input(Stream(UInt(shape.weightLoad.width))) } : {}),
  });

  // Accumulator width: signed products accumulate in a signed register wide enough for the
  // exact range; a popcount and UINT × UINT sums are unsigned.
  const signed = productsSigned(p.inputType, p.weightType);
  const range = shape.accRange;
  const accWidth = signed && !isSigned(shape.accType) ? shape.accType.bits + 1 : shape.accType.bits;
  const accType = signed ? SInt(accWidth) : UInt(accWidth);

  const buffer = instance("inputBuffer", MvauInputBuffer, { sf, width: shape.inWidth });
  connect(buffer.in, io.in);
  const queue = instance("outputQueue", CreditQueue, { depth: shape.queueDepth, width: shape.outWidth });
  connect(io.out, queue.out);

  // ---- Issue: the flat loop over neuron folds × synapse folds --------------------------------
  const sfCount = counter("sf", sf - 1);
  const nfCount = counter("nf", nf - 1);
  const weightAddr = counter("weightAddr", nf * sf - 1);
  const lastSf = sfCount.eq(sf - 1).named("lastSf");
  const lastNf = nfCount.eq(nf - 1).named("lastNf");
  // Runtime weights: the memories, and whether a full set is in them (no load half done).
  const memWidth = p.simd * p.weightType.bits;
  const style = weightStyle(p, nf * sf, memWidth);
  const memories = weightMemories(p, moduleName(p, { shape, weights }), weights, io.weights, style);
  // An iteration needs its input word and the weights; a neuron fold's last iteration also
  // needs a free slot in the output queue for the beat it will produce.
  const issue = buffer.wordReady.and(memories.loaded).and(lastSf.not().or(queue.canReserve)).named("issue");
  const issueLastSf = issue.and(lastSf).named("issueLastSf");
  step(sfCount, sf - 1, issue);
  step(nfCount, nf - 1, issueLastSf);
  step(weightAddr, nf * sf - 1, issue);
  buffer.readSf.set(sfCount);
  buffer.readEnable.set(issue);
  buffer.releaseBank.set(issueLastSf.and(lastNf));
  queue.reserve.set(issueLastSf);

  // ---- Stage 1: input word and weight words arrive from the memories -------------------------
  const weightData = memories.read(weightAddr, issue);
  const valid1 = delay("valid", issue, 1, 0);
  const first1 = delay("first", sfCount.eq(0), 1);
  const last1 = delay("last", lastSf, 1);

  // ---- Stage 2: products, registered (twice in an instantiated DSP48E2) ---------------------
  // PEs are taken in groups that share one multiplier per lane when the products fit a DSP
  // slice together (dsp-packing.ts); a group of one is a plain product, or with the DSP48E2
  // primitive a group of one field (its product registers stay in the slice too).
  const packing = packingOf(p);
  const products: Expr[][] = weightData.map(() => []);
  for (let i = 0; i < p.simd; i++) {
    const x = element(buffer.readData, i, p.inputType.bits);
    for (let first = 0; first < p.pe; first += packing.fields) {
      const group = Array.from({ length: Math.min(packing.fields, p.pe - first) }, (_, j) => first + j);
      const ws = group.map((pe) => element(weightData[pe]!, i, p.weightType.bits));
      if (group.length === 1 && !packing.primitive) {
        const multiply = p.multipliers === "lut" ? lutProduct : product;
        const v = cap(multiply(x, ws[0]!, p.inputType, p.weightType), accWidth);
        products[first]!.push(delay(`product_${first}_${i}`, v, packing.stages, undefined, ""));
      } else {
        const values = packedProducts(
          group.length === 1 ? `product_${first}_${i}` : `product_${first}to${first + group.length - 1}_${i}`,
          elementValue(x, p.inputType),
          ws.map((w) => elementValue(w, p.weightType)),
          p.inputType,
          p.weightType,
          packing,
        );
        group.forEach((pe, j) => products[pe]!.push(signed ? values[j]! : values[j]!.asUInt()));
      }
    }
  }

  // ---- Adder tree, then the accumulator: a neuron fold's dot product is in `acc` the cycle
  // after its last iteration was added.
  const levelsPerStage = p.treeLevelsPerStage ?? 2;
  const sums = products.map((lanes, pe) => adderTree(`sum_${pe}`, lanes, accWidth, levelsPerStage));
  const toAcc = shape.productStages + shape.treeStages;
  const validA = delay("validA", valid1, toAcc, 0);
  const firstA = delay("firstA", first1, toAcc);
  const lastA = delay("lastA", last1, toAcc);
  // The neuron fold at the accumulator addresses per-channel memories; built only when used.
  let foldA: Expr | undefined;
  const nfA = () => (foldA ??= delay("fold", nfCount, 1 + toAcc));
  const accs = sums.map((sum, pe) => {
    const acc = reg(`acc_${pe}`, accType) as Signal;
    const base = mux(firstA, lit(0, accType), acc);
    when(validA, () => acc.next(base.add(sum)));
    return acc;
  });
  // Per-channel parameters are read alongside the last sum.
  const readFold = validA.and(lastA).named("readFold");
  const accDone = delay("accDone", readFold, 1, 0);

  // ---- Activation, into the output queue ----------------------------------------------------
  let outputs: Expr[];
  let enq: Expr;
  const act = p.activation;
  if (act.kind === "thresholds") {
    const spec = checkThresholdSpec(act, p.mh);
    const cmp = comparatorFor(signed, accWidth, range.lo, range.hi);
    if (shape.search === "binary") {
      // Stage 0 is the finished accumulator; a block-RAM table's first read goes out beside the
      // last sum.
      let foldS: Expr | undefined;
      const search = binarySearch("search", spec, p.pe, nf, cmp, range, {
        value: (pe) => accs[pe]!,
        valid: accDone,
        fold: () => (foldS ??= delay("foldS", nfA(), 1)),
        early: { fold: nfA, enable: readFold },
      });
      outputs = search.outputs;
      enq = search.valid;
    } else {
      const thresholds = thresholdSource("thresholds", spec, p.pe, nf, cmp, range, nfA, readFold);
      outputs = accs.map((acc, pe) =>
        thresholdStage(`act_${pe}`, () => acc, thresholds[pe]!, cmp, spec, range),
      );
      enq = delay("actDone", accDone, 1, 0);
    }
  } else {
    const outW = shape.outElementBits;
    const bias = channelBias(p);
    const sums: Expr[] = bias ? addBias(accs, bias, p.pe, nf, outW, nfA, readFold) : accs;
    const passed = act.relu ? sums.map((v, pe) => clampAtZero(`relu_${pe}`, v)) : sums;
    outputs = passed.map((v) => v.trunc(outW).asUInt());
    enq = accDone;
  }
  queue.enq.set(enq);
  queue.enqData.set(cat(...[...outputs].reverse()));
  return io;
}

interface WeightMemories {
  /** True when every memory holds a complete set of weights. */
  loaded: Expr;
  /** Each PE's word at `addr`, one cycle after `enable`. */
  read(addr: Expr, enable: Expr): Expr[];
}

/**
 * One memory per PE, in FINN's layout (layout.ts), each a module of its own (weight-memory.ts).
 * From the bitstream: ROMs holding `weights`.
 * Runtime-writable: RAMs without contents, written by the `weights` stream, one beat per
 * address in order 0 … NF·SF − 1 with PE p's word at bits [(p+1)·SIMD·W − 1 : p·SIMD·W] (the
 * words `weightWords` gives, so the host packs a beat exactly as the ROMs would be filled). The
 * port is always ready; the MVAU waits from the first beat of a load until its last, and from
 * reset until one full load. A load while vectors are in flight changes their weights part way:
 * load between batches.
 */
function weightMemories(
  p: MvauParams,
  mvau: string,
  weights: bigint[][],
  load: { valid: Expr; ready: Signal; data: Expr } | undefined,
  style: MemoryStyle,
): WeightMemories {
  const depth = (p.mw / p.simd) * (p.mh / p.pe);
  const width = p.simd * p.weightType.bits;
  const reader =
    (m: { readAddr: Signal; readEnable: Signal; readData: Signal }) => (addr: Expr, enable: Expr) => {
      m.readAddr.set(addr);
      m.readEnable.set(enable);
      return m.readData;
    };
  if (!load) {
    const roms = weightWords(weights, p.simd, p.pe, p.weightType).map((words, pe) =>
      reader(instance(`weights_${pe}`, WeightRom, { name: weightMemoryName(mvau, pe), width, style, words })),
    );
    return { loaded: lit(1, UInt(1)), read: (addr, enable) => roms.map((r) => r(addr, enable)) };
  }
  load.ready.set(1);
  const loadAddr = counter("loadAddr", depth - 1);
  const loaded = reg("weightsLoaded", UInt(1), { init: 0 }) as Signal;
  step(loadAddr, depth - 1, load.valid);
  when(load.valid, () => loaded.next(loadAddr.eq(depth - 1)));
  const rams = Array.from({ length: p.pe }, (_, pe) => {
    const m = instance(`weights_${pe}`, WeightRam, { name: weightMemoryName(mvau, pe), width, depth, style });
    m.writeAddr.set(loadAddr);
    m.writeData.set(load.data.bits((pe + 1) * width - 1, pe * width));
    m.writeEnable.set(load.valid);
    return reader(m);
  });
  return { loaded, read: (addr, enable) => rams.map((r) => r(addr, enable)) };
}

/**
 * max(v, 0) for a ReLU with no quantizer after it: the sign bit selects zero. Unsigned values
 * pass unchanged. Feeds the output queue's write like the unclamped value, so no stage is added.
 */
function clampAtZero(name: string, v: Expr): Expr {
  if (!v.signed) return v;
  return mux(v.bit(v.width - 1), lit(0, SInt(v.width)), v).named(name);
}

/**
 * acc + bias[channel] for `none` activation, in a signed width that holds any accumulator and
 * bias; the exact output range fits outW bits, so its low bits are the output's pattern.
 */
function addBias(
  accs: Signal[],
  bias: bigint[],
  pe: number,
  nf: number,
  outW: number,
  fold: () => Expr,
  read: Expr,
): Expr[] {
  const biasBits = Math.max(...bias.map((b) => (b < 0n ? -b : b).toString(2).length)) + 1;
  const w = Math.max(accs[0]!.width + 1, biasBits, outW) + 1;
  const t = SInt(w);
  return accs.map((acc, lane) => {
    const of = (f: number) => bias[f * pe + lane]!;
    let b: Expr;
    if (nf === 1 || bias.every((v) => v === bias[0])) b = lit(of(0), t);
    else {
      const words = Array.from({ length: nf }, (_, f) => BigInt.asUintN(w, of(f)));
      b = rom(`bias_${lane}`, UInt(w), words).read(fold(), read).asSInt();
    }
    const a = acc.signed ? acc.pad(w) : acc.toSInt().pad(w);
    return a.add(b).trunc(w);
  });
}
