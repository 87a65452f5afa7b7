// Module definitions, ports, wires, registers, instances and bulk connection: the user-facing
// half of the DSL. A module is a TypeScript function from parameters to hardware; elaborating
// it runs the function once per distinct parameter set.

import { currentModule, ModuleBuilder, withModule } from "./builder.js";
import { guardModule } from "./elaboration-guard.js";
import { ElaborationError } from "./errors.js";
import { type Expr, lit, type Operand, toExpr } from "./expr.js";
import {
  type ClockingOptions,
  DEFAULT_CLOCKING,
  type DesignIR,
  type InstanceIR,
  type ModuleIR,
} from "./ir.js";
import { here, type SourceLocation } from "./location.js";
import { DEFAULT_NODE_BUDGET, withNodeBudget } from "./node-budget.js";
import type { Signal, SignalKind } from "./signal.js";
import type { BundleType, GroundType, HwType, VecType } from "./types.js";

/** The value of a hardware type: Signals at the leaves, arrays for Vecs, objects for Bundles. */
export type ValueOf<T extends HwType> = T extends GroundType
  ? Signal
  : T extends VecType<infer E>
    ? ValueOf<E>[]
    : T extends BundleType<infer F>
      ? { [K in keyof F]: ValueOf<F[K]> }
      : never;

/** Any aggregate of signals (what ValueOf produces). */
export type Value = Signal | Value[] | { [k: string]: Value };

export interface PortSpec<T extends HwType = HwType> {
  readonly direction: "input" | "output";
  readonly type: T;
}
export function input<T extends HwType>(type: T): PortSpec<T> {
  return { direction: "input", type };
}
export function output<T extends HwType>(type: T): PortSpec<T> {
  return { direction: "output", type };
}

type PortsValue<S extends Record<string, PortSpec>> = { [K in keyof S]: ValueOf<S[K]["type"]> };

/**
 * The hardware type each aggregate value was declared with (by `ports`, `wire`, `reg` or
 * `instance`), so `connect` and `leaves` know which fields flow backwards without guessing.
 */
const declaredTypes = new WeakMap<object, HwType>();

/** Walks a type, creating one leaf per ground field; `flip` tracks bundle-field flips. */
function build<T extends HwType>(
  type: T,
  path: string,
  flip: boolean,
  leaf: (t: GroundType, name: string, flipped: boolean) => Signal,
): ValueOf<T> {
  switch (type.kind) {
    case "ground":
      return leaf(type, path, flip) as ValueOf<T>;
    case "vec": {
      const out = Array.from({ length: type.length }, (_, i) =>
        build(type.element, `${path}_${i}`, flip, leaf),
      );
      declaredTypes.set(out, type);
      return out as ValueOf<T>;
    }
    case "bundle": {
      const out: Record<string, unknown> = {};
      for (const [k, f] of Object.entries(type.fields))
        out[k] = build(f.type, `${path}_${k}`, flip !== f.flipped, leaf);
      declaredTypes.set(out, type);
      return out as ValueOf<T>;
    }
  }
}

/** Declares the module's IO; field names become Verilog port names (`in_valid`, `out_data`). */
export function ports<S extends Record<string, PortSpec>>(spec: S): PortsValue<S> {
  const m = currentModule();
  const loc = here();
  const io: Record<string, unknown> = {};
  for (const [name, p] of Object.entries(spec)) {
    io[name] = build(p.type, name, false, (t, path, flipped) => {
      const isInput = (p.direction === "input") !== flipped;
      return m.declare(isInput ? "input" : "output", t, path, loc);
    });
  }
  return io as PortsValue<S>;
}

/** A combinational signal; drive it with `.set()` (the last assignment wins). */
export function wire<T extends HwType>(name: string, type: T): ValueOf<T> {
  const m = currentModule();
  const loc = here();
  return build(type, name, false, (t, path) => m.declare("wire", t, path, loc));
}

/** A wire already driven by `value`, for naming an intermediate result. */
export function named(name: string, value: Operand): Signal {
  const v = toExpr(value);
  const w = wire(name, v.type) as Signal;
  w.set(v);
  return w;
}

