// Design → Verilog files, one module per file. Output is deterministic: the same design gives
// byte-identical text. Structurally identical modules are emitted once and shared; different
// modules that ask for the same name get stable suffixes in elaboration order.
import { ElaborationError } from "../dsl/errors.js";
import type { Expr } from "../dsl/expr.js";
import type { DesignIR, MemoryIR, ModuleIR } from "../dsl/ir.js";
import type { Signal } from "../dsl/signal.js";
import { declaration, ExprEmitter, literal, range } from "./expr-verilog.js";

export interface EmittedDesign {
  topName: string;
  /** File name → contents: `Name.v` per module, `Name_mem.hex` per ROM/RAM image. */
  files: Map<string, string>;
  /** Verilog files in dependency order (children first), for simulators and tools. */
  verilogFiles: string[];
  /**
   * File name → Verilog of a black box's Loom model (a vendor primitive's behaviour): for
   * simulators and lint only, never for synthesis, which knows the real primitive.
   */
  simulationModels: Map<string, string>;
  /** Module IR → its final Verilog name. */
  moduleNames: Map<ModuleIR, string>;
  /** The top module's ports in declaration order, clock and reset included when present. */
  topPorts: TopPort[];
  clock?: string;
  reset?: { name: string; activeLow: boolean };
}

export interface TopPort {
  name: string;
  width: number;
  direction: "input" | "output";
  signed: boolean;
}

/**
 * Folder for the Loom models of vendor primitives (the DSP48E2) when written to disk (rtl/ of
 * `loom gen`, `loom emit`'s output): for simulators beside the design's .v files, never read by
 * `loom synth` or the Vivado script, which know the primitive.
 */
export const SIM_MODELS = "sim_models";

/** Memory images at or above this many words go to a $readmemh file instead of inline initialisers. */
const INLINE_INIT_LIMIT = 64;
const NAME_PLACEHOLDER = "\u0000MODULE\u0000";

export function emitVerilog(design: DesignIR): EmittedDesign {
  const { clock, reset, resetActiveLow } = design.clocking;
  const moduleNames = new Map<ModuleIR, string>();
  const usesReset = new Map<ModuleIR, boolean>();
  const byBody = new Map<string, string>();
  const usedNames = new Set<string>();
  const files = new Map<string, string>();
  const verilogFiles: string[] = [];
  const simulationModels = new Map<string, string>();

  const visit = (m: ModuleIR): void => {
    if (moduleNames.has(m)) return;
    for (const inst of m.instances) visit(inst.module);
    const needsReset =
      m.regs.some((r) => r.reg?.init !== undefined) ||
      m.instances.some((i) => usesReset.get(i.module)) ||
      (m.blackBox?.clocked ?? false);
    usesReset.set(m, needsReset);
    if (m.blackBox) {
      moduleNames.set(m, m.blackBox.verilogName);
      if (m.blackBox.source && !files.has(`${m.blackBox.verilogName}.v`)) {
        files.set(`${m.blackBox.verilogName}.v`, m.blackBox.source);
        verilogFiles.push(`${m.blackBox.verilogName}.v`);
      }
      if (m.blackBox.model) addModel(m.blackBox.verilogName, m.blackBox.model, m.blackBox);
      return;
    }
    const body = new ModuleWriter(m, {
      clock,
      reset,
      resetActiveLow,
      needsReset,
      moduleNames,
      usesReset,
    }).write();
    const key = `${m.desiredName}\n${body.text}\n${JSON.stringify(body.images)}`;
    const existing = byBody.get(key);
    if (existing) {
      moduleNames.set(m, existing);
      return;
    }
    if (!/^[A-Za-z_][A-Za-z0-9_$]*$/.test(m.desiredName)) {
      throw new ElaborationError(
        `module name "${m.desiredName}" is not a Verilog identifier; name the module with letters, digits and _`,
        m.location,
      );
    }
    let name = m.desiredName;
    for (let i = 1; usedNames.has(name); i++) name = `${m.desiredName}_${i}`;
    usedNames.add(name);
    byBody.set(key, name);
    moduleNames.set(m, name);
    const header = headerComment(m);
    files.set(`${name}.v`, header + body.text.split(NAME_PLACEHOLDER).join(name));
    verilogFiles.push(`${name}.v`);
    for (const [mem, text] of body.images) files.set(`${name}_${mem}.hex`, text);
  };
  /** A black box's model, named as the black box and accepting its parameters. */
  const addModel = (name: string, model: ModuleIR, bb: NonNullable<ModuleIR["blackBox"]>): void => {
    const body = new ModuleWriter(model, {
      clock: bb.clockPort ?? clock,
      reset,
      resetActiveLow,
      needsReset: false,
      moduleNames,
      usesReset,
    }).write(bb.parameters);
    const text = headerComment(model) + body.text.split(NAME_PLACEHOLDER).join(name);
    const file = `${name}.v`;
    const existing = simulationModels.get(file);
    if (existing !== undefined && existing !== text) {
      throw new ElaborationError(
        `black box ${name} is used with two different parameter sets; its simulation model is one module, so one design can use only one`,
        model.location,
      );
    }
    simulationModels.set(file, text);
  };
  visit(design.top);
  const top = design.top;
  const topPorts: TopPort[] = [];
  if (top.clocked) topPorts.push({ name: clock, width: 1, direction: "input", signed: false });
  if (usesReset.get(top)) topPorts.push({ name: reset, width: 1, direction: "input", signed: false });
  for (const p of top.ports) {
    topPorts.push({
      name: p.signalName,
      width: p.width,
      direction: p.kind === "input" ? "input" : "output",
      signed: p.signed,
    });
  }
  return {
    topName: moduleNames.get(top)!,
    files,
    verilogFiles,
    simulationModels,
    moduleNames,
    topPorts,
    clock: top.clocked ? clock : undefined,
    reset: usesReset.get(top) ? { name: reset, activeLow: resetActiveLow } : undefined,
  };
}

