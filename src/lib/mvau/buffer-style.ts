// Where the MVAU input buffer lives; pure, so the resource estimate can ask the same question.
import { tableStyle } from "../threshold/search.js";

/**
 * Block RAM only when the banks are deep enough to use it (the weight ROMs' rule): a wide,
 * shallow buffer (SIMD 256 × 8 bits, SF 4) would otherwise take one BRAM18 per 36 bits of width
 * for 8 words. Wide shallow buffers go to LUT RAM; small ones are left to the tool.
 */
export function bufferStyle(depth: number, width: number): "block" | "distributed" | "auto" {
  if (tableStyle(depth, width) === "block") return "block";
  return depth * width >= 4096 ? "distributed" : "auto";
}
