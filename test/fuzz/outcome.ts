// The property every fuzz case must satisfy, and the tally of accepted and refused cases.
// Refused: exit code 1, one `loom:` error line without a stack trace, and the case's directory
// unchanged (tree hash). Accepted: exit code 0 (then the caller checks the build's golden model).
import { join } from "node:path";
import { expect } from "vitest";
import { runFloatModel, runGolden } from "../../src/model/golden/index.js";
import type { Model } from "../../src/model/model-format.js";
import { loadModel } from "../../src/model/model-load.js";
import { type CliResult, isOneLineError } from "../support/run-cli.js";
import { treeHash } from "../support/tree-hash.js";

export class Tally {
  accepted = 0;
  refused = 0;
  readonly kinds = new Map<string, { accepted: number; refused: number }>();

  count(kind: string, accepted: boolean): void {
    if (accepted) this.accepted++;
    else this.refused++;
    const k = this.kinds.get(kind) ?? { accepted: 0, refused: 0 };
    if (accepted) k.accepted++;
    else k.refused++;
    this.kinds.set(kind, k);
  }

  /** One log line: a fuzzer passed by refusing everything would show it here. */
  report(name: string): string {
    const kinds = [...this.kinds].map(([k, v]) => `${k} ${v.accepted}/${v.refused}`).join(", ");
    const line = `fuzz ${name}: ${this.accepted} accepted, ${this.refused} refused (accepted/refused by kind: ${kinds})`;
    console.log(line);
    return line;
  }
}

/** Runs a CLI case and checks the refused-case property; returns whether it was accepted. */
export async function checkCase(dir: string, run: () => Promise<CliResult>): Promise<CliResult> {
  const before = treeHash(dir);
  const r = await run();
  expect([0, 1], r.stderr).toContain(r.exitCode);
  if (r.exitCode !== 0) {
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(treeHash(dir), `refused case changed ${dir}: ${r.stderr}`).toBe(before);
  }
  return r;
}

/** The golden model `loom gen` wrote into `out` gives the float model's prediction on every input. */
export function expectGoldenMatchesFloat(model: Model, out: string, inputs: number[][]): void {
  const golden = loadModel(join(out, "model.streamlined.json"));
  for (const x of inputs) {
    const input = x.map(BigInt);
    expect(runGolden(golden, [input]).predictions[0]).toBe(runFloatModel(model, input).prediction);
  }
}
