// `loom inspect MODEL`: what a model is and what it costs, before building anything.
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { loadModelSource } from "../compiler/model-source.js";
import { inspectModel, type LayerCost, type ModelCost } from "../fold/inference-cost.js";
import { FIXED_POINT_OPTION, parseFixedPoint } from "./gen.js";
import { runCommand, UserError } from "./user-error.js";

export function register(program: Command): void {
  program
    .command("inspect")
    .description(
      "show a model's layers (shapes, datatypes, MACs, weight bits, accumulators, thresholds) and its qonnx-style inference cost",
    )
    .argument("<model>", "model file (.json in Loom's format, or .onnx)")
    .option("--json", "print the result as JSON")
    .option(
      "--no-discount-sparsity",
      "count zero weights in the MAC and weight-memory totals (qonnx's default discounts them)",
    )
    .option(...FIXED_POINT_OPTION)
    .action((model: string, opts: { json?: boolean; discountSparsity: boolean; inputFixedPoint: string }) =>
      runCommand(() => {
        if (!existsSync(model)) throw new UserError(`model file ${model} does not exist`);
        const source = loadModelSource(model, { inputFixedPoint: parseFixedPoint(opts.inputFixedPoint) });
        const cost = inspectModel(source.model, { discountSparsity: opts.discountSparsity });
        process.stdout.write(opts.json ? `${JSON.stringify(cost, null, 2)}\n` : inspectText(cost));
      }),
    );
}

/** Rows padded so that every column lines up; numbers right-aligned. */
export function alignedTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const numeric = (s: string) => /^-?[\d,]+$/.test(s);
  return rows
    .map((r) =>
      r
        .map((cell, c) => (numeric(cell) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
        .join("  ")
        .trimEnd(),
    )
    .join("\n");
}

const n = (x: number) => x.toLocaleString("en-US");

const dims = (v: readonly number[]) => v.join("x");

/** `6x5x2 → conv 3x3 s1x1 pad 1,1,1,1 → 6x5x4 → max-pool 2x2 s2x2 → 3x2x4`; dense: `flat 72 → 2`. */
export function featureMaps(l: LayerCost): string {
  const c = l.conv;
  if (!c) return `flat ${n(l.inFeatures)} → ${n(l.outFeatures)}`;
  const pad = c.padding.some((p) => p > 0) ? ` pad ${c.padding.join(",")}` : "";
  const pool = c.pool
    ? ` → max-pool ${dims(c.pool.kernel)} s${dims(c.pool.stride)} → ${dims(l.outputShape)}`
    : "";
  return `${dims(l.inputShape)} → conv ${dims(c.kernel)} s${dims(c.stride)}${pad} → ${dims(c.convShape)}${pool}`;
}

export function inspectText(cost: ModelCost): string {
  const header = [
    "layer",
    "in",
    "out",
    "input",
    "weight",
    "output",
    "MACs",
    "weight bits",
    "accumulator",
    "thresholds",
  ];
  const conv = cost.layers.some((l) => l.conv);
  if (conv) header.push("feature maps");
  const rows = cost.layers.map((l) => [
    l.name,
    n(l.inFeatures),
    n(l.outFeatures),
    l.inputType,
    l.weightType,
    l.outputType,
    n(l.macs),
    n(l.weightBits),
    `${l.accumulatorType}${l.xnor ? " (popcount)" : ""}`,
    l.thresholdsPerChannel === 0 ? "-" : `${l.thresholdsPerChannel} × ${l.thresholdRows}`,
    ...(conv ? [featureMaps(l)] : []),
  ]);
  const totals = Object.entries(cost.totalCost).map(([k, v]) => [
    k,
    typeof v === "number" ? n(v) : Array.isArray(v) ? `[${v.join(", ")}]` : String(v),
  ]);
  return `${cost.model}: input ${cost.inputShape.join("×")} ${cost.inputType}, ${cost.layers.length} layer${cost.layers.length === 1 ? "" : "s"}

${alignedTable([header, ...rows])}

inference cost per image (qonnx inference_cost terms):
${alignedTable(totals)}
`;
}
