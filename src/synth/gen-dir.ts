// Reads what `loom gen` wrote (rtl/ and report.json) back into a synthesis input.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MANIFEST, readManifest } from "../io/output-dir.js";
import type { SynthLayer } from "./accelerator.js";
import type { SynthInput } from "./yosys.js";

interface ReportLayer {
  name: string;
  pe: number;
  simd: number;
  weightMemory?: { perPe?: { depth: number; width: number } };
}

export function readGenDir(dir: string): SynthInput & { layers: SynthLayer[]; board?: string } {
  const rtl = join(dir, "rtl");
  const reportPath = join(dir, "report.json");
  if (!existsSync(rtl) || !existsSync(reportPath)) {
    throw new Error(`${dir} is not a loom gen output directory (rtl/ and report.json expected)`);
  }
  const report = JSON.parse(readFileSync(reportPath, "utf8")) as {
    top?: string;
    board?: { name?: string };
    layers?: ReportLayer[];
  };
  if (typeof report.top !== "string" || !Array.isArray(report.layers)) {
    throw new Error(`${reportPath} has no top module or layer list`);
  }
  // Only the files loom gen wrote: anything a user added to rtl/ is not part of the design.
  const manifest = readManifest(dir);
  if (!manifest) throw new Error(`${dir} has no ${MANIFEST}: run loom gen again to write one`);
  const files = new Map<string, string>();
  for (const path of manifest.files.filter((p) => /^rtl\/[^/]+\.(v|hex)$/.test(p))) {
    const f = path.slice("rtl/".length);
    if (!existsSync(join(rtl, f))) throw new Error(`${join(rtl, f)} is listed in ${MANIFEST} but missing`);
    files.set(f, readFileSync(join(rtl, f), "utf8"));
  }
  const verilogFiles = [...files.keys()].filter((f) => f.endsWith(".v"));
  if (!files.has(`${report.top}.v`)) throw new Error(`${rtl} has no ${report.top}.v`);
  const layers = report.layers.map((l) => ({
    name: l.name,
    pe: l.pe,
    simd: l.simd,
    weightsPerPe: l.weightMemory?.perPe ?? { depth: 0, width: 0 },
  }));
  return { files, verilogFiles, top: report.top, layers, board: report.board?.name };
}
