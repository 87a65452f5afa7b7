// Integer weights of a linear op. Weights arrive as floats: either integers already (FINN
// graphs, with a finn_datatype annotation) or the output of a Quant/BipolarQuant on a constant,
// possibly transposed. The quantizer's scale is traced through the same ops to find each
// output channel's weight scale; code = weight / scale must then be an integer.
import { bitsFor } from "../core/bits.js";
import { quantCodeRange } from "../model/layer-types.js";
import { attrInt, attrString } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { annotatedDatatype, nodeLabel, type OnnxGraph, type OnnxNode } from "./graph.js";
import { canonicalOp } from "./op-names.js";
import { runNode, transpose } from "./ops.js";
import { broadcastTo, f32, type Tensor } from "./tensor.js";

export interface LayerWeights {
  mw: number;
  mh: number;
  /** MH rows of MW integer codes (row = output channel). */
  codes: number[][];
  /** Weight scale per output channel: weight = code · scale. */
  scale: number[];
  /** Declared datatype (from the quantizer, the MVAU or an annotation), if any. */
  declared?: string;
}

interface ConstInfo {
  consts: Map<string, Tensor>;
  /** Node producing each folded constant. */
  producers: Map<string, OnnxNode>;
}

interface ElementScale {
  scale: Tensor;
  declared: string;
}

/** Per-element quantizer scale of a constant, traced back through layout ops. */
function elementScale(name: string, info: ConstInfo, depth = 0): ElementScale | undefined {
  const node = info.producers.get(name);
  if (!node || depth > 16) return undefined;
  const op = canonicalOp(node.opType);
  const out = info.consts.get(name)!;
  const input = (i: number) => info.consts.get(node.inputs[i] ?? "");
  if (op === "Quant" || op === "BipolarQuant") {
    const s = input(1)!;
    const scale: Tensor = {
      dims: out.dims,
      data: broadcastTo({ dims: s.dims, data: s.data.map(f32) }, out.dims),
    };
    if (op === "BipolarQuant") return { scale, declared: "BIPOLAR" };
    const bits = input(3)!.data[0]!;
    const signed = attrInt(node, "signed", 1) === 1;
    if (bits === 1 && signed) return { scale, declared: "BIPOLAR" };
    const z = input(2)!.data;
    const { min, max } = quantCodeRange({ bits, signed, narrow: attrInt(node, "narrow", 0) === 1 });
    const zMin = Math.min(...z);
    const zMax = Math.max(...z);
    const lo = min - zMax;
    const hi = max - zMin;
    return {
      scale,
      declared: `${lo < 0 ? "INT" : "UINT"}${bitsFor(lo, hi)}`,
    };
  }
  if (op === "Transpose" || op === "Reshape" || op === "Flatten" || op === "PassThrough") {
    const inner = elementScale(node.inputs[0]!, info, depth + 1);
    if (!inner) return undefined;
    const ins = node.inputs.map((n, i) => (i === 0 ? inner.scale : info.consts.get(n)));
    return { scale: runNode(node, ins), declared: inner.declared };
  }
  return undefined;
}

/**
 * A Conv's OIHW weights as the (KH·KW·C, OC) matrix the MVAU multiplies each window by: rows in
 * the sliding window's (kh, kw, c) order (OIHW → OHWI, flattened, transposed).
 */
function convMatrix(node: OnnxNode, w: Tensor): Tensor {
  if (w.dims.length !== 4)
    throw new OnnxError(`${nodeLabel(node)}: Conv weights must be 4-D (OIHW), got [${w.dims}]`);
  const [oc] = w.dims as [number];
  const ohwi = transpose({ ...node, attributes: { perm: [0, 2, 3, 1] } }, [w]);
  return transpose({ ...node, attributes: { perm: [1, 0] } }, [
    { dims: [oc, w.data.length / oc], data: ohwi.data },
  ]);
}

/** The (MW, MH) weight tensor a linear op multiplies by, and its per-element scale if quantized. */
function orientedWeights(node: OnnxNode, info: ConstInfo): { w: Tensor; scale?: ElementScale } {
  const name = node.inputs[1]!;
  const w = info.consts.get(name);
  if (!w) throw new OnnxError(`${nodeLabel(node)}: the weight input "${name}" must be a constant`);
  const scale = elementScale(name, info);
  if (canonicalOp(node.opType) === "Conv") {
    const m = (x: Tensor) => convMatrix(node, x);
    return { w: m(w), scale: scale && { scale: m(scale.scale), declared: scale.declared } };
  }
  if (w.dims.length !== 2) throw new OnnxError(`${nodeLabel(node)}: weights must be 2-D, got [${w.dims}]`);
  if (node.opType === "Gemm" && attrInt(node, "transB", 0) === 1) {
    const t = (x: Tensor) => transpose(node, [x]);
    return { w: t(w), scale: scale && { scale: t(scale.scale), declared: scale.declared } };
  }
  return { w, scale };
}

/** Integer weight codes and per-output-channel scales of a MatMul, Gemm, Conv or MVAU node. */
export function linearWeights(graph: OnnxGraph, node: OnnxNode, info: ConstInfo): LayerWeights {
  const { w, scale } = orientedWeights(node, info);
  const [mw, mh] = w.dims as [number, number];
  const isMvau = canonicalOp(node.opType) === "MVAU";
  const xnor = isMvau && attrInt(node, "binaryXnorMode", 0) === 1;
  const codes: number[][] = [];
  const scales: number[] = [];
  for (let h = 0; h < mh; h++) {
    const s = scale ? scale.scale.data[h]! : 1;
    if (!(Number.isFinite(s) && s > 0)) {
      throw new OnnxError(
        `${nodeLabel(node)}: the weight scale of output channel ${h} is ${s} (must be a positive finite number)`,
      );
    }
    const row: number[] = [];
    for (let k = 0; k < mw; k++) {
      if (!Number.isFinite(w.data[k * mh + h]!)) {
        throw new OnnxError(
          `${nodeLabel(node)}: weight [${k}, ${h}] is ${w.data[k * mh + h]} (weights must be finite numbers)`,
        );
      }
      const e = scale ? scale.scale.data[k * mh + h]! : 1;
      if (e !== s) {
        throw new OnnxError(
          `${nodeLabel(node)}: weight scales vary along the input axis; only per-tensor or per-output-channel scales are supported`,
        );
      }
      const q = w.data[k * mh + h]! / s;
      const r = Math.round(q);
      if (Math.abs(q - r) > 1e-4) {
        throw new OnnxError(
          `${nodeLabel(node)}: weight [${k}, ${h}] = ${w.data[k * mh + h]} is not an integer multiple of its scale ${s}` +
            (scale ? "" : " (the weights have no Quant/BipolarQuant and are not integers)"),
        );
      }
      // XNOR-mode MVAUs store ±1 weights as 0/1 bits.
      row.push(xnor ? 2 * r - 1 : r);
    }
    codes.push(row);
    scales.push(s);
  }
  let declared = scale?.declared;
  if (isMvau) declared = xnor ? "BIPOLAR" : attrString(node, "weightDataType", "") || undefined;
  declared ??= annotatedDatatype(graph, node.inputs[1]!);
  if (declared === "FLOAT32") declared = undefined;
  return { mw, mh, codes, scale: scales, declared };
}
