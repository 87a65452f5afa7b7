// A counter with enable and a wrap limit: the smallest useful Loom design.
import { Bool, defineModule, input, output, ports, reg, UInt, when } from "../src/dsl/index.js";

export interface CounterParams {
  /** Counter width in bits. */
  width: number;
  /** The count wraps to 0 after this value. */
  limit: number;
}

export const Counter = defineModule(
  (p: CounterParams) => `Counter_w${p.width}`,
  (p: CounterParams) => {
    const io = ports({ enable: input(Bool), count: output(UInt(p.width)), wrap: output(Bool) });
    const count = reg("value", UInt(p.width), { init: 0 });
    const atLimit = count.eq(p.limit).named("atLimit");
    when(io.enable, () => {
      count.next(count.add(1));
      when(atLimit, () => count.next(0));
    });
    io.count.set(count);
    io.wrap.set(io.enable.and(atLimit));
    return io;
  },
);

export default { module: Counter, params: { width: 8, limit: 9 } satisfies CounterParams };
