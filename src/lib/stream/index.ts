// Stream building blocks: FIFOs, register slices, width converters, forks, pipeline stages and
// the AXI4-Stream top-level boundary. Each block is a module generator plus a helper that
// instantiates it inside a module body and returns the consumer side of the stream.
export {
  type AxisEnd,
  type AxisPortOptions,
  axisPaddedWidth,
  axisPorts,
  fromAxis,
  toAxis,
} from "./axi-stream.js";
export {
  type FifoStyle,
  fifoLatency,
  type QueueOptions,
  queue,
  resolveFifoStyle,
  StreamFifo,
  type StreamFifoParams,
  streamFifoName,
  typeOfValue,
} from "./fifo.js";
export { type ForkMode, fork, StreamFork, type StreamForkParams } from "./fork.js";
export { type MapOptions, mapStream, pipeStage } from "./map.js";
export { checkPayloadType, packBits, unpackBits } from "./payload.js";
export { SKID_BUFFER_LATENCY, SkidBuffer, type SkidBufferParams, skidBuffer } from "./skid-buffer.js";
export {
  type StreamEnd,
  type StreamPair,
  type StreamPortType,
  StreamWithLast,
  streamType,
  widthFor,
} from "./stream-types.js";
export {
  converterWordWidth,
  convertWidth,
  StreamWidthConverter,
  type WidthConverterParams,
} from "./width-converter.js";
