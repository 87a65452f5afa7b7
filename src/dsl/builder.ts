// The module under construction: it records declarations and statements while a module body
// runs, then expands when-blocks and runs the elaboration checks to produce a ModuleIR.

import { checkModule } from "./checks.js";
import { ElaborationError } from "./errors.js";
import { expandStatements, type Statement } from "./expand.js";
import type { Expr } from "./expr.js";
import type { BlackBoxIR, InstanceIR, MemoryIR, MemoryReadPort, MemoryWritePort, ModuleIR } from "./ir.js";
import { here, type SourceLocation } from "./location.js";
import { checkName } from "./names.js";
import { countNode } from "./node-budget.js";
import { type RegisterInfo, Signal, type SignalKind, type SignalOwner } from "./signal.js";
import type { GroundType } from "./types.js";

export class ModuleBuilder implements SignalOwner {
  readonly ports: Signal[] = [];
  readonly wires: Signal[] = [];
  readonly regs: Signal[] = [];
  readonly instances: InstanceIR[] = [];
  readonly memories: MemoryIR[] = [];
  blackBox?: BlackBoxIR;
  private readonly names = new Map<string, SourceLocation>();
  private readonly root: Statement[] = [];
  private scope: Statement[] = this.root;

  constructor(
    readonly moduleName: string,
    readonly params: unknown,
    readonly location: SourceLocation,
  ) {}

  /** Reserves a Verilog-level name in this module; duplicates and keywords are errors. */
  claimName(name: string, location: SourceLocation): void {
    checkName(name, location);
    const previous = this.names.get(name);
    if (previous) {
      throw new ElaborationError(
        `two signals in module ${this.moduleName} would both be named "${name}" in Verilog (the other is declared at ${previous})`,
        location,
      );
    }
    this.names.set(name, location);
  }

  hasName(name: string): boolean {
    return this.names.has(name);
  }

  declare(
    kind: SignalKind,
    type: GroundType,
    name: string,
    location: SourceLocation,
    reg?: RegisterInfo,
  ): Signal {
    this.claimName(name, location);
    countNode();
    const sig = new Signal(kind, type, name, this, location, reg);
    if (kind === "input" || kind === "output") this.ports.push(sig);
    else if (kind === "wire") this.wires.push(sig);
    else if (kind === "reg") this.regs.push(sig);
    return sig;
  }

  recordConnect(target: Signal, value: Expr, location: SourceLocation): void {
    if (target.owner !== this) {
      throw new ElaborationError(
        `"${target.signalName}" belongs to module ${target.owner.moduleName}, not to ${this.moduleName} where it is driven`,
        location,
      );
    }
    this.push({ kind: "connect", target, value, location });
  }

  recordRead(port: MemoryReadPort): void {
    this.push({ kind: "read", port });
  }

  recordWrite(memory: MemoryIR, addr: Expr, data: Expr, enable: Expr, location: SourceLocation): void {
    this.push({ kind: "write", memory, addr, data, enable, location });
  }

  /** Runs `body` with statements going into a fresh list, which is returned. */
  collect(body: () => void): Statement[] {
    const saved = this.scope;
    const list: Statement[] = [];
    this.scope = list;
    try {
      body();
    } finally {
      this.scope = saved;
    }
    return list;
  }

  push(statement: Statement): void {
    countNode();
    this.scope.push(statement);
  }

  lastStatement(): Statement | undefined {
    return this.scope[this.scope.length - 1];
  }

  finish(): ModuleIR {
    const { drivers, writes } = expandStatements(this.root, this.regs);
    for (const w of writes) {
      if (w.memory.writePorts.length > 0) {
        throw new ElaborationError(
          `memory "${w.memory.name}" is written in more than one place; a Loom RAM has one write port`,
          w.location,
        );
      }
      (w.memory.writePorts as MemoryWritePort[]).push(w);
    }
    const clocked =
      this.regs.length > 0 ||
      this.memories.some((m) => m.readPorts.some((p) => p.synchronous) || m.writePorts.length > 0) ||
      this.instances.some((i) => i.module.clocked) ||
      (this.blackBox?.clocked ?? false) ||
      this.blackBox?.clockPort !== undefined;
    const ir: ModuleIR = {
      desiredName: this.moduleName,
      params: this.params,
      ports: this.ports,
      wires: this.wires,
      regs: this.regs,
      drivers,
      instances: this.instances,
      memories: this.memories,
      blackBox: this.blackBox,
      clocked,
      location: this.location,
    };
    checkModule(ir);
    return ir;
  }
}

let current: ModuleBuilder | undefined;

/** The module whose body is running; DSL calls outside a body are an error. */
export function currentModule(): ModuleBuilder {
  if (!current)
    throw new ElaborationError("hardware can only be declared inside a module body (see defineModule)");
  return current;
}

/** Runs a module body with `builder` as the current module. */
export function withModule<T>(builder: ModuleBuilder, body: () => T): T {
  const saved = current;
  current = builder;
  try {
    return body();
  } finally {
    current = saved;
  }
}

export { here };
