// MVAU generator parameters, their checks, and the shape the network compiler needs (stream
// widths, accumulator type, latency) computed without elaborating any hardware.

import { denseAccumulator, passedOnRange, type Range } from "../../core/accumulator.js";
import { type DataType, dataTypeName, maxValue, minValue, smallestTypeFor } from "../../core/datatypes.js";
import { placementProblem } from "../../core/memory-style.js";
import { ElaborationError } from "../../dsl/index.js";
import { checkFold } from "../fold-check.js";
import { activationStages, resolveSearch } from "../threshold/search.js";
import { checkThresholdSpec, type ThresholdSpec } from "../threshold/spec.js";
import { type DspPacking, type DspPorts, dspPacking, NO_PACKING } from "./dsp-packing.js";

/**
 * Where the weights live: `auto` picks block RAM for large per-PE memories, LUTs otherwise;
 * `ultra` (UltraRAM) needs `runtimeWeights` (src/core/memory-style.ts decides for all memories).
 */
export type WeightMemoryStyle = "auto" | "block" | "distributed" | "ultra";

/**
 * How the products are computed: `dsp` writes them as multiplications, which synthesis maps to
 * DSP slices when wide enough (with DSP packing, dsp-packing.ts); `lut` builds each product from
 * shifted, added copies of one operand, so it always stays in LUTs and carry chains.
 */
export type MultiplierStyle = "dsp" | "lut";

/** The activation after the dot product. */
export type MvauActivation =
  | ({ kind: "thresholds" } & ThresholdSpec)
  | {
      kind: "none";
      /** Optional integer added to each output channel (length MH, or 1 for all channels). */
      bias?: readonly (number | bigint)[];
      /** Clamp acc + bias at zero (a ReLU with no quantizer after it): an unsigned output. */
      relu?: boolean;
    };

export interface MvauParams {
  /** Optional prefix for the Verilog module name (e.g. the layer's name). */
  name?: string;
  /** Input vector length (matrix width). */
  mw: number;
  /** Output channels (matrix height). */
  mh: number;
  /** Input elements per cycle; divides mw. */
  simd: number;
  /** Output channels computed in parallel; divides mh. */
  pe: number;
  inputType: DataType;
  weightType: DataType;
  /** MH × MW integer matrix: row r is output channel r. */
  weights: readonly (readonly (number | bigint)[])[];
  activation: MvauActivation;
  /** Force the weight memories into block RAM, LUTs or UltraRAM (default auto). */
  weightMemory?: WeightMemoryStyle;
  /**
   * Runtime-writable weights (FINN's decoupled mode): the weight memories are RAMs without
   * contents from the bitstream, filled through the `weights` stream port (`weightLoad` in the
   * shape). `weights` still gives the matrix for checks and the accumulator's range: the
   * hardware is sized for its worst case over the weight datatype (see mvauShape).
   */
  runtimeWeights?: boolean;
  /** Products in DSP slices (default) or in LUTs. */
  multipliers?: MultiplierStyle;
  /** Adder-tree levels between pipeline registers (default 2). */
  treeLevelsPerStage?: number;
  /**
   * Share one DSP multiplier between PEs when their products fit it together (default true;
   * see dsp-packing.ts). Results are identical either way.
   */
  dspPacking?: boolean;
  /** The target's DSP multiplier, which decides how many products fit one (default DSP48E2). */
  dspPorts?: DspPorts;
}

