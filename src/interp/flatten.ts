// Flattens a design's hierarchy into one netlist of numbered slots. A child's ports share the
// slots of the parent's pins, so a value crosses a module boundary without a copy.
import type { Expr } from "../dsl/expr.js";
import type { DesignIR, MemoryIR, ModuleIR } from "../dsl/ir.js";
import type { Signal } from "../dsl/signal.js";

export interface Slot {
  readonly index: number;
  /** Hierarchical name, `inst.sub.signal`. */
  readonly path: string;
  readonly width: number;
}

/** A signal driver in one instance context. */
export interface Driven {
  readonly slot: number;
  readonly expr: Expr;
  readonly ctx: Context;
}

export interface Context {
  readonly id: number;
  readonly path: string;
  /** Signal → slot within this instance. */
  readonly slots: Map<Signal, number>;
}

export interface FlatRegister {
  readonly slot: number;
  readonly next: Expr;
  readonly init?: bigint;
  readonly ctx: Context;
}

export interface FlatMemory {
  readonly index: number;
  readonly path: string;
  readonly ir: MemoryIR;
  readonly ctx: Context;
}

export interface FlatDesign {
  slots: Slot[];
  inputs: Map<string, number>;
  outputs: Map<string, number>;
  comb: Driven[];
  regs: FlatRegister[];
  memories: FlatMemory[];
  resetSlot?: number;
  resetActiveLow: boolean;
}

export function flatten(design: DesignIR): FlatDesign {
  const slots: Slot[] = [];
  const comb: Driven[] = [];
  const regs: FlatRegister[] = [];
  const memories: FlatMemory[] = [];
  let ctxCount = 0;
  const newSlot = (path: string, width: number): number => {
    slots.push({ index: slots.length, path, width });
    return slots.length - 1;
  };

  const walk = (m: ModuleIR, path: string, portSlots: Map<string, number> | undefined): Context => {
    // A vendor primitive runs as its Loom model (blackbox.ts), on the black box's port slots.
    if (m.blackBox?.model) return walk(m.blackBox.model, path, portSlots);
    if (m.blackBox)
      throw new Error(`the interpreter cannot simulate black box ${m.blackBox.verilogName}; use Verilator`);
    const ctx: Context = { id: ctxCount++, path, slots: new Map() };
    const prefix = path ? `${path}.` : "";
    const slotOf = (s: Signal): number => {
      let i = ctx.slots.get(s);
      if (i === undefined) {
        i = newSlot(prefix + s.signalName, s.width);
        ctx.slots.set(s, i);
      }
      return i;
    };
    for (const p of m.ports) {
      const shared = portSlots?.get(p.signalName);
      if (shared !== undefined) ctx.slots.set(p, shared);
      else slotOf(p);
    }
    for (const s of [...m.wires, ...m.regs]) slotOf(s);
    for (const mem of m.memories) {
      memories.push({ index: memories.length, path: prefix + mem.name, ir: mem, ctx });
      for (const p of mem.readPorts) slotOf(p.data);
    }
    for (const inst of m.instances) {
      const pinSlots = new Map<string, number>();
      for (const [port, pin] of inst.pins) pinSlots.set(port, slotOf(pin));
      walk(inst.module, prefix + inst.name, pinSlots);
    }
    for (const [sig, expr] of m.drivers) {
      if (sig.kind === "reg") regs.push({ slot: slotOf(sig), next: expr, init: sig.reg?.init, ctx });
      else comb.push({ slot: slotOf(sig), expr, ctx });
    }
    for (const r of m.regs) {
      if (!m.drivers.has(r)) regs.push({ slot: slotOf(r), next: r, init: r.reg?.init, ctx });
    }
    return ctx;
  };

  const top = walk(design.top, "", undefined);
  const inputs = new Map<string, number>();
  const outputs = new Map<string, number>();
  for (const p of design.top.ports)
    (p.kind === "input" ? inputs : outputs).set(p.signalName, top.slots.get(p)!);
  let resetSlot: number | undefined;
  if (regs.some((r) => r.init !== undefined)) {
    resetSlot = newSlot(design.clocking.reset, 1);
    inputs.set(design.clocking.reset, resetSlot);
  }
  return {
    slots,
    inputs,
    outputs,
    comb,
    regs,
    memories,
    resetSlot,
    resetActiveLow: design.clocking.resetActiveLow,
  };
}
