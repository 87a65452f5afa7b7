// A stream's payload as one bit vector. Storage (FIFO memories, skid registers) keeps a beat as
// a flat UInt, so every block works for any payload type: ground, Vec or Bundle. The first
// leaf of the payload goes to the least significant bits, as FINN packs element 0 of a vector
// in the low bits.
import {
  bitWidth,
  cat,
  ElaborationError,
  type Expr,
  type HwType,
  type Signal,
  UInt,
  type Value,
  wire,
} from "../../dsl/index.js";
import { leaves } from "../../dsl/module.js";

/** Throws unless `type` can be a stream payload: no flipped fields (a payload flows one way). */
export function checkPayloadType(type: HwType, who: string): void {
  const walk = (t: HwType): void => {
    if (t.kind === "vec") walk(t.element);
    if (t.kind === "bundle") {
      for (const [k, f] of Object.entries(t.fields)) {
        if (f.flipped) {
          throw new ElaborationError(
            `${who}: the payload field "${k}" is flipped; a stream payload must flow one way`,
          );
        }
        walk(f.type);
      }
    }
  };
  walk(type);
}

/** The payload's leaves concatenated, first leaf in the least significant bits. */
export function packBits(value: Value, type: HwType): Expr {
  const parts = leaves(value, type).map((l) => l.signal.asUInt());
  return cat(...parts.reverse());
}

/** Drives every leaf of `target` (outputs or wires) from its slice of `bits` (the packBits layout). */
export function unpackBits(target: Value, type: HwType, bits: Expr): void {
  if (bits.width !== bitWidth(type)) {
    throw new ElaborationError(`internal: unpacking ${bits.width} bits into a ${bitWidth(type)}-bit payload`);
  }
  let lo = 0;
  for (const l of leaves(target, type)) {
    const slice = bits.bits(lo + l.signal.width - 1, lo);
    l.signal.set(l.signal.signed ? slice.asSInt() : slice);
    lo += l.signal.width;
  }
}

/** A UInt wire named `name` holding `value`'s packed bits (for readable netlists). */
export function packedWire(name: string, value: Value, type: HwType): Signal {
  const w = wire(name, UInt(bitWidth(type))) as Signal;
  w.set(packBits(value, type));
  return w;
}
