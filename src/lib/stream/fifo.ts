// A first-word-fall-through stream FIFO of any depth, with an occupancy count for FIFO sizing.
//
// Storage styles (chosen at elaboration, so the netlist holds only the chosen one):
// - registers: one register per entry and a read mux; latency 1. For very shallow FIFOs.
// - lutram: LUT RAM with an asynchronous read feeding an output register; latency 2. The
//   output register keeps the RAM's read path out of the consumer's logic and makes `out_data`
//   defined from reset (LUT RAM has no reset).
// - bram: block RAM, which only reads synchronously: the RAM's read register is one prefetch
//   stage and an output register a second, so a beat can leave every cycle although each read
//   takes a cycle (FWFT with full throughput); latency 3.
// `count` is the number of beats held, output registers included, so a FIFO of depth D holds
// exactly D beats whatever its style.
import { type MemoryStyle, memoryStyle } from "../../core/memory-style.js";
import {
  addressWidth,
  Bool,
  Bundle,
  bitWidth,
  connect,
  defineModule,
  ElaborationError,
  type Expr,
  type HwType,
  input,
  instance,
  lit,
  type ModuleDef,
  mux,
  output,
  ports,
  ram,
  reg,
  type Signal,
  select,
  UInt,
  type Value,
  Vec,
  when,
  wire,
} from "../../dsl/index.js";
import { checkPayloadType, packBits, unpackBits } from "./payload.js";
import { type StreamEnd, streamType, widthFor } from "./stream-types.js";

export type FifoStyle = "auto" | "registers" | "lutram" | "bram";

export interface StreamFifoParams {
  /** Payload type of one beat (UInt, SInt, Vec or Bundle). */
  type: HwType;
  /** Capacity in beats: any integer ≥ 1 (powers of two are not required). */
  depth: number;
  /** Storage style; `auto` (the default) picks by depth × width, see `resolveFifoStyle`. */
  style?: FifoStyle;
  /**
   * When full, accept a beat in a cycle where one leaves (default true). This is what lets a
   * FIFO of depth 1 run at full rate; it makes `in_ready` depend on `out_ready`
   * combinationally. Set false to cut that path (or put a skid buffer in front).
   */
  pipe?: boolean;
  /**
   * When empty, pass a beat straight through in the cycle it arrives (default false): latency
   * 0 instead of 1–3, at the cost of a combinational path from `in` to `out`.
   */
  flow?: boolean;
  /** Carry a `last` flag with each beat (ports `in_last`, `out_last`). */
  last?: boolean;
}

/** The FIFO's names for the memory policy's styles (they appear in module names). */
const FIFO_STYLE_NAMES: Record<Exclude<MemoryStyle, "ultra">, Exclude<FifoStyle, "auto">> = {
  registers: "registers",
  distributed: "lutram",
  block: "bram",
};

/**
 * The storage `auto` chooses, by the project's one memory policy (src/core/memory-style.ts):
 * registers up to depth 2; block RAM from 64 entries when the FIFO holds at least 4 Kib (a
 * RAMB18 then replaces ≥ 64 LUTs of LUT RAM); LUT RAM otherwise.
 */
export function resolveFifoStyle(
  depth: number,
  width: number,
  style: FifoStyle = "auto",
): Exclude<FifoStyle, "auto"> {
  if (style !== "auto") return style;
  // The policy places only runtime-writable tables in UltraRAM, never a FIFO.
  return FIFO_STYLE_NAMES[memoryStyle({ use: "fifo", depth, width }) as Exclude<MemoryStyle, "ultra">];
}

/** Cycles from a beat's transfer into an empty FIFO until it is offered at the output. */
export function fifoLatency(style: Exclude<FifoStyle, "auto">, flow = false): number {
  if (flow) return 0;
  return style === "registers" ? 1 : style === "lutram" ? 2 : 3;
}

function checkParams(p: StreamFifoParams): void {
  if (!Number.isInteger(p.depth) || p.depth < 1) {
    throw new ElaborationError(
      `StreamFifo depth must be an integer ≥ 1, got ${p.depth}; for no buffering use the stream itself`,
    );
  }
  const styles: FifoStyle[] = ["auto", "registers", "lutram", "bram"];
  if (p.style !== undefined && !styles.includes(p.style)) {
    throw new ElaborationError(`StreamFifo style must be one of ${styles.join(", ")}, got "${p.style}"`);
  }
  checkPayloadType(p.type, "StreamFifo");
}

function payloadWidth(p: StreamFifoParams): number {
  return bitWidth(p.type) + (p.last ? 1 : 0);
}

export function streamFifoName(p: StreamFifoParams): string {
  const w = payloadWidth(p);
  const style = resolveFifoStyle(p.depth, w, p.style);
  const flags = `${p.pipe === false ? "_nopipe" : ""}${p.flow ? "_flow" : ""}${p.last ? "_last" : ""}`;
  return `StreamFifo_d${p.depth}_w${w}_${style}${flags}`;
}

