// Yosys `stat -json` output: per-module cell counts, and hierarchical totals computed by
// expanding each instance of a user module into that module's own cells.

export interface YosysStat {
  /** Module name (without Yosys's leading backslash) → its own cells by type (submodule instances included as cells of the submodule's type). */
  modules: Map<string, Record<string, number>>;
  /** The whole design's cells by type, flattened (present when `stat -top` was used). */
  design?: Record<string, number>;
}

interface RawModule {
  num_cells_by_type?: Record<string, number>;
}

/** Parses the text of `stat -json`; throws a clear error when it is not that shape. */
export function parseStat(text: string): YosysStat {
  let raw: { modules?: Record<string, RawModule>; design?: RawModule };
  try {
    raw = JSON.parse(text);
  } catch {
    throw new Error("Yosys stat output is not JSON");
  }
  if (!raw || typeof raw !== "object" || typeof raw.modules !== "object") {
    throw new Error("Yosys stat output has no modules section");
  }
  const modules = new Map<string, Record<string, number>>();
  for (const [name, m] of Object.entries(raw.modules)) {
    modules.set(stripName(name), { ...(m.num_cells_by_type ?? {}) });
  }
  return { modules, design: raw.design?.num_cells_by_type };
}

/** Yosys escapes user identifiers with a leading backslash. */
export function stripName(name: string): string {
  return name.startsWith("\\") ? name.slice(1) : name;
}

/**
 * Every primitive cell under `top`, counting each submodule instance as all of that module's
 * cells (recursively). Unknown modules (black boxes) stay as cells of their own type.
 */
export function hierarchicalCells(stat: YosysStat, top: string): Record<string, number> {
  const memo = new Map<string, Record<string, number>>();
  const visit = (name: string, path: readonly string[]): Record<string, number> => {
    const done = memo.get(name);
    if (done) return done;
    if (path.includes(name)) throw new Error(`module ${name} instantiates itself`);
    const own = stat.modules.get(name);
    if (!own) throw new Error(`module ${name} is not in the synthesised design`);
    const total: Record<string, number> = {};
    for (const [type, n] of Object.entries(own)) {
      const sub = stripName(type);
      if (stat.modules.has(sub)) {
        for (const [t, k] of Object.entries(visit(sub, [...path, name]))) total[t] = (total[t] ?? 0) + n * k;
      } else {
        total[type] = (total[type] ?? 0) + n;
      }
    }
    memo.set(name, total);
    return total;
  };
  return visit(top, []);
}

/** How many instances of each module the hierarchy under `top` contains (top included, once). */
export function instanceCounts(stat: YosysStat, top: string): Map<string, number> {
  const counts = new Map<string, number>();
  const visit = (name: string, times: number): void => {
    counts.set(name, (counts.get(name) ?? 0) + times);
    for (const [type, n] of Object.entries(stat.modules.get(name) ?? {})) {
      const sub = stripName(type);
      if (stat.modules.has(sub)) visit(sub, times * n);
    }
  };
  visit(top, 1);
  return counts;
}