export interface RegOptions {
  /** Reset value (synchronous, on the design's reset); omit for a register without reset. */
  init?: number | bigint | boolean;
}

/** A register clocked by the design clock; update it with `.next()`; it holds its value otherwise. */
export function reg<T extends HwType>(name: string, type: T, options: RegOptions = {}): ValueOf<T> {
  const m = currentModule();
  const loc = here();
  return build(type, name, false, (t, path) => {
    const init = options.init === undefined ? undefined : lit(options.init, t).param.value!;
    return m.declare("reg", t, path, loc, { init });
  });
}

/** A register that takes `value` every cycle (a one-cycle delay). */
export function regNext(name: string, value: Operand, init?: number | bigint): Signal {
  const v = toExpr(value);
  const r = reg(name, v.type, { init }) as Signal;
  r.next(v);
  return r;
}

/** A register that takes `value` in cycles where `enable` is high. */
export function regEnable(name: string, value: Operand, enable: Expr, init?: number | bigint): Signal {
  const v = toExpr(value);
  const r = reg(name, v.type, { init }) as Signal;
  when(enable, () => r.next(v));
  return r;
}

export interface WhenChain {
  elsewhen(cond: Operand, body: () => void): WhenChain;
  otherwise(body: () => void): void;
}

function asCondition(cond: Operand): Expr {
  const c = toExpr(cond);
  if (c.width !== 1 || c.signed)
    throw new ElaborationError(`a when condition must be a Bool, got ${c.width} bits`);
  return c;
}

/** Conditional assignment; chains with `.elsewhen()` and `.otherwise()`. */
export function when(cond: Operand, body: () => void): WhenChain {
  const m = currentModule();
  const location = here();
  const c = asCondition(cond);
  const statement = { kind: "when" as const, branches: [{ cond: c, body: m.collect(body), location }] } as {
    kind: "when";
    branches: Array<{ cond: Expr; body: ReturnType<typeof m.collect>; location: SourceLocation }>;
    otherwise?: ReturnType<typeof m.collect>;
  };
  m.push(statement);
  const chain: WhenChain = {
    elsewhen(next, nextBody) {
      if (m.lastStatement() !== statement) {
        throw new ElaborationError("elsewhen() must directly follow its when() or elsewhen()");
      }
      statement.branches.push({ cond: asCondition(next), body: m.collect(nextBody), location: here() });
      return chain;
    },
    otherwise(otherBody) {
      if (m.lastStatement() !== statement) {
        throw new ElaborationError("otherwise() must directly follow its when() or elsewhen()");
      }
      statement.otherwise = m.collect(otherBody);
    },
  };
  return chain;
}

// ---- Module definitions and hierarchy ------------------------------------------------------

export interface ModuleDef<P, IO, C = void> {
  readonly baseName: string;
  /** Where the definition is written, for the Verilog header and error messages. */
  readonly location: SourceLocation;
  /** Checks the parameters once per distinct parameter set, before the name and the body. */
  readonly validate?: (params: P) => C;
  nameFor(params: P, checked: C): string;
  readonly body: (params: P, checked: C) => IO;
}

/** A module definition with a validation step (the second form of `defineModule`). */
export interface ModuleSpec<P, IO, C> {
  /** The module name, or a function of the parameters and of what `validate` returned. */
  name: string | ((params: P, checked: C) => string);
  /**
   * Runs once per distinct parameter set, before the name and the body: throws on bad
   * parameters and returns what both need (a derived shape, converted weights), so neither
   * computes it again.
   */
  validate: (params: P) => C;
  body: (params: P, checked: C) => IO;
}

/**
 * Defines a hardware module. `name` may depend on the parameters (`p => \`Fifo_d${p.depth}\``);
 * the body declares ports with `ports()` and returns them. The second form,
 * `defineModule({ name, validate, body })`, checks the parameters once before elaboration.
 */
