// Elaboration checks run on every finished module: undriven outputs and wires, latches,
// signals used outside their module, and combinational loops (also through child instances).
import { ElaborationError } from "./errors.js";
import { assertNoUndef } from "./expand.js";
import type { Expr } from "./expr.js";
import type { ModuleIR } from "./ir.js";
import type { Signal } from "./signal.js";

/** For each output port of a module: the input ports it depends on combinationally. */
const combPaths = new WeakMap<ModuleIR, Map<string, Set<string>>>();

export function combinationalPaths(m: ModuleIR): Map<string, Set<string>> {
  return combPaths.get(m) ?? new Map();
}

export function checkModule(m: ModuleIR): void {
  const owner = m.ports[0]?.owner ?? m.wires[0]?.owner ?? m.regs[0]?.owner;
  for (const sig of [...m.ports.filter((p) => p.kind === "output"), ...m.wires]) {
    if (m.blackBox) break;
    assertNoUndef(sig, m.drivers.get(sig) ?? undefinedDriver(sig));
  }
  for (const inst of m.instances) {
    for (const pin of inst.pins.values()) {
      if (pin.kind === "inst-input") assertNoUndef(pin, m.drivers.get(pin) ?? undefinedDriver(pin));
    }
  }
  for (const r of m.regs) {
    if (!m.drivers.has(r) && r.reg?.init === undefined) {
      throw new ElaborationError(
        `register "${r.signalName}" is never updated and has no reset value`,
        r.location,
      );
    }
  }
  if (owner) checkOwnership(m, owner);
  combPaths.set(m, findCombinationalPaths(m));
}

function undefinedDriver(_sig: Signal): Expr {
  return { op: "undef" } as Expr;
}

function checkOwnership(m: ModuleIR, owner: unknown): void {
  const seen = new Set<Expr>();
  const visit = (e: Expr, target: Signal): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.op === "sig" && (e as Signal).owner !== owner) {
      const s = e as Signal;
      throw new ElaborationError(
        `"${s.signalName}" of module ${s.owner.moduleName} is used in module ${(owner as { moduleName: string }).moduleName}; pass it through a port`,
        target.location,
      );
    }
    for (const a of e.args) visit(a, target);
  };
  for (const [target, value] of m.drivers) visit(value, target);
  for (const mem of m.memories) {
    for (const p of mem.readPorts) {
      visit(p.addr, p.data);
      visit(p.enable, p.data);
    }
  }
}

/**
 * Depth-first search over combinational dependencies. Registers, synchronous memory data and
 * inputs end a path; an instance output continues through the child's own comb paths.
 */
function findCombinationalPaths(m: ModuleIR): Map<string, Set<string>> {
  const pinDeps = new Map<Signal, Signal[]>();
  for (const inst of m.instances) {
    const paths = combinationalPaths(inst.module);
    for (const [out, ins] of paths) {
      const outPin = inst.pins.get(out);
      if (outPin) pinDeps.set(outPin, [...ins].map((i) => inst.pins.get(i)!).filter(Boolean));
    }
  }
  const asyncMem = new Map<Signal, Expr[]>();
  for (const mem of m.memories) {
    for (const p of mem.readPorts) if (!p.synchronous) asyncMem.set(p.data, [p.addr]);
  }

  const state = new Map<Signal, "active" | Set<Signal>>();
  const stack: Signal[] = [];

  const signalsIn = (e: Expr, out: Set<Signal>, seen: Set<Expr>): void => {
    if (seen.has(e)) return;
    seen.add(e);
    if (e.op === "sig") {
      out.add(e as Signal);
      return;
    }
    for (const a of e.args) signalsIn(a, out, seen);
  };

  /** The input ports that `s` depends on combinationally. */
  const inputsOf = (s: Signal): Set<Signal> => {
    const st = state.get(s);
    if (st === "active") {
      const loop = stack.slice(stack.indexOf(s)).map((x) => x.signalName);
      throw new ElaborationError(`combinational loop: ${[...loop, s.signalName].join(" -> ")}`, s.location);
    }
    if (st) return st;
    const result = new Set<Signal>();
    if (s.kind === "input") {
      result.add(s);
      state.set(s, result);
      return result;
    }
    if (s.kind === "reg" || (s.kind === "mem-data" && !asyncMem.has(s))) {
      state.set(s, result);
      return result;
    }
    state.set(s, "active");
    stack.push(s);
    const deps = new Set<Signal>();
    const seen = new Set<Expr>();
    if (s.kind === "inst-output") for (const p of pinDeps.get(s) ?? []) deps.add(p);
    else if (s.kind === "mem-data") for (const e of asyncMem.get(s)!) signalsIn(e, deps, seen);
    else {
      const d = m.drivers.get(s);
      if (d) signalsIn(d, deps, seen);
    }
    for (const d of deps) for (const i of inputsOf(d)) result.add(i);
    stack.pop();
    state.set(s, result);
    return result;
  };

  for (const s of m.drivers.keys()) inputsOf(s);
  const paths = new Map<string, Set<string>>();
  for (const p of m.ports) {
    if (p.kind === "output") paths.set(p.signalName, new Set([...inputsOf(p)].map((i) => i.signalName)));
  }
  return paths;
}
