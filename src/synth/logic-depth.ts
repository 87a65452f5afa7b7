// A timing proxy where no open place-and-route exists (Xilinx parts): the deepest
// register-to-register path in LUT levels, and the longest carry chain on any path, read from
// Yosys's JSON netlist after `synth_xilinx`. Each module is measured on its own, its ports and
// submodule instances counting as path ends (a path crossing a module boundary is counted in
// pieces; the blocks register their outputs, so few do). docs/performance.md gives the budget.

export interface ModuleDepth {
  /** LUTs on the deepest combinational path between two path ends. */
  lutLevels: number;
  /** CARRY4/CARRY8 cells chained on the path with the most of them. */
  carryCells: number;
}

/**
 * LUT levels that fit a 4 ns clock (250 MHz) on UltraScale+ -2, routing included: the derivation
 * and its sources are in docs/performance.md ("Logic depth").
 */
export const DEPTH_BUDGET_250MHZ = { lutLevels: 5 } as const;

interface JsonCell {
  type: string;
  port_directions?: Record<string, "input" | "output" | "inout">;
  connections: Record<string, Array<number | string>>;
}

interface JsonModule {
  cells?: Record<string, JsonCell>;
}

/** Cells a path passes through: LUTs add a level, carry cells a chain link, wide muxes and inverters nothing. */
function combinationalKind(type: string): "lut" | "carry" | "pass" | undefined {
  if (/^LUT[1-6]$/.test(type)) return "lut";
  if (/^CARRY(4|8)$/.test(type)) return "carry";
  if (/^MUXF[789]$/.test(type) || type === "INV") return "pass";
  return undefined;
}

/** Depth of one module of a Yosys JSON netlist (`write_json`). */
export function moduleDepth(m: JsonModule): ModuleDepth {
  // Which combinational cell drives each net bit.
  const driver = new Map<number, JsonCell>();
  for (const cell of Object.values(m.cells ?? {})) {
    if (!combinationalKind(cell.type)) continue;
    for (const [port, bits] of Object.entries(cell.connections)) {
      if (cell.port_directions?.[port] !== "output") continue;
      for (const b of bits) if (typeof b === "number") driver.set(b, cell);
    }
  }
  const memo = new Map<JsonCell, ModuleDepth>();
  const active = new Set<JsonCell>();
  const depthOfCell = (cell: JsonCell): ModuleDepth => {
    const done = memo.get(cell);
    if (done) return done;
    if (active.has(cell)) throw new Error(`combinational loop through a ${cell.type} cell`);
    active.add(cell);
    let lut = 0;
    let carry = 0;
    for (const [port, bits] of Object.entries(cell.connections)) {
      if (cell.port_directions?.[port] !== "input") continue;
      for (const b of bits) {
        const from = typeof b === "number" ? driver.get(b) : undefined;
        if (!from) continue;
        const d = depthOfCell(from);
        lut = Math.max(lut, d.lutLevels);
        carry = Math.max(carry, d.carryCells);
      }
    }
    active.delete(cell);
    const kind = combinationalKind(cell.type);
    const result = {
      lutLevels: lut + (kind === "lut" ? 1 : 0),
      carryCells: carry + (kind === "carry" ? 1 : 0),
    };
    memo.set(cell, result);
    return result;
  };
  let lutLevels = 0;
  let carryCells = 0;
  for (const cell of new Set(driver.values())) {
    const d = depthOfCell(cell);
    lutLevels = Math.max(lutLevels, d.lutLevels);
    carryCells = Math.max(carryCells, d.carryCells);
  }
  return { lutLevels, carryCells };
}

/** Depth of every module in a Yosys JSON netlist, by module name (leading backslash removed). */
export function netlistDepths(json: string): Map<string, ModuleDepth> {
  const raw = JSON.parse(json) as {
    modules?: Record<string, JsonModule & { attributes?: Record<string, unknown> }>;
  };
  const depths = new Map<string, ModuleDepth>();
  for (const [name, m] of Object.entries(raw.modules ?? {})) {
    if (m.attributes?.blackbox) continue;
    depths.set(name.replace(/^\\/, ""), moduleDepth(m));
  }
  return depths;
}

/** The deepest figures over a module and everything it instantiates. */
export function hierarchicalDepth(
  depths: ReadonlyMap<string, ModuleDepth>,
  modules: ReadonlyMap<string, Record<string, number>>,
  top: string,
): ModuleDepth {
  const seen = new Set<string>();
  const result: ModuleDepth = { lutLevels: 0, carryCells: 0 };
  const visit = (name: string) => {
    if (seen.has(name)) return;
    seen.add(name);
    const d = depths.get(name);
    if (d) {
      result.lutLevels = Math.max(result.lutLevels, d.lutLevels);
      result.carryCells = Math.max(result.carryCells, d.carryCells);
    }
    for (const type of Object.keys(modules.get(name) ?? {})) {
      const sub = type.replace(/^\\/, "");
      if (modules.has(sub)) visit(sub);
    }
  };
  visit(top);
  return result;
}
