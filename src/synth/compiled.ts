// A compiled accelerator (in memory) as a synthesis input.
import type { Compiled } from "../compiler/generate.js";
import type { SynthLayer } from "./accelerator.js";
import type { SynthInput } from "./yosys.js";

export function synthInputOf(c: Compiled): SynthInput & { layers: SynthLayer[] } {
  return {
    files: c.emitted.files,
    verilogFiles: c.emitted.verilogFiles,
    top: c.emitted.topName,
    layers: c.report.layers.map((l) => ({
      name: l.name,
      pe: l.pe,
      simd: l.simd,
      weightsPerPe: l.weightMemory.perPe,
    })),
  };
}
