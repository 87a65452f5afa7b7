// One UltraScale+ DSP slice, instantiated as the vendor primitive DSP48E2 (AMD UG579), for the
// MVAU's packed products: P = (D − A)·B, the pre-adder forming the packed weight and the
// product registered twice inside the slice (MREG, then PREG). Yosys 0.55 with `-family xcup`
// packs no register into an inferred DSP48E2, so an inferred product's register stays in the
// fabric; instantiated, the slice holds its pipeline as Vivado would (and as FINN's MVU does).
//
// Simulators and the interpreter do not know the primitive: `dsp48e2Model` is the subset of its
// behaviour that this configuration uses, written in Loom (blackbox.ts says where it goes).

import {
  blackBox,
  type Expr,
  input,
  instance,
  lit,
  mux,
  output,
  reg,
  SInt,
  type Signal,
  UInt,
  when,
} from "../../dsl/index.js";

/** Cycles from the operands to P: the multiplier's register (MREG) and the output's (PREG). */
export const DSP48E2_LATENCY = 2;
/** Widths of the ports used (UG579): A 30 (27 of them reach the pre-adder), B 18, D 27, P 48. */
export const DSP48E2_WIDTHS = { a: 30, preAdder: 27, b: 18, p: 48 } as const;

// INMODE[3:1] (UG579): [1] zeroes A, [2] lets D in, [3] makes the pre-adder subtract (D − A).
const INMODE_D_MINUS_A = 0b01100;
// OPMODE: X = [1:0], Y = [3:2], Z = [6:4], W = [8:7]. X and Y both 01 pass the product.
const OPMODE_PRODUCT = 0b00_000_01_01;
const OPMODE_XY_PRODUCT = 0b0101;
const OPMODE_Z_P = 0b010;

const PORTS = {
  A: input(UInt(DSP48E2_WIDTHS.a)),
  B: input(UInt(DSP48E2_WIDTHS.b)),
  D: input(UInt(DSP48E2_WIDTHS.preAdder)),
  INMODE: input(UInt(5)),
  OPMODE: input(UInt(9)),
  ALUMODE: input(UInt(4)),
  CARRYIN: input(UInt(1)),
  CARRYINSEL: input(UInt(3)),
  CEM: input(UInt(1)),
  CEP: input(UInt(1)),
  RSTM: input(UInt(1)),
  RSTP: input(UInt(1)),
  P: output(UInt(DSP48E2_WIDTHS.p)),
};

/**
 * The slice's attributes: operands straight in (no A, B, D, AD or control registers: they come
 * from Loom's memory read registers), the pre-adder on the multiplier's 27-bit side, MREG and PREG.
 */
const ATTRIBUTES = {
  A_INPUT: "DIRECT",
  B_INPUT: "DIRECT",
  AMULTSEL: "AD",
  BMULTSEL: "B",
  PREADDINSEL: "A",
  USE_MULT: "MULTIPLY",
  AREG: 0,
  ACASCREG: 0,
  BREG: 0,
  BCASCREG: 0,
  CREG: 0,
  DREG: 0,
  ADREG: 0,
  INMODEREG: 0,
  OPMODEREG: 0,
  ALUMODEREG: 0,
  CARRYINREG: 0,
  CARRYINSELREG: 0,
  MREG: 1,
  PREG: 1,
};

type Dsp48e2Io = { [K in keyof typeof PORTS]: Signal };

/**
 * The behaviour of DSP48E2 with ATTRIBUTES: the 27-bit pre-adder (INMODE[3:1]), the signed
 * 27 × 18 multiplier into M, and the ALU adding X + Y (the product, OPMODE[3:0] = 0101, or 0)
 * to Z (P, OPMODE[6:4] = 010, or 0) and CARRYIN into P; synchronous resets win over the clock
 * enables. `dsp48e2Product` drives ALUMODE = 0000 (add), CARRYINSEL = 000 (CARRYIN) and W = 0,
 * the only values modelled.
 */
function dsp48e2Model(io: Dsp48e2Io): void {
  const width = DSP48E2_WIDTHS.preAdder;
  const zero = lit(0, UInt(width));
  const d = mux(io.INMODE.bit(2), io.D, zero);
  const a = mux(io.INMODE.bit(1), zero, io.A.bits(width - 1, 0));
  const ad = mux(io.INMODE.bit(3), d.sub(a), d.add(a)).asSInt();
  const m = reg("M", SInt(width + DSP48E2_WIDTHS.b)) as Signal;
  when(io.RSTM, () => m.next(0)).elsewhen(io.CEM, () => m.next(ad.mul(io.B.asSInt())));
  const p = reg("P_reg", UInt(DSP48E2_WIDTHS.p)) as Signal;
  const xy = mux(
    io.OPMODE.bits(3, 0).eq(OPMODE_XY_PRODUCT),
    m.sext(DSP48E2_WIDTHS.p).asUInt(),
    lit(0, UInt(DSP48E2_WIDTHS.p)),
  );
  const z = mux(io.OPMODE.bits(6, 4).eq(OPMODE_Z_P), p, lit(0, UInt(DSP48E2_WIDTHS.p)));
  when(io.RSTP, () => p.next(0)).elsewhen(io.CEP, () =>
    p.next(z.add(xy).add(io.CARRYIN.zext(DSP48E2_WIDTHS.p))),
  );
  io.P.set(p);
}

const Dsp48e2 = blackBox({
  verilogName: "DSP48E2",
  ports: PORTS,
  parameters: ATTRIBUTES,
  clockPort: "CLK",
  model: (io) => dsp48e2Model(io as Dsp48e2Io),
});

/**
 * (d − a)·b in one DSP48E2 named `name`, DSP48E2_LATENCY cycles after its operands: `d` and `a`
 * unsigned (at most 27 bits; the pre-adder wraps at 27 bits, so d − a must fit 27 signed bits),
 * `b` signed (at most 18 bits). Returns P's low `width` bits as an SInt.
 */
export function dsp48e2Product(name: string, d: Expr, a: Expr | undefined, b: Expr, width: number): Expr {
  const { preAdder, b: bWidth, p } = DSP48E2_WIDTHS;
  if (d.signed || (a?.signed ?? false) || !b.signed || d.width > preAdder || (a?.width ?? 0) > preAdder) {
    throw new Error(`${name}: DSP48E2 takes unsigned D and A of at most ${preAdder} bits and a signed B`);
  }
  if (b.width > bWidth || width > p)
    throw new Error(`${name}: B is ${b.width} bits, P ${width}: too wide for a DSP48E2`);
  const dsp = instance(name, Dsp48e2, undefined);
  dsp.A.set(a ? a.zext(DSP48E2_WIDTHS.a) : lit(0, UInt(DSP48E2_WIDTHS.a)));
  dsp.D.set(d.zext(preAdder));
  dsp.B.set(b.sext(bWidth).asUInt());
  dsp.INMODE.set(lit(INMODE_D_MINUS_A, UInt(5)));
  dsp.OPMODE.set(lit(OPMODE_PRODUCT, UInt(9)));
  dsp.ALUMODE.set(lit(0, UInt(4)));
  dsp.CARRYIN.set(lit(0, UInt(1)));
  dsp.CARRYINSEL.set(lit(0, UInt(3)));
  dsp.CEM.set(lit(1, UInt(1)));
  dsp.CEP.set(lit(1, UInt(1)));
  dsp.RSTM.set(lit(0, UInt(1)));
  dsp.RSTP.set(lit(0, UInt(1)));
  return dsp.P.bits(width - 1, 0).asSInt();
}
