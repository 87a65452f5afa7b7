// The system wrapper around a streaming core for an AXI DMA flow: TLAST marking, DMA stream
// widths, the AXI4-Lite control registers and the on-board counters.
export { AXI_LITE_DATA_BITS, AxiLite } from "./axi-lite.js";
export { type ControlParams, ControlRegisters } from "./control.js";
export { BatchCounters, CYCLE_COUNT_BITS } from "./counters.js";
export { DMA_MAX_BITS, dmaStreamWidth } from "./dma.js";
export {
  CONTROL_ADDR_BITS,
  CONTROL_REGISTERS,
  type ControlRegister,
  type ControlRegisterName,
  registerOffset,
} from "./registers.js";
export { type SystemParams, SystemWrapper, systemStreamWidths } from "./system.js";
export { BATCH_COUNT_BITS, TlastMarker, type TlastMarkerParams } from "./tlast-marker.js";