function headerComment(m: ModuleIR): string {
  // Long arrays (weights, thresholds) are summarised: the header says which generator, not what data.
  const params =
    m.params === undefined
      ? ""
      : JSON.stringify(m.params, (_k, v) =>
          typeof v === "bigint" ? `${v}` : Array.isArray(v) && v.length > 8 ? `[${v.length} values]` : v,
        );
  const shown = params.length > 300 ? `${params.slice(0, 300)}…` : params;
  return `// Generated by Loom from ${m.location}. Do not edit.\n${shown ? `// Parameters: ${shown}\n` : ""}`;
}

interface WriterContext {
  clock: string;
  reset: string;
  resetActiveLow: boolean;
  needsReset: boolean;
  moduleNames: Map<ModuleIR, string>;
  usesReset: Map<ModuleIR, boolean>;
}

class ModuleWriter {
  private readonly exprs: ExprEmitter;
  readonly images: Array<[string, string]> = [];

  constructor(
    private readonly m: ModuleIR,
    private readonly ctx: WriterContext,
  ) {
    const taken = new Set<string>([ctx.clock, ctx.reset]);
    for (const s of [...m.ports, ...m.wires, ...m.regs]) taken.add(s.signalName);
    for (const i of m.instances) {
      taken.add(i.name);
      for (const p of i.pins.values()) taken.add(p.signalName);
    }
    for (const mem of m.memories) {
      taken.add(mem.name);
      for (const p of mem.readPorts) taken.add(p.data.signalName);
    }
    this.exprs = new ExprEmitter(taken);
  }

  /** Every expression the module writes out, so the emitter knows how often each is read. */
  private roots(): Expr[] {
    const { m } = this;
    const roots: Expr[] = [...m.drivers.values()];
    for (const mem of m.memories) {
      for (const p of mem.writePorts) roots.push(p.addr, p.data, p.enable);
      for (const p of mem.readPorts) roots.push(p.addr, ...(p.synchronous ? [p.enable] : []));
    }
    return roots;
  }

