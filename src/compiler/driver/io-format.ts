// The one description of a generated system's host interface, from which the TypeScript
// reference packing, the PYNQ Python driver and the C driver are all produced: stream element
// types and framing (as the hardware and the golden model see them, via the plan), the DMA
// word size, the host-side input quantizer and output scale (the importer's HostSpec, or the
// model's own input scale), and the control registers.

import { argmaxIndexWidth } from "../../lib/labelselect/argmax.js";
import { CONTROL_REGISTERS, type ControlRegister } from "../../lib/system/index.js";
import { type DataType, dataTypeName } from "../../nn/datatypes.js";
import type { Model } from "../../nn/model-format.js";
import type { HostSpec, HostStep } from "../../onnx/host.js";
import { canonicalOp } from "../../onnx/op-names.js";
import { type Compiled, deployableSystem } from "../generate.js";

export interface StreamFormat {
  /** FINN/QONNX datatype name of one element (UINT8, INT4, BIPOLAR, …). */
  datatype: string;
  bits: number;
  elemsPerBeat: number;
  beatsPerImage: number;
  /** Bytes per DMA word (the system's tdata width / 8, a power of two). */
  beatBytes: number;
}

/** code = round_half_even((x − offset) / step) must land exactly on an integer in [min, max]. */
export interface InputGrid {
  step: number[];
  offset: number[];
  min: number;
  max: number;
  bipolar: boolean;
}

export interface DriverIo {
  name: string;
  topName: string;
  buildId: number;
  clockMHz: number;
  input: StreamFormat & { elems: number; shape: number[] };
  output: StreamFormat & { kind: "class" | "scores"; elems: number };
  /** Float input → codes: float32 graph ops (a subset of ONNX/QONNX), then the grid. */
  quantizer?: { steps: HostStep[]; grid: InputGrid; mode: string };
  /** Float output c = scale[c]·score[c] + offset[c] (scores only). */
  outputScale?: { scale: number[]; offset: number[] };
  classes?: string[];
  registers: readonly ControlRegister[];
}

function stream(dt: DataType, elemsPerBeat: number, beatsPerImage: number, beatBits: number): StreamFormat {
  return { datatype: dataTypeName(dt), bits: dt.bits, elemsPerBeat, beatsPerImage, beatBytes: beatBits / 8 };
}

function hostSpecOf(model: Model): HostSpec | undefined {
  return model.meta?.onnxHost as HostSpec | undefined;
}

/** The quantizer the host applies to float inputs, when the model declares one. */
export function quantizerOf(model: Model): DriverIo["quantizer"] {
  const host = hostSpecOf(model);
  if (host) {
    const { step, offset, min, max, bipolar } = host.input;
    // Ops by their canonical names (IntQuant → Quant, DebugMarker → PassThrough, …).
    const steps = host.input.steps.map((s) => ({ ...s, opType: canonicalOp(s.opType) ?? s.opType }));
    return { steps, grid: { step, offset, min, max, bipolar }, mode: host.input.mode };
  }
  if (model.input.scale !== undefined) {
    const zp = model.input.zeroPoint ?? 0;
    const dt = model.input.datatype;
    const signed = dt.startsWith("INT");
    const bits = Number(dt.replace(/\D/g, "")) || 1;
    return {
      steps: [],
      grid: {
        step: [model.input.scale],
        offset: [-zp * model.input.scale],
        min: signed ? -(2 ** (bits - 1)) : 0,
        max: signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1,
        bipolar: dt === "BIPOLAR",
      },
      mode: "scale",
    };
  }
  return undefined;
}

function outputScaleOf(model: Model): DriverIo["outputScale"] {
  const host = hostSpecOf(model);
  if (host) return { scale: host.output.scale, offset: host.output.offset };
  const act = model.layers[model.layers.length - 1]!.activation;
  if (act.kind === "none") {
    const scale = Array.isArray(act.scale) ? act.scale : [act.scale];
    return { scale, offset: [0] };
  }
  return undefined;
}

function indexType(bits: number): DataType {
  return bits === 1 ? { kind: "BINARY", bits: 1 } : { kind: "UINT", bits };
}

export function driverIo(c: Compiled): DriverIo {
  const { system, systemIo: sys } = deployableSystem(c);
  const { plan, model } = c;
  const last = plan.layers[plan.layers.length - 1]!;
  const output = plan.argmax
    ? {
        ...stream(indexType(argmaxIndexWidth(plan.argmax)), 1, 1, sys.outBits),
        kind: "class" as const,
        elems: 1,
      }
    : {
        ...stream(last.shape.outType, last.folding.pe, last.shape.nf, sys.outBits),
        kind: "scores" as const,
        elems: last.mvau.mh,
      };
  return {
    name: model.name,
    topName: system.topName,
    buildId: sys.buildId,
    clockMHz: c.clockMHz,
    input: {
      ...stream(plan.inputType, plan.inputPerBeat, sys.inBeatsPerImage, sys.inBits),
      elems: plan.inputLength,
      shape: model.input.shape,
    },
    output,
    quantizer: quantizerOf(model),
    outputScale: plan.argmax ? undefined : outputScaleOf(model),
    classes: model.output.classes,
    registers: CONTROL_REGISTERS,
  };
}
