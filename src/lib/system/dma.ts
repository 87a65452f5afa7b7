// Stream widths an AXI DMA accepts: its MM2S and S2MM tdata widths are powers of two from 8 to
// 1024 bits (PG021, "AXI DMA" IP configuration), so a system pads each stream up to one.
import { ElaborationError } from "../../dsl/index.js";

export const DMA_MAX_BITS = 1024;

/** The narrowest DMA-legal tdata width holding `bits`. */
export function dmaStreamWidth(bits: number): number {
  if (!Number.isInteger(bits) || bits < 1)
    throw new ElaborationError(`stream width must be ≥ 1, got ${bits}`);
  let w = 8;
  while (w < bits) w *= 2;
  if (w > DMA_MAX_BITS)
    throw new ElaborationError(`a ${bits}-bit stream is wider than an AXI DMA's ${DMA_MAX_BITS}-bit maximum`);
  return w;
}
