// The folding check every block with PE/SIMD parameters shares (MVAU, thresholding, and the
// convolution blocks to come): a fold factor must divide its dimension.
import { divisors } from "../core/divisors.js";
import { ElaborationError } from "../dsl/index.js";

/** `SIMD=3 does not divide MW=16; use one of 1, 2, 4, 8, 16`. */
export function checkFold(what: string, value: number, dimName: string, dim: number): void {
  if (!Number.isInteger(dim) || dim < 1)
    throw new ElaborationError(`${dimName} must be a positive integer, got ${dim}`);
  if (!Number.isInteger(value) || value < 1 || dim % value !== 0) {
    throw new ElaborationError(
      `${what}=${value} does not divide ${dimName}=${dim}; ${what} must be one of ${divisors(dim).join(", ")}`,
    );
  }
}
