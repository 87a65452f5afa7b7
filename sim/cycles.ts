// Cycle mode file formats, shared by both backends. Stimulus: the cycle count, then one line per
// cycle with every driven input in port order. Results: one line per cycle, outputs in port order.
import type { TopPort } from "../src/rtl/emit.js";
import type { CycleOutputs, CycleVector } from "./types.js";
import { decodeValue, encodeValue } from "./values.js";

export function encodeCycleStimulus(inputs: readonly TopPort[], vectors: readonly CycleVector[]): string {
  const index = new Map(inputs.map((p, i) => [p.name, i]));
  // Inputs start at 0 and hold their value until a vector changes them.
  const current = inputs.map(() => "0");
  const lines: string[] = [String(vectors.length)];
  vectors.forEach((vector, cycle) => {
    for (const name in vector) {
      const i = index.get(name);
      if (i === undefined) {
        const known = inputs.map((p) => p.name).join(", ");
        throw new Error(`cycle ${cycle}: "${name}" is not a driven input (inputs: ${known || "none"})`);
      }
      current[i] = encodeValue(inputs[i]!, vector[name]!, `cycle ${cycle}`);
    }
    lines.push(current.join(" "));
  });
  return `${lines.join("\n")}\n`;
}

export interface DecodedCycles {
  rows: CycleOutputs[];
  /** "port@cycle" of samples that held X/Z bits (Icarus only), which read as 0. */
  unknown: string[];
}

export function decodeCycleResults(
  outputs: readonly TopPort[],
  text: string,
  expected: number,
): DecodedCycles {
  const lines = text.split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  if (lines.length !== expected) {
    throw new Error(`simulator wrote ${lines.length} result lines for ${expected} cycles`);
  }
  const unknown: string[] = [];
  const rows = lines.map((line, cycle) => {
    const tokens = outputs.length === 0 ? [] : line.trim().split(/\s+/);
    if (tokens.length !== outputs.length) {
      throw new Error(
        `simulator result line ${cycle} has ${tokens.length} values for ${outputs.length} outputs: "${line}"`,
      );
    }
    const row: CycleOutputs = {};
    outputs.forEach((p, i) => {
      const { value, unknown: x } = decodeValue(p, tokens[i]!);
      if (x) unknown.push(`${p.name}@${cycle}`);
      row[p.name] = value;
    });
    return row;
  });
  return { rows, unknown };
}
