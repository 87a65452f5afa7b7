// Layering rules of the source tree, checked on the import statements themselves:
// - nothing outside src/cli imports src/cli (library errors are src/core/errors.ts);
// - no cycle between folders (a folder and its own subfolders count as one package, so
//   nn/golden may use nn); sim/ takes part, since src/compiler runs the simulators.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "../..");
const SCANNED = ["src", "sim"];

interface Import {
  from: string;
  to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") ? [path] : [];
  });
}

/** Relative imports and re-exports (type-only ones included: they still couple the folders). */
function imports(): Import[] {
  return SCANNED.flatMap((top) => sourceFiles(join(ROOT, top))).flatMap((file) => {
    const text = readFileSync(file, "utf8");
    return [...text.matchAll(/^\s*(?:import|export)\b[^;]*?\bfrom\s+["'](\.[^"']+)["']/gm)].map((m) => ({
      from: relative(ROOT, file),
      to: relative(ROOT, resolve(dirname(file), m[1]!)).replace(/\.js$/, ".ts"),
    }));
  });
}

const folderOf = (path: string) => dirname(path);
const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`);

/** Folder-level edges, without those between a folder and its ancestors or descendants. */
function folderGraph(list: readonly Import[]): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of list) {
    const a = folderOf(from);
    const b = folderOf(to);
    if (within(a, b) || within(b, a)) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

/** One cycle per strongly connected group of folders, as "a → b → a". */
function cycles(graph: Map<string, Set<string>>): string[] {
  const found: string[] = [];
  const state = new Map<string, "open" | "done">();
  const path: string[] = [];
  const visit = (node: string) => {
    state.set(node, "open");
    path.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === "open") found.push([...path.slice(path.indexOf(next)), next].join(" → "));
      else if (!state.has(next)) visit(next);
    }
    path.pop();
    state.set(node, "done");
  };
  for (const node of [...graph.keys()].sort()) if (!state.has(node)) visit(node);
  return found;
}

describe("layering", () => {
  const list = imports();

  it("scans the tree (the import pattern still matches the code)", () => {
    expect(list.length).toBeGreaterThan(300);
  });

  it("has no import of src/cli from below it", () => {
    const offending = list.filter((i) => within(i.to, "src/cli") && !within(i.from, "src/cli"));
    expect(offending.map((i) => `${i.from} imports ${i.to}`)).toEqual([]);
  });

  it("has no cycle between folders", () => {
    expect(cycles(folderGraph(list))).toEqual([]);
  });

  it("finds a cycle and a cli import when there is one (the checks themselves work)", () => {
    const planted = [
      { from: "src/lib/mvau/a.ts", to: "src/lib/threshold/b.ts" },
      { from: "src/lib/threshold/b.ts", to: "src/lib/mvau/c.ts" },
      { from: "src/model/golden/d.ts", to: "src/nn/e.ts" },
      { from: "src/nn/e.ts", to: "src/model/golden/d.ts" },
    ];
    expect(cycles(folderGraph(planted))).toEqual(["src/lib/mvau → src/lib/threshold → src/lib/mvau"]);
  });
});
