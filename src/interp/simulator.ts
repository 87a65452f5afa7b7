// A cycle-based, bit-exact simulator of Loom designs in TypeScript. It is the DSL's golden
// semantics and a fast way to unit-test a circuit without a C++ build.
import type { DesignIR } from "../dsl/ir.js";
import { type CompiledDesign, compileDesign } from "./compile.js";
import { type FlatDesign, flatten } from "./flatten.js";

export class Simulator {
  private readonly flat: FlatDesign;
  private readonly code: CompiledDesign;
  private readonly state: unknown[];
  private readonly mem: unknown[][];
  private dirty = true;
  cycle = 0;

  constructor(design: DesignIR) {
    this.flat = flatten(design);
    this.code = compileDesign(this.flat);
    this.state = this.flat.slots.map((s) => (s.width <= 32 ? 0 : 0n));
    this.mem = this.flat.memories.map((m) =>
      Array.from({ length: m.ir.depth }, (_, i) => {
        const v = m.ir.init?.[i] ?? 0n;
        return m.ir.width <= 32 ? Number(v) : v;
      }),
    );
  }

  get inputNames(): string[] {
    return [...this.flat.inputs.keys()];
  }
  get outputNames(): string[] {
    return [...this.flat.outputs.keys()];
  }

  /** Sets a top-level input (kept until changed). */
  poke(name: string, value: bigint | number | boolean): void {
    const slot = this.flat.inputs.get(name);
    if (slot === undefined) throw new Error(`no input "${name}"; inputs are ${this.inputNames.join(", ")}`);
    const w = this.flat.slots[slot]!.width;
    const v = BigInt.asUintN(w, BigInt(value));
    this.state[slot] = w <= 32 ? Number(v) : v;
    this.dirty = true;
  }

  /** Reads any top-level output or input, or an internal signal by hierarchical path. */
  peek(name: string): bigint {
    this.settle();
    const slot =
      this.flat.outputs.get(name) ??
      this.flat.inputs.get(name) ??
      this.flat.slots.find((s) => s.path === name)?.index;
    if (slot === undefined) throw new Error(`no signal "${name}"`);
    return BigInt(this.state[slot] as number | bigint);
  }

  private settle(): void {
    if (this.dirty) {
      this.code.comb(this.state, this.mem);
      this.dirty = false;
    }
  }

  /** One rising clock edge. */
  step(): void {
    this.settle();
    this.code.tick(this.state, this.mem);
    this.dirty = true;
    this.cycle++;
  }

  /**
   * Same contract as the Verilator and Icarus harnesses: per cycle, apply the given inputs,
   * sample every output, then clock.
   */
  runCycles(vectors: Array<Record<string, bigint>>): Array<Record<string, bigint>> {
    const out: Array<Record<string, bigint>> = [];
    for (const vec of vectors) {
      for (const [k, v] of Object.entries(vec)) this.poke(k, v);
      this.settle();
      const sample: Record<string, bigint> = {};
      for (const [name, slot] of this.flat.outputs)
        sample[name] = BigInt(this.state[slot] as number | bigint);
      out.push(sample);
      this.step();
    }
    return out;
  }
}