/** Everything the compiler needs to wire an MVAU into a network, derived from the parameters. */
export interface MvauShape {
  sf: number;
  nf: number;
  /** `in_data` width: SIMD packed input elements. */
  inWidth: number;
  /** `out_data` width: PE packed output values. */
  outWidth: number;
  /** Bits of one output element. */
  outElementBits: number;
  /** Datatype of one output element (the activation's output, or the raw accumulator + bias). */
  outType: DataType;
  /** Datatype that holds every accumulator value (popcount form for XNOR layers). */
  accType: DataType;
  /** The accumulator's range (popcount form for XNOR layers); `denseAccumulator` computes both. */
  accRange: Range;
  /** True when the dot product is popcount(xnor(x, w)). */
  xnor: boolean;
  /** Cycles per input vector at full rate: NF·SF. */
  cyclesPerVector: number;
  /**
   * Cycles from the first input beat's transfer to the first output beat's transfer with the
   * input always valid and the output always ready (SF − 1 of them wait for the rest of the
   * first neuron fold's input). Back-to-back vectors then follow every NF·SF cycles: the last
   * output beat of V vectors leaves `latency + V·NF·SF − SF` cycles after the first input beat.
   */
  latency: number;
  /** Pipeline registers between the issue of an iteration and the output queue's write. */
  pipelineDepth: number;
  /** Output queue depth (outputs that can be in flight without a bubble). */
  queueDepth: number;
  /** Register stages of the products (DspPacking.stages: 2 in an instantiated DSP48E2). */
  productStages: number;
  /** Adder-tree register stages. */
  treeStages: number;
  /** How the thresholds are searched (`auto` resolved); undefined without thresholds. */
  search?: "parallel" | "binary";
  /**
   * With runtime weights: the `weights` stream's beat width (PE × SIMD × weight bits, PE 0's
   * word in the low bits) and the beats of one full load (NF·SF, address order).
   */
  weightLoad?: { width: number; beats: number };
}

/**
 * Widest input operand an MVAU takes, and so the widest value passed between layers without a
 * quantizer (FINN's MVAU with no activation, QKeras Dense → Dense). Nothing in the datapath is
 * sized for 16: the products are exact multiplications of any width (a DSP slice takes an 18-bit
 * operand; a wider input costs more slices or stays in LUTs, see dsp-packing.ts and the
 * estimate), so the limit is the widest integer the host streams per element.
 */
export const MAX_INPUT_BITS = 32;
/** Widest weight operand (quantized weights are 1–8 bits in practice). */
export const MAX_WEIGHT_BITS = 16;

const supported = (bits: number) => `UINT1..UINT${bits}, INT2..INT${bits}, BINARY or BIPOLAR`;

function fail(detail: string): never {
  throw new ElaborationError(detail);
}

export function checkElementType(role: string, dt: DataType, maxBits: number): void {
  const ok = dt.kind === "BIPOLAR" || dt.kind === "BINARY" || (dt.bits >= 1 && dt.bits <= maxBits);
  if (!ok) fail(`${role} datatype ${dataTypeName(dt)} is not supported; use ${supported(maxBits)}`);
}

/** Weights as bigints, checked against the shape and the weight datatype. */
export function checkWeights(p: MvauParams): bigint[][] {
  const wMin = minValue(p.weightType);
  const wMax = maxValue(p.weightType);
  if (p.weights.length !== p.mh)
    fail(`weights have ${p.weights.length} rows; MH=${p.mh} rows (one per output channel) are needed`);
  return p.weights.map((row, r) => {
    if (row.length !== p.mw) fail(`weights row ${r} has ${row.length} values; MW=${p.mw} are needed`);
    return row.map((v, i) => {
      const b = BigInt(v);
      if (b < wMin || b > wMax || (p.weightType.kind === "BIPOLAR" && b === 0n)) {
        fail(
          `weight [${r}][${i}] = ${b} does not fit ${dataTypeName(p.weightType)} (${minValue(p.weightType)}..${maxValue(p.weightType)})`,
        );
      }
      return b;
    });
  });
}

/** Bias values per output channel for `none` activation (zeros when absent). */
export function channelBias(p: MvauParams): bigint[] | undefined {
  if (p.activation.kind !== "none" || !p.activation.bias) return undefined;
  const b = p.activation.bias.map((v) => BigInt(v));
  if (b.length === 1) return Array.from({ length: p.mh }, () => b[0]!);
  if (b.length !== p.mh)
    fail(`bias has ${b.length} values; give MH=${p.mh} (one per channel) or 1 (for all)`);
  return b;
}

/** How the PEs could share multipliers (NO_PACKING for a single PE or LUT multipliers). */
export function possiblePacking(
  p: Pick<MvauParams, "pe" | "multipliers" | "inputType" | "weightType" | "dspPorts">,
): DspPacking {
  return p.pe < 2 || p.multipliers === "lut" ? NO_PACKING : dspPacking(p.inputType, p.weightType, p.dspPorts);
}