  /** The module's Verilog; `parameters` are declared (and unused) for a black box's model. */
  write(parameters?: Readonly<Record<string, number | string>>): {
    text: string;
    images: Array<[string, string]>;
  } {
    const { m, ctx } = this;
    for (const e of this.roots()) this.exprs.addRoot(e);
    for (const [s, v] of m.drivers) if (s.kind !== "reg") this.exprs.addDriver(s, v);
    const usage = this.exprs.usage;
    const body: string[] = [];
    const logic = this.exprs.lines;
    const drive = (s: Signal) => {
      const v = m.drivers.get(s);
      if (v) {
        const text = this.exprs.operand(v);
        if (text !== s.signalName) logic.push(`assign ${s.signalName} = ${text};`);
      }
    };
    for (const p of m.ports) if (p.kind === "output") drive(p);
    for (const w of m.wires) drive(w);
    for (const inst of m.instances)
      for (const pin of inst.pins.values()) if (pin.kind === "inst-input") drive(pin);

    const regBlock = this.registers();
    const memBlocks = m.memories.map((mem) => this.memory(mem));
    const instBlocks = m.instances.map((inst) => {
      const child = inst.module;
      const conns: string[] = [];
      if (child.clocked) conns.push(`.${child.blackBox?.clockPort ?? ctx.clock}(${ctx.clock})`);
      if (ctx.usesReset.get(child)) conns.push(`.${ctx.reset}(${ctx.reset})`);
      for (const p of child.ports) conns.push(`.${p.signalName}(${inst.pins.get(p.signalName)!.signalName})`);
      const bb = child.blackBox;
      const params =
        bb && Object.keys(bb.parameters).length > 0
          ? ` #(\n${Object.entries(bb.parameters)
              .map(([k, v]) => `    .${k}(${typeof v === "string" ? JSON.stringify(v) : v})`)
              .join(",\n")}\n  )`
          : "";
      return `  ${ctx.moduleNames.get(child)}${params} ${inst.name} (\n${conns.map((c) => `    ${c}`).join(",\n")}\n  );`;
    });

    // Waivers go on the one signal that needs them: an input read only in part or not at all (a
    // padded tdata), a child's output the parent has no use for (a FIFO's count), a value of
    // which only a slice is read.
    const portLines: string[] = [];
    if (m.clocked) portLines.push(`input wire ${ctx.clock}`);
    if (ctx.needsReset) portLines.push(`input wire ${ctx.reset}`);
    for (const p of m.ports) {
      const line = `${p.kind === "input" ? "input" : "output"} wire ${range(p.width)}${p.signalName}`;
      portLines.push(p.kind === "input" ? declaration(line, usage.wholeRead(p)) : line);
    }

    const decls: string[] = [];
    const declare = (kind: string, s: Signal) =>
      decls.push(declaration(`${kind} ${range(s.width)}${s.signalName};`, usage.wholeRead(s)));
    for (const r of m.regs) declare("reg", r);
    for (const w of m.wires) declare("wire", w);
    for (const inst of m.instances) for (const pin of inst.pins.values()) declare("wire", pin);

    const params = Object.entries(parameters ?? {});
    if (params.length === 0) body.push(`module ${NAME_PLACEHOLDER} (`);
    else {
      // The model is built for these values: they are declared so the instance's #(...) is accepted.
      body.push(`module ${NAME_PLACEHOLDER} #(`, "  /* verilator lint_off UNUSEDPARAM */");
      body.push(
        params
          .map(([k, v]) => `  parameter ${k} = ${typeof v === "string" ? JSON.stringify(v) : v}`)
          .join(",\n"),
      );
      body.push("  /* verilator lint_on UNUSEDPARAM */", ") (");
    }
    body.push(portLines.map((l) => `  ${l}`).join(",\n"));
    body.push(");");
    const section = (title: string, lines: string[]) => {
      if (lines.length === 0) return;
      body.push("", `  // ${title}`);
      for (const l of lines) body.push(l.startsWith("  ") ? l : `  ${l}`);
    };
    section("signals", decls);
    section(
      "memories",
      memBlocks.flatMap((b) => b.decls),
    );
    section("logic", logic);
    section("registers", regBlock);
    section(
      "memory ports",
      memBlocks.flatMap((b) => b.logic),
    );
    if (instBlocks.length > 0) body.push("", "  // instances", ...instBlocks);
    body.push("", "endmodule", "");
    return { text: body.join("\n"), images: this.images };
  }