/** `ptr + 1`, wrapping at `depth` (free for powers of two, a compare otherwise). */
function nextPointer(ptr: Signal, depth: number): Expr {
  // A one-word memory still has a 1-bit address; it must stay 0.
  if (depth === 1) return lit(0, UInt(ptr.width));
  const inc = ptr.add(1);
  return (depth & (depth - 1)) === 0 ? inc : mux(ptr.eq(depth - 1), lit(0, UInt(ptr.width)), inc);
}

/** Up/down counter update for one increment and one decrement condition. */
function count(counter: Signal, up: Expr, down: Expr): void {
  when(up.and(down.not()), () => counter.next(counter.add(1))).elsewhen(down.and(up.not()), () =>
    counter.next(counter.sub(1)),
  );
}

/** What the storage core offers the FIFO shell: its output and the state it keeps. */
interface Core {
  valid: Expr;
  bits: Expr;
}

/**
 * The storage core: a circular buffer plus, for RAM styles, output registers. `push` writes
 * `inBits`; `pop` consumes the beat at the output. The caller guarantees push only when not
 * full and pop only when valid. `occupancy` is the shell's count of beats in the core (it
 * counts exactly `push` and `pop`), which the register style needs and does not duplicate.
 */
function buildCore(
  style: Exclude<FifoStyle, "auto">,
  depth: number,
  width: number,
  push: Expr,
  pop: Expr,
  inBits: Expr,
  occupancy: Signal,
  direct?: Expr,
): Core {
  const T = UInt(width);
  const aw = addressWidth(depth);
  if (style === "registers") {
    // Registers with a reset value: the output mux never shows an undefined word.
    const slots = reg("slots", Vec(depth, T), { init: 0 }) as Signal[];
    if (depth === 1) {
      when(push, () => slots[0]!.next(inBits));
      return { valid: occupancy.ne(0).named("core_valid"), bits: slots[0]! };
    }
    const wptr = reg("wptr", UInt(aw), { init: 0 });
    const rptr = reg("rptr", UInt(aw), { init: 0 });
    when(push, () => {
      wptr.next(nextPointer(wptr, depth));
      slots.forEach((s, i) => {
        when(wptr.eq(i), () => s.next(inBits));
      });
    });
    when(pop, () => rptr.next(nextPointer(rptr, depth)));
    return { valid: occupancy.ne(0).named("core_valid"), bits: select(rptr, slots) };
  }

  // RAM styles. `stored` counts words in the RAM (not yet moved to the output registers).
  const mem = ram("mem", T, depth, { style: style === "bram" ? "block" : "distributed" });
  const wptr = reg("wptr", UInt(aw), { init: 0 });
  const rptr = reg("rptr", UInt(aw), { init: 0 });
  const stored = reg("stored", UInt(widthFor(depth)), { init: 0 });
  // A pushed beat goes to the RAM, except (flow only) one that goes straight to the output
  // register of an empty FIFO: through the RAM it would vanish from the output for a while.
  const memPush = direct ? push.and(direct.not()).named("mem_push") : push;
  when(memPush, () => {
    mem.write(wptr, inBits);
    wptr.next(nextPointer(wptr, depth));
  });
  // The output register; its reset value keeps `out_data` defined before the first beat.
  const outValid = reg("out_valid_q", UInt(1), { init: 0 });
  const outBits = reg("out_bits_q", T, { init: 0 });
  const outFree = outValid.not().or(pop).named("out_free");

  if (style === "lutram") {
    const take = stored.ne(0).and(outFree).named("take");
    const word = mem.readAsync(rptr);
    when(take, () => {
      outBits.next(word);
      rptr.next(nextPointer(rptr, depth));
    });
    when(take, () => outValid.next(1)).elsewhen(pop, () => outValid.next(0));
    loadDirect(direct, push, outBits, outValid, inBits);
    count(stored, memPush, take);
    return { valid: outValid, bits: outBits };
  }

  // bram: stage A is the RAM's own read register (it holds while the read enable is low),
  // stage B the output register. A read is issued when A is empty or A moves on to B.
  const aValid = reg("prefetch_valid", UInt(1), { init: 0 });
  const aMoves = aValid.and(outFree).named("prefetch_moves");
  const read = stored.ne(0).and(aValid.not().or(aMoves)).named("mem_read");
  const word = mem.read(rptr, read);
  when(read, () => rptr.next(nextPointer(rptr, depth)));
  when(read, () => aValid.next(1)).elsewhen(aMoves, () => aValid.next(0));
  when(aMoves, () => outBits.next(word));
  when(aMoves, () => outValid.next(1)).elsewhen(pop, () => outValid.next(0));
  loadDirect(direct, push, outBits, outValid, inBits);
  count(stored, memPush, read);
  return { valid: outValid, bits: outBits };
}

/** Flow mode: a refused pass-through beat of an empty FIFO is held in the output register. */
function loadDirect(
  direct: Expr | undefined,
  push: Expr,
  outBits: Signal,
  outValid: Signal,
  inBits: Expr,
): void {
  if (!direct) return;
  when(push.and(direct), () => {
    outBits.next(inBits);
    outValid.next(1);
  });
}