export function defineModule<P, IO, C>(spec: ModuleSpec<P, IO, C>): ModuleDef<P, IO, C>;
export function defineModule<P, IO>(
  name: string | ((params: P) => string),
  body: (params: P) => IO,
): ModuleDef<P, IO>;
export function defineModule<P, IO, C>(
  nameOrSpec: string | ((params: P) => string) | ModuleSpec<P, IO, C>,
  body?: (params: P) => IO,
): ModuleDef<P, IO, C> | ModuleDef<P, IO> {
  const location = here();
  if (typeof nameOrSpec === "object") {
    const { name, validate, body: specBody } = nameOrSpec;
    const nameFor = typeof name === "string" ? () => name : name;
    return {
      baseName: typeof name === "string" ? name : "module",
      nameFor,
      validate,
      body: specBody,
      location,
    };
  }
  const nameFor = typeof nameOrSpec === "string" ? () => nameOrSpec : nameOrSpec;
  return { baseName: typeof nameOrSpec === "string" ? nameOrSpec : "module", nameFor, body: body!, location };
}

interface Elaborated<IO> {
  ir: ModuleIR;
  io: IO;
}

/** Elaboration cache: the same definition with equal parameters elaborates once per design. */
let cache: Map<ModuleDef<any, any, any>, Map<string, Elaborated<any>>> | undefined;

function elaborateModule<P, IO, C>(def: ModuleDef<P, IO, C>, params: P): Elaborated<IO> {
  const key = stableKey(params);
  const perDef = cache?.get(def);
  const hit = perDef?.get(key);
  if (hit) return hit;
  const checked = def.validate ? def.validate(params) : (undefined as C);
  const name = def.nameFor(params, checked);
  const { builder, io } = guardModule(def, key, name, () => {
    const b = new ModuleBuilder(name, params, def.location);
    return { builder: b, io: withModule(b, () => def.body(params, checked)) };
  });
  const result = { ir: builder.finish(), io };
  if (cache) {
    if (!cache.has(def)) cache.set(def, new Map());
    cache.get(def)!.set(key, result);
  }
  return result;
}

/** Identity tokens for large arrays, so a cache key never serialises a whole weight matrix. */
const arrayIds = new WeakMap<object, number>();
let nextArrayId = 0;

function stableKey(v: unknown): string {
  return JSON.stringify(v, (_k, x) => {
    if (typeof x === "bigint") return `${x}n`;
    // Equal but distinct large arrays get different keys: they elaborate twice, and the
    // emitter still shares the identical Verilog.
    if (Array.isArray(x) && x.length > 64) {
      let id = arrayIds.get(x);
      if (id === undefined) arrayIds.set(x, (id = nextArrayId++));
      return `#array${id}`;
    }
    if (x && typeof x === "object" && !Array.isArray(x)) {
      return Object.fromEntries(
        Object.keys(x)
          .sort()
          .map((k) => [k, (x as Record<string, unknown>)[k]]),
      );
    }
    return x;
  });
}

/** Elaborates a top-level module into a design. */
export function elaborate<P, IO, C>(
  def: ModuleDef<P, IO, C>,
  params: P,
  clocking: Partial<ClockingOptions> = {},
  options: ElaborationOptions = {},
): DesignIR & { io: IO; nodes: number } {
  const outer = cache;
  cache = new Map();
  try {
    const { result, nodes } = withNodeBudget(options.nodeBudget ?? DEFAULT_NODE_BUDGET, () =>
      elaborateModule(def, params),
    );
    return { top: result.ir, clocking: { ...DEFAULT_CLOCKING, ...clocking }, io: result.io, nodes };
  } finally {
    cache = outer;
  }
}

export interface ElaborationOptions {
  /** Most expression nodes, statements and signals the elaboration may build (DEFAULT_NODE_BUDGET). */
  nodeBudget?: number;
}

/**
 * Instantiates `def` inside the current module. Returns the child's IO as seen from outside:
 * drive its inputs with `.set()` and read its outputs.
 */
export function instance<P, IO, C>(name: string, def: ModuleDef<P, IO, C>, params: P): IO {
  const parent = currentModule();
  const location = here();
  parent.claimName(name, location);
  const child = elaborateModule(def, params);
  const pins = new Map<string, Signal>();
  for (const port of child.ir.ports) {
    const kind: SignalKind = port.kind === "input" ? "inst-input" : "inst-output";
    pins.set(port.signalName, parent.declare(kind, port.type, `${name}_${port.signalName}`, location));
  }
  const inst: InstanceIR = { name, module: child.ir, pins, location };
  parent.instances.push(inst);
  return remap(child.io, pins) as IO;
}