  private resetCondition(): string {
    return this.ctx.resetActiveLow ? `!${this.ctx.reset}` : this.ctx.reset;
  }

  private registers(): string[] {
    const { m, ctx } = this;
    const withReset = m.regs.filter((r) => r.reg?.init !== undefined);
    const without = m.regs.filter((r) => r.reg?.init === undefined);
    const next = (r: Signal) => {
      const v = m.drivers.get(r);
      return v ? this.exprs.operand(v) : r.signalName;
    };
    const lines: string[] = [];
    if (withReset.length > 0) {
      const nexts = withReset.map((r) => `      ${r.signalName} <= ${next(r)};`);
      lines.push(`always @(posedge ${ctx.clock}) begin`);
      lines.push(`    if (${this.resetCondition()}) begin`);
      for (const r of withReset) lines.push(`      ${r.signalName} <= ${literal(r.width, r.reg!.init!)};`);
      lines.push("    end else begin", ...nexts, "    end", "  end");
    }
    if (without.length > 0) {
      const nexts = without.map((r) => `    ${r.signalName} <= ${next(r)};`);
      lines.push(`always @(posedge ${ctx.clock}) begin`, ...nexts, "  end");
    }
    return lines;
  }

  private memory(mem: MemoryIR): { decls: string[]; logic: string[] } {
    const { ctx } = this;
    const isRom = mem.writePorts.length === 0;
    const style = mem.style === "auto" ? undefined : mem.style === "registers" ? "registers" : mem.style;
    const attr = style ? `(* ${isRom ? "rom_style" : "ram_style"} = "${style}" *) ` : "";
    const decls = [`${attr}reg ${range(mem.width)}${mem.name} [0:${mem.depth - 1}];`];
    for (const p of mem.readPorts)
      decls.push(
        declaration(
          `${p.synchronous ? "reg" : "wire"} ${range(mem.width)}${p.data.signalName};`,
          this.exprs.usage.wholeRead(p.data),
        ),
      );
    const logic: string[] = [];
    if (mem.init) {
      if (mem.init.length >= INLINE_INIT_LIMIT) {
        const file = `${NAME_PLACEHOLDER}_${mem.name}.hex`;
        const digits = Math.ceil(mem.width / 4);
        this.images.push([
          mem.name,
          `${mem.init.map((v) => v.toString(16).padStart(digits, "0")).join("\n")}\n`,
        ]);
        logic.push(`initial $readmemh("${file}", ${mem.name});`);
      } else {
        logic.push("initial begin");
        mem.init.forEach((v, i) => logic.push(`    ${mem.name}[${i}] = ${literal(mem.width, v)};`));
        logic.push("  end");
      }
    }
    for (const w of mem.writePorts) {
      const en = this.exprs.operand(w.enable);
      logic.push(`always @(posedge ${ctx.clock}) begin`);
      logic.push(
        `    if (${en}) ${mem.name}[${this.exprs.operand(w.addr)}] <= ${this.exprs.operand(w.data)};`,
      );
      logic.push("  end");
    }
    for (const p of mem.readPorts) {
      const addr = this.exprs.operand(p.addr);
      if (p.synchronous) {
        const en = this.exprs.operand(p.enable);
        logic.push(`always @(posedge ${ctx.clock}) begin`);
        logic.push(`    if (${en}) ${p.data.signalName} <= ${mem.name}[${addr}];`);
        logic.push("  end");
      } else {
        logic.push(`assign ${p.data.signalName} = ${mem.name}[${addr}];`);
      }
    }
    return { decls, logic };
  }
}
