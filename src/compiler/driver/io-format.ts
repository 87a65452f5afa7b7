// driver/io.json: `hostInterface` (src/compiler/host.ts, the one description of the host I/O)
// serialised for the generated drivers — each DMA stream as the packers read it, the host's
// float work as it is, plus what only a board driver needs: names, build ID, clock, class names
// and the control registers. Nothing here computes a width, a beat or a scale.
import { CONTROL_REGISTERS, type ControlRegister } from "../../lib/system/index.js";
import type { HostInput, HostOutput } from "../../onnx/host.js";
import { type Compiled, deployableSystem } from "../generate.js";
import { type StreamFormat as HostStream, hostInterface, modelHostSides } from "../host.js";
import { weightDmaName } from "../vivado-tcl.js";
import { weightFileName } from "../weight-files.js";

/** One DMA stream as the packers (pack.ts, driver.py, loom_pack.c) read it. */
export interface StreamFormat {
  /** FINN/QONNX datatype name of one element (UINT8, INT4, BIPOLAR, …). */
  datatype: string;
  bits: number;
  elemsPerBeat: number;
  beatsPerImage: number;
  /** Bytes per DMA word (the system's tdata width / 8, a power of two). */
  beatBytes: number;
}

export interface DriverIo {
  name: string;
  topName: string;
  buildId: number;
  clockMHz: number;
  input: StreamFormat & { elems: number; shape: number[] };
  output: StreamFormat & { kind: "class-index" | "scores"; elems: number };
  /** Float input → codes: float32 graph ops, then code = (value − offset) / step (HostInput). */
  quantizer?: HostInput;
  /** Scores only: float c = scale[c]·score[c] + offset[c], then the tail ops (HostOutput). */
  dequantizer?: HostOutput;
  classes?: string[];
  registers: readonly ControlRegister[];
  /** Runtime weight streams, loaded before inference (empty for weights in the bitstream). */
  weights: WeightLoad[];
}

/** One layer's weight stream as a driver loads it: a file of bytes sent by a DMA of its own. */
export interface WeightLoad {
  /** `layer<i>_<name>`. */
  name: string;
  /** The accelerator's port, the block design's DMA cell, and the file under driver/. */
  port: string;
  dma: string;
  file: string;
  /** Bytes of one full load, and the stream's tdata width. */
  bytes: number;
  beatBits: number;
}

function dmaStream(s: HostStream): StreamFormat & { elems: number } {
  if (s.dmaBytes === undefined) throw new Error(`stream ${s.port} is not on the DMA`);
  return {
    datatype: s.datatype,
    bits: s.bits,
    elemsPerBeat: s.elementsPerBeat,
    beatsPerImage: s.beatsPerImage,
    beatBytes: s.dmaBytes,
    elems: s.length,
  };
}

export function driverIo(c: Compiled): DriverIo {
  const { system, systemIo } = deployableSystem(c);
  const { model } = c;
  const hi = hostInterface(c.plan, modelHostSides(model), systemIo);
  return {
    name: model.name,
    topName: system.topName,
    buildId: systemIo.buildId,
    clockMHz: c.clockMHz,
    input: { ...dmaStream(hi.input), shape: model.input.shape },
    output: { ...dmaStream(hi.output), kind: hi.output.kind },
    quantizer: hi.input.quantizer,
    dequantizer: hi.output.kind === "scores" ? hi.dequantizer : undefined,
    classes: model.output.classes,
    registers: CONTROL_REGISTERS,
    weights: systemIo.weightStreams.map((w) => ({
      name: w.name,
      port: w.port,
      dma: weightDmaName(w),
      file: weightFileName(w),
      bytes: w.bytes,
      beatBits: w.beatBits,
    })),
  };
}
