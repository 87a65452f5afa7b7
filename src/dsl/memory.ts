// Memories: a ROM with contents fixed at elaboration and a RAM with one write and one read
// port. Synchronous reads are what block RAM needs; asynchronous reads map to LUT RAM.
import { currentModule } from "./builder.js";
import { ElaborationError } from "./errors.js";
import { type Expr, lit, type Operand, toExpr } from "./expr.js";
import type { MemoryIR, MemoryReadPort, MemoryStyle } from "./ir.js";
import { here } from "./location.js";
import { NodeBudgetError } from "./node-budget.js";
import type { Signal } from "./signal.js";
import { type GroundType, typeName, UInt } from "./types.js";

export interface MemoryOptions {
  /**
   * `block` asks for block RAM, `distributed` for LUT RAM, `ultra` for UltraRAM (RAMs only: it
   * has no initial contents), `auto` leaves it to synthesis.
   */
  style?: MemoryStyle;
}

export function addressWidth(depth: number): number {
  return Math.max(1, Math.ceil(Math.log2(depth)));
}

abstract class MemoryBase {
  protected readonly ir: MemoryIR;
  private reads = 0;

  constructor(
    readonly name: string,
    readonly type: GroundType,
    depth: number,
    init: readonly bigint[] | undefined,
    style: MemoryStyle,
  ) {
    if (!Number.isInteger(depth) || depth < 1)
      throw new ElaborationError(`memory "${name}" needs a positive depth`);
    const m = currentModule();
    const location = here();
    m.claimName(name, location);
    this.ir = { name, width: type.width, depth, init, style, readPorts: [], writePorts: [], location };
    m.memories.push(this.ir);
  }

  get depth(): number {
    return this.ir.depth;
  }
  get addrWidth(): number {
    return addressWidth(this.ir.depth);
  }

  protected checkAddr(addr: Operand): Expr {
    const a = toExpr(addr);
    if (a.signed)
      throw new ElaborationError(`memory "${this.name}": address must be a UInt, got ${typeName(a.type)}`);
    if (a.width > this.addrWidth) {
      throw new ElaborationError(
        `memory "${this.name}" has ${this.ir.depth} words (${this.addrWidth} address bits) but the address is ${a.width} bits; truncate it`,
      );
    }
    if (a.op === "lit" && a.param.value! >= BigInt(this.ir.depth)) {
      throw new ElaborationError(
        `memory "${this.name}" has ${this.ir.depth} words; address ${a.param.value} is out of range`,
      );
    }
    return a.width < this.addrWidth ? a.pad(this.addrWidth) : a;
  }

  protected addReadPort(addr: Operand, enable: Operand, synchronous: boolean): Signal {
    const m = currentModule();
    const location = here();
    const suffix = this.reads++ === 0 ? "" : `${this.reads - 1}`;
    const data = m.declare("mem-data", this.type, `${this.name}_rdata${suffix}`, location);
    const en = toExpr(enable);
    if (en.width !== 1) throw new ElaborationError(`memory "${this.name}": read enable must be a Bool`);
    const port: MemoryReadPort = { addr: this.checkAddr(addr), enable: en, data, synchronous, location };
    this.ir.readPorts.push(port);
    m.recordRead(port);
    return data;
  }

  /** Synchronous read: the word at `addr` appears one cycle after a cycle with `enable` high. */
  read(addr: Operand, enable: Operand = true): Signal {
    return this.addReadPort(addr, enable, true);
  }

  /** Combinational read (LUT RAM / LUT ROM only: block RAM needs the synchronous `read`). */
  readAsync(addr: Operand): Signal {
    return this.addReadPort(addr, true, false);
  }
}

export class Rom extends MemoryBase {}

export class Ram extends MemoryBase {
  /** Writes `data` at `addr` at the clock edge (in the enclosing when-block's condition). */
  write(addr: Operand, data: Operand, enable: Operand = true): void {
    const d = toExpr(data, undefined);
    if (d.width > this.type.width || d.signed !== this.type.signed) {
      throw new ElaborationError(
        `memory "${this.name}" holds ${typeName(this.type)}; cannot write ${typeName(d.type)}`,
      );
    }
    currentModule().recordWrite(
      this.ir,
      this.checkAddr(addr),
      d.pad(this.type.width),
      toExpr(enable),
      here(),
    );
  }
}

/** A read-only memory initialised from `contents` (numbers or bigints, in the element type's range). */
export function rom(
  name: string,
  type: GroundType,
  contents: readonly (number | bigint)[],
  options: MemoryOptions = {},
): Rom {
  if (contents.length === 0) throw new ElaborationError(`ROM "${name}" needs at least one word`);
  if (options.style === "ultra")
    throw new ElaborationError(`ROM "${name}": UltraRAM cannot be initialised from the bitstream; use a RAM`);
  const init = contents.map((v, i) => {
    try {
      return lit(v, type).param.value!;
    } catch (e) {
      if (e instanceof NodeBudgetError) throw e;
      throw new ElaborationError(`ROM "${name}" word ${i} = ${v} does not fit ${typeName(type)}`);
    }
  });
  return new Rom(name, type, contents.length, init, options.style ?? "auto");
}

/** A RAM of `depth` words with one write port and synchronous (or asynchronous) reads. */
export function ram(name: string, type: GroundType, depth: number, options: MemoryOptions = {}): Ram {
  return new Ram(name, type, depth, undefined, options.style ?? "auto");
}

export const addrType = (depth: number): GroundType => UInt(addressWidth(depth));
