// Port values ↔ the hex text the testbenches read and write. Signed ports take and give
// negative bigints; on the wire everything is the unsigned bit pattern.
import type { TopPort } from "../src/rtl/emit.js";

export function encodeValue(port: TopPort, value: bigint, context: string): string {
  if (typeof value !== "bigint") {
    throw new Error(`${context}: value for ${port.name} must be a bigint, got ${typeof value}`);
  }
  const w = BigInt(port.width);
  const min = port.signed ? -(1n << (w - 1n)) : 0n;
  if (value < min || value >= 1n << w) {
    throw new Error(
      `${context}: ${value} does not fit ${port.name} (${port.signed ? "signed" : "unsigned"} ${port.width} bits)`,
    );
  }
  return BigInt.asUintN(port.width, value).toString(16);
}

/** Parses a hex token; x/z digits (Icarus only) read as 0 and are reported through `unknown`. */
export function decodeValue(port: TopPort, token: string): { value: bigint; unknown: boolean } {
  const unknown = /[xXzZ]/.test(token);
  const clean = unknown ? token.replace(/[xXzZ]/g, "0") : token;
  const raw = BigInt(`0x${clean}`);
  return { value: port.signed ? BigInt.asIntN(port.width, raw) : raw, unknown };
}

/** Inputs the caller drives: every input except the clock, in port order. */
export function drivenInputs(ports: readonly TopPort[], clock: string | undefined): TopPort[] {
  return ports.filter((p) => p.direction === "input" && p.name !== clock);
}

export function outputPorts(ports: readonly TopPort[]): TopPort[] {
  return ports.filter((p) => p.direction === "output");
}