/** Rebuilds the child's IO aggregate with the parent-side pins in place of the child's ports. */
function remap(io: unknown, pins: Map<string, Signal>): unknown {
  if (io && typeof io === "object" && "signalName" in io && "owner" in io) {
    return pins.get((io as Signal).signalName) ?? io;
  }
  if (!io || typeof io !== "object") return io;
  const out = Array.isArray(io)
    ? io.map((x) => remap(x, pins))
    : Object.fromEntries(Object.entries(io).map(([k, v]) => [k, remap(v, pins)]));
  const type = declaredTypes.get(io);
  if (type) declaredTypes.set(out, type);
  return out;
}

/**
 * Leaves of an aggregate with their flip relative to the aggregate's own orientation, taken
 * from `type` or from the type the aggregate was declared with. `flipped` is undefined for a
 * leaf of a value assembled by hand (`{ valid, ready, data }`), whose type nobody declared.
 */
export function leaves(
  v: Value | object,
  type?: HwType,
): Array<{ path: string; signal: Signal; flipped: boolean | undefined }> {
  const out: Array<{ path: string; signal: Signal; flipped: boolean | undefined }> = [];
  const walk = (x: Value, given: HwType | undefined, path: string, flip: boolean | undefined): void => {
    if (isSignal(x)) {
      out.push({ path, signal: x, flipped: flip });
      return;
    }
    const t = given ?? declaredTypes.get(x);
    if (Array.isArray(x)) {
      x.forEach((e, i) => walk(e, t?.kind === "vec" ? t.element : undefined, `${path}[${i}]`, flip));
    } else {
      for (const [k, e] of Object.entries(x)) {
        const field = t?.kind === "bundle" ? t.fields[k] : undefined;
        const childFlip = field === undefined || flip === undefined ? undefined : flip !== field.flipped;
        walk(e, field?.type, path ? `${path}.${k}` : k, childFlip);
      }
    }
  };
  walk(v as Value, type, "", false);
  return out;
}

export function isSignal(x: unknown): x is Signal {
  return typeof x === "object" && x !== null && "signalName" in x && "owner" in x;
}

/**
 * Bulk connection in data-flow order: forward fields of `sink` take `source`'s values and
 * flipped fields (a stream's `ready`) flow back from `sink` to `source`. Directions come from
 * the declared types (either side's, or `type`); for a value assembled by hand, from which of
 * the two signals can be driven here (an input port or a child's output cannot).
 */
export function connect(sink: Value | object, source: Value | object, type?: HwType): void {
  const a = leaves(sink, type);
  const b = leaves(source, type);
  if (a.length !== b.length || a.some((x, i) => x.path !== b[i]!.path)) {
    throw new ElaborationError(
      `connect(): the two sides have different shapes (${a.map((x) => x.path).join(",")} vs ${b.map((x) => x.path).join(",")})`,
    );
  }
  a.forEach((x, i) => {
    const y = b[i]!;
    const backwards = x.flipped ?? y.flipped ?? flowsBack(x.signal, y.signal, x.path);
    if (backwards) assign(y.signal, x.signal);
    else assign(x.signal, y.signal);
  });
}

/** Signals a module cannot drive: its inputs, its children's outputs, memory read data. */
function drivable(s: Signal): boolean {
  return s.kind !== "input" && s.kind !== "inst-output" && s.kind !== "mem-data";
}

/** For two undeclared leaves: true when only the sink's side is a source of data. */
function flowsBack(sink: Signal, source: Signal, path: string): boolean {
  if (drivable(sink) !== drivable(source)) return drivable(source);
  throw new ElaborationError(
    `connect(): cannot tell which way "${path}" flows (${sink.signalName} and ${source.signalName} could each drive the other); connect values declared with ports(), wire() or instance(), or pass their type`,
  );
}

function assign(target: Signal, value: Signal): void {
  if (target.kind === "reg") target.next(value);
  else target.set(value);
}
