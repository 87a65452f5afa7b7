// Named ground signals: ports, wires, registers, instance pins and memory read data.
// `set` makes combinational logic and `next` updates a register, so the kind of hardware an
// assignment builds is visible where it is written.
import { ElaborationError } from "./errors.js";
import { Expr, type Operand, toExpr } from "./expr.js";
import { here, type SourceLocation } from "./location.js";
import type { GroundType } from "./types.js";
import { typeName } from "./types.js";

export type SignalKind =
  | "input"
  | "output"
  | "wire"
  | "reg"
  /** A child instance's input pin, driven by the parent. */
  | "inst-input"
  /** A child instance's output pin, read by the parent. */
  | "inst-output"
  /** Registered read data of a memory port. */
  | "mem-data";

/** What a signal needs from the module that owns it. */
export interface SignalOwner {
  readonly moduleName: string;
  recordConnect(target: Signal, value: Expr, location: SourceLocation): void;
}

export interface RegisterInfo {
  /** Reset value as an unsigned bit pattern, or undefined for a register without reset. */
  init?: bigint;
}

export class Signal extends Expr {
  constructor(
    readonly kind: SignalKind,
    type: GroundType,
    readonly signalName: string,
    readonly owner: SignalOwner,
    readonly location: SourceLocation,
    readonly reg?: RegisterInfo,
  ) {
    super("sig", type);
    this.name = signalName;
  }

  /** Drives this wire, output or instance input combinationally (the last `set` wins). */
  set(value: Operand): void {
    const loc = here();
    if (this.kind === "reg") {
      throw new ElaborationError(
        `"${this.signalName}" is a register: update it with .next(...), not .set(...)`,
        loc,
      );
    }
    if (this.kind === "input" || this.kind === "inst-output" || this.kind === "mem-data") {
      throw new ElaborationError(
        `"${this.signalName}" is ${describeKind(this.kind)} and cannot be driven here`,
        loc,
      );
    }
    this.owner.recordConnect(this, checkConnect(this, value, loc), loc);
  }

  /** Sets the value this register takes at the next clock edge (the last `next` wins). */
  next(value: Operand): void {
    const loc = here();
    if (this.kind !== "reg") {
      throw new ElaborationError(
        `"${this.signalName}" is ${describeKind(this.kind)}, not a register: use .set(...)`,
        loc,
      );
    }
    this.owner.recordConnect(this, checkConnect(this, value, loc), loc);
  }
}

function describeKind(kind: SignalKind): string {
  switch (kind) {
    case "input":
      return "an input port";
    case "output":
      return "an output port";
    case "wire":
      return "a wire";
    case "reg":
      return "a register";
    case "inst-input":
      return "an input of a child instance";
    case "inst-output":
      return "an output of a child instance";
    case "mem-data":
      return "memory read data";
  }
}

/** Connect rule: same signedness, and never narrower on the left (truncation must be explicit). */
function checkConnect(target: Signal, value: Operand, loc: SourceLocation): Expr {
  const v = toExpr(value, target);
  if (v.signed !== target.signed) {
    throw new ElaborationError(
      `cannot connect ${typeName(v.type)} to ${typeName(target.type)} "${target.signalName}": signedness differs; convert with asSInt()/asUInt()`,
      loc,
    );
  }
  if (v.width > target.width) {
    throw new ElaborationError(
      `width mismatch: connecting a ${v.width}-bit value to ${target.width}-bit "${target.signalName}"; truncate explicitly with .trunc(${target.width})`,
      loc,
    );
  }
  return v.width < target.width ? v.pad(target.width) : v;
}
