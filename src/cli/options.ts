// Parsers for numeric option values. They throw commander's InvalidArgumentError, so a bad value
// is reported as one usage line naming the option, never as a stack trace from inside the parser.
import { InvalidArgumentError, Option } from "commander";

/** Highest PL clock accepted (MHz): above any FPGA fabric clock, so 1e9 is caught as a unit slip. */
export const MAX_CLOCK_MHZ = 1000;

function finite(v: string): number {
  const n = Number(v.trim());
  if (v.trim() === "" || !Number.isFinite(n)) throw new InvalidArgumentError("expected a number.");
  return n;
}

/** A number in (lo, hi]. */
export function numberIn(lo: number, hi: number, unit = "") {
  return (v: string): number => {
    const n = finite(v);
    if (!(n > lo && n <= hi)) {
      throw new InvalidArgumentError(
        `expected a number above ${lo}${hi === Number.POSITIVE_INFINITY ? "" : ` and at most ${hi}`}${unit}.`,
      );
    }
    return n;
  };
}

/** A whole number ≥ lo. */
export function integerFrom(lo: number) {
  return (v: string): number => {
    const n = finite(v);
    if (!Number.isSafeInteger(n) || n < lo)
      throw new InvalidArgumentError(`expected a whole number ≥ ${lo}.`);
    return n;
  };
}

/**
 * `--weights rom|runtime`, shared by gen, sim and eval: weights in the bitstream, or loaded by the
 * host through one AXI4-Stream port per layer (src/compiler/weight-stream.ts).
 */
export function weightsOption(): Option {
  return new Option(
    "--weights <where>",
    "rom: weights in the bitstream; runtime: loaded by the host through one AXI4-Stream port per layer (allows --weight-memory ultra)",
  )
    .choices(["rom", "runtime"])
    .default("rom");
}
