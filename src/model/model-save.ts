// Writes a model file: indented JSON with each list of numbers on one line, so weight matrices
// read as rows and diffs stay small.
import { writeFileSync } from "node:fs";
import type { Model } from "./model-format.js";

export function formatModelJson(model: Model): string {
  const text = JSON.stringify(model, null, 2);
  // Collapse arrays whose items are all numbers (or decimal strings) onto one line.
  return `${text.replace(/\[\s*((?:-?[\d.eE+-]+|"-?\d+")(?:,\s*(?:-?[\d.eE+-]+|"-?\d+"))*)\s*\]/g, (_, items: string) => `[${items.split(/,\s*/).join(", ")}]`)}\n`;
}

export function saveModel(path: string, model: Model): void {
  writeFileSync(path, formatModelJson(model));
}
