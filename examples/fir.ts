// A streaming FIR filter: signed samples in, filtered samples out, one per cycle, with
// backpressure. The taps and the adder are plain TypeScript loops at elaboration time.

import type { Expr } from "../src/dsl/index.js";
import { defineModule, fire, input, output, ports, reg, SInt, Stream, when } from "../src/dsl/index.js";

export interface FirParams {
  /** Sample width in bits (signed). */
  sampleWidth: number;
  /** Integer coefficients, first tap first. */
  coefficients: number[];
}

/** Output width that holds any sum of products exactly. */
export function firOutputWidth(p: FirParams): number {
  const maxAbs = p.coefficients.reduce((s, c) => s + Math.abs(c), 0) * 2 ** (p.sampleWidth - 1);
  return Math.ceil(Math.log2(maxAbs + 1)) + 1;
}

export const Fir = defineModule(
  (p: FirParams) => `Fir_${p.coefficients.length}taps_w${p.sampleWidth}`,
  (p: FirParams) => {
    const outWidth = firOutputWidth(p);
    const io = ports({ in: input(Stream(SInt(p.sampleWidth))), out: output(Stream(SInt(outWidth))) });
    // taps[0] is the newest sample.
    const taps = p.coefficients.map((_, i) => reg(`tap${i}`, SInt(p.sampleWidth), { init: 0 }));
    const outValid = reg("out_valid_q", io.out.valid.type, { init: 0 });
    const outData = reg("out_data_q", SInt(outWidth), { init: 0 });

    // A new sample may enter when the output register is empty or being emptied.
    io.in.ready.set(outValid.not().or(io.out.ready));
    const window: Expr[] = [io.in.data, ...taps.slice(0, -1)];
    const sum = window
      .map((x, i) => {
        // Each product fits the output width (see firOutputWidth), so resizing keeps its value.
        const product = x.mul(p.coefficients[i]!);
        return product.width > outWidth ? product.trunc(outWidth) : product.pad(outWidth);
      })
      .reduce((acc, term) => acc.add(term));

    when(fire(io.in), () => {
      taps.forEach((t, i) => t.next(window[i]!));
      outData.next(sum);
      outValid.next(1);
    }).elsewhen(io.out.ready, () => outValid.next(0));

    io.out.valid.set(outValid);
    io.out.data.set(outData);
    return io;
  },
);

export default { module: Fir, params: { sampleWidth: 8, coefficients: [1, 3, -2, 5] } satisfies FirParams };
