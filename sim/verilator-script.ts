// Serialises a stream plan into the directive file the Verilator testbench reads (ENGINE_CPP's
// runStreams); ports are referred to by their index in the top's port list.
import type { TopPort } from "../src/rtl/emit.js";
import type { StreamPlan } from "./stream-plan.js";

export function verilatorStreamScript(ports: readonly TopPort[], plan: StreamPlan): string {
  const idx = (p: TopPort | undefined) => (p ? ports.indexOf(p) : -1);
  const lines: string[] = [];
  const r = plan.reset;
  lines.push(`reset ${idx(r?.port)} ${r?.asserted ?? "0"} ${r?.released ?? "0"} ${plan.resetCycles}`);
  lines.push(`max ${plan.maxCycles}`);
  for (const c of plan.constants) lines.push(`const ${idx(c.port)} ${c.hex}`);
  for (const s of plan.sources) {
    lines.push(`src ${idx(s.valid)} ${idx(s.ready)} ${idx(s.data)} ${s.beatsHex.length}`);
    if (s.beatsHex.length > 0) lines.push(s.beatsHex.join("\n"));
    lines.push(s.pattern);
  }
  for (const s of plan.sinks)
    lines.push(`sink ${idx(s.valid)} ${idx(s.ready)} ${idx(s.data)} ${s.count} ${s.pattern}`);
  for (const w of plan.watch) lines.push(`watch ${idx(w)}`);
  lines.push("end");
  return `${lines.join("\n")}\n`;
}