/**
 * `StreamFifo`: ports `in` (Stream of the payload, consumer side), `out` (producer side) and
 * `count` (beats held, 0..depth). One push and one pop per cycle, also together.
 */
/** The FIFO's ports: the two stream sides and the occupancy. */
export interface StreamFifoIo {
  in: StreamEnd<Value>;
  out: StreamEnd<Value>;
  count: Signal;
}

export const StreamFifo: ModuleDef<StreamFifoParams, StreamFifoIo, void> = defineModule({
  name: streamFifoName,
  validate: checkParams,
  body: (p: StreamFifoParams) => {
    const width = payloadWidth(p);
    const style = resolveFifoStyle(p.depth, width, p.style);
    const pipe = p.pipe ?? true;
    const flow = p.flow ?? false;
    const last = p.last ?? false;
    const io: StreamFifoIo = ports({
      in: input(streamType(p.type, last)),
      out: output(streamType(p.type, last)),
      count: output(UInt(widthFor(p.depth))),
    });

    const inBits = last
      ? packBits({ data: io.in.data, last: io.in.last! }, payloadBundle(p.type))
      : packBits(io.in.data, p.type);
    const occupancy = reg("occupancy", UInt(widthFor(p.depth)), { init: 0 });
    const full = occupancy.eq(p.depth).named("full");
    const empty = occupancy.eq(0).named("empty");

    // The core's push and pop are computed from wires because they depend on the core's output.
    const corePush = wireOf("core_push");
    const corePop = wireOf("core_pop");
    const core = buildCore(
      style,
      p.depth,
      width,
      corePush,
      corePop,
      inBits,
      occupancy,
      flow ? empty : undefined,
    );

    const outValid = flow ? core.valid.or(empty.and(io.in.valid)) : core.valid;
    const outBits = flow ? mux(core.valid, core.bits, inBits) : core.bits;
    const outFire = outValid.and(io.out.ready).named("out_fire");
    const inReady = pipe ? full.not().or(outFire) : full.not();
    const inFire = io.in.valid.and(inReady).named("in_fire");
    // A beat that flows straight through an empty FIFO is never stored.
    const bypass = flow ? empty.and(io.out.ready) : lit(0, UInt(1));
    corePush.set(inFire.and(bypass.not()));
    corePop.set(core.valid.and(io.out.ready));
    count(occupancy, corePush, corePop);

    io.in.ready.set(inReady);
    io.out.valid.set(outValid);
    if (last) unpackBits({ data: io.out.data, last: io.out.last! }, payloadBundle(p.type), outBits);
    else unpackBits(io.out.data, p.type, outBits);
    io.count.set(occupancy);
    return io;
  },
});

/** The packed layout with `last`: data in the low bits, `last` on top. */
function payloadBundle(type: HwType): HwType {
  return Bundle({ data: type, last: Bool });
}

function wireOf(name: string): Signal {
  return wire(name, UInt(1)) as Signal;
}

export interface QueueOptions {
  /** Storage style, default `auto`. */
  style?: FifoStyle;
  /** See StreamFifoParams.pipe (default true). */
  pipe?: boolean;
  /** See StreamFifoParams.flow (default false). */
  flow?: boolean;
  /** The payload type; needed only when the stream's data is an aggregate built by hand. */
  type?: HwType;
  /** Receives the FIFO's occupancy output, e.g. to watch it in simulation. */
  onCount?: (count: Signal) => void;
}

/**
 * Puts a FIFO of `depth` beats after `source` (inside a module body) and returns the FIFO's
 * output side: `consumer <- queue("q0", producer, 16)`. Depth 0 returns `source` itself, as
 * Chisel's Queue does, so callers need no special case for "no buffer".
 */
export function queue<D extends Value>(
  name: string,
  source: StreamEnd<D>,
  depth: number,
  options: QueueOptions = {},
): StreamEnd<D> {
  if (depth === 0) return source;
  const type = options.type ?? typeOfValue(source.data as Value);
  const last = source.last !== undefined;
  const q = instance(name, StreamFifo, {
    type,
    depth,
    style: options.style ?? "auto",
    pipe: options.pipe ?? true,
    flow: options.flow ?? false,
    last,
  }) as { in: StreamEnd<D>; out: StreamEnd<D>; count: Signal };
  connect(q.in, source);
  options.onCount?.(q.count);
  return q.out;
}

/** Recovers a payload type from a value built by the DSL (Signals at the leaves). */
export function typeOfValue(v: Value): HwType {
  if (Array.isArray(v)) {
    if (v.length === 0) throw new ElaborationError("an empty array is not a hardware value");
    return Vec(v.length, typeOfValue(v[0]!));
  }
  if ("signalName" in v && "owner" in v) return (v as Signal).type;
  const fields: Record<string, HwType> = {};
  for (const [k, x] of Object.entries(v as Record<string, Value>)) fields[k] = typeOfValue(x);
  return Bundle(fields);
}
