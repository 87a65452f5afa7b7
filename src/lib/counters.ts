// Small register arithmetic shared by the dataflow blocks (MVAU, sliding window, padding, max-pool):
// wrapping counters and addition modulo a memory depth that need not be a power of two.
import { addressWidth, type Expr, lit, mux, reg, type Signal, UInt, when } from "../dsl/index.js";

/** A counter register over 0..last, reset to 0. */
export function counter(name: string, last: number): Signal {
  return reg(name, UInt(addressWidth(last + 1)), { init: 0 }) as Signal;
}

/** Steps `r` over 0..last when `enable`, wrapping to 0. */
export function step(r: Signal, last: number, enable: Expr): void {
  when(enable, () => {
    if (last === 0) r.next(0);
    else when(r.eq(last), () => r.next(0)).otherwise(() => r.next(r.add(1)));
  });
}

/** (a + k) mod depth for a < depth and a constant k ≥ 0, in a's width. */
export function addMod(a: Expr, k: number, depth: number): Expr {
  const w = a.width;
  const step = k % depth;
  if (depth === 1 || step === 0) return depth === 1 ? lit(0, UInt(w)) : a;
  if ((depth & (depth - 1)) === 0) return a.add(lit(step, UInt(w))).trunc(w);
  const sum = a.zext(w + 1).add(step);
  return mux(sum.ge(depth), sum.sub(depth), sum).trunc(w);
}