/** Products per shared multiplier: packed unless turned off (`dspPacking: false`). */
export function packingOf(
  p: Pick<MvauParams, "pe" | "multipliers" | "inputType" | "weightType" | "dspPorts" | "dspPacking">,
): DspPacking {
  return p.dspPacking === false ? NO_PACKING : possiblePacking(p);
}

/** Pipeline structure, shared by the shape helper and the generator so both agree. */
export function pipelinePlan(simd: number, treeLevelsPerStage = 2) {
  if (!Number.isInteger(treeLevelsPerStage) || treeLevelsPerStage < 1) {
    fail(`treeLevelsPerStage must be a positive integer, got ${treeLevelsPerStage}`);
  }
  const levels = Math.ceil(Math.log2(simd));
  const treeStages = Math.ceil(levels / treeLevelsPerStage);
  return { levels, treeStages };
}

/**
 * Checks the parameters and computes the stream widths, accumulator type and latency. The
 * network compiler calls this to size the streams between layers; weights are optional here
 * (the worst case of the datatypes is used without them), the generator always has them.
 */
export function mvauShape(
  p: Omit<MvauParams, "weights"> & { weights?: MvauParams["weights"] },
  /** `checkWeights(p)`, when the caller already has it. */
  checked?: bigint[][],
): MvauShape {
  checkFold("SIMD", p.simd, "MW", p.mw);
  checkFold("PE", p.pe, "MH", p.mh);
  checkElementType("input", p.inputType, MAX_INPUT_BITS);
  checkElementType("weight", p.weightType, MAX_WEIGHT_BITS);
  const problem = placementProblem({
    use: "table",
    depth: 1,
    width: 1,
    choice: p.weightMemory,
    writable: p.runtimeWeights,
  });
  if (problem) fail(`weightMemory "${p.weightMemory}": ${problem}`);
  const given = checked ?? (p.weights ? checkWeights(p as MvauParams) : undefined);
  // Weights loaded at run time may be any of the datatype's values: size for the worst case.
  const weights = p.runtimeWeights ? undefined : given;
  const {
    xnor,
    rows,
    range: accRange,
    type: accType,
  } = denseAccumulator(p.inputType, p.weightType, p.mw, p.mh, weights);
  const sf = p.mw / p.simd;
  const nf = p.mh / p.pe;
  let outType: DataType;
  let search: "parallel" | "binary" | undefined;
  let activationDepth = 0;
  const act = p.activation;
  if (act.kind === "thresholds") {
    const spec = checkThresholdSpec(act, p.mh);
    outType = spec.outType;
    search = resolveSearch(spec.search, spec.count, !spec.global && nf > 1);
    activationDepth = activationStages(search, spec.count);
  } else {
    const passed = passedOnRange(rows, channelBias(p as MvauParams), act.relu === true);
    outType = smallestTypeFor(passed.lo, passed.hi);
  }
  const { treeStages } = pipelinePlan(p.simd, p.treeLevelsPerStage);
  const productStages = packingOf(p).stages;
  // issue → memory data (1) → products (productStages) → tree (treeStages) → accumulate (1) → activation
  // (thresholds: 1 stage of compare bits for `parallel`, B = ⌈log2(N + 1)⌉ search stages for
  // `binary`; the count + outBias feeds the queue's write directly; none: 0).
  const pipelineDepth = 2 + productStages + treeStages + activationDepth;
  const queueDepth = Math.ceil((pipelineDepth + 2) / sf) + 1;
  return {
    sf,
    nf,
    inWidth: p.simd * p.inputType.bits,
    outWidth: p.pe * outType.bits,
    outElementBits: outType.bits,
    outType,
    accType,
    accRange,
    xnor,
    cyclesPerVector: nf * sf,
    // input beat written (1), its neuron fold's last iteration issued SF − 1 cycles later, the
    // pipeline's registers, then the queue's slot (1).
    latency: 1 + (sf - 1) + pipelineDepth + 1,
    pipelineDepth,
    queueDepth,
    productStages,
    treeStages,
    search,
    ...(p.runtimeWeights
      ? { weightLoad: { width: p.pe * p.simd * p.weightType.bits, beats: (p.mw / p.simd) * (p.mh / p.pe) } }
      : {}),
  };
}
