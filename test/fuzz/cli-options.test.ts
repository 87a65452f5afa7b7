// Fuzzing `loom gen` option values: random strings and numbers for the numeric options, boards,
// weight-memory styles and option combinations. Refused: one line, exit 1, nothing written.
// Accepted: the design's golden model gives the float model's predictions.
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { loadModel } from "../../src/model/model-load.js";
import { runLoom } from "../support/run-cli.js";
import { checkCase, expectGoldenMatchesFloat, Tally } from "./outcome.js";

const tiny = "test/fixtures/models/tiny-float.json";

const numberText = fc.oneof(
  fc.constantFrom(
    "0",
    "-5",
    "abc",
    "",
    " ",
    "1e9",
    "7.5",
    "NaN",
    "Infinity",
    "0x10",
    "1e-9",
    "100",
    "0.5",
    "64",
  ),
  fc.integer({ min: -10, max: 100000 }).map(String),
  fc.double({ noNaN: false }).map(String),
  fc.string({ maxLength: 6 }),
);

const option = fc.oneof(
  fc.tuple(fc.constant("--clock"), numberText),
  fc.tuple(fc.constant("--target-fps"), numberText),
  fc.tuple(fc.constant("--cycles-per-inference"), numberText),
  fc.tuple(fc.constant("--utilisation"), numberText),
  fc.tuple(fc.constant("--weight-memory"), fc.constantFrom("auto", "block", "distributed", "ultra", "")),
  fc.tuple(fc.constant("--board"), fc.constantFrom("zcu104", "pynq-z2", "ZCU104", "zcu105", "")),
  fc.tuple(fc.constant("--input-fixed-point"), fc.constantFrom("16,6", "8,2", "abc", "0,0", "99,-4")),
);

describe("fuzz: loom gen option values", () => {
  it("refuses cleanly or builds a design that agrees with the float model", async () => {
    const tally = new Tally();
    const root = mkdtempSync(join(tmpdir(), "loom-fuzz-opts-"));
    const model = loadModel(tiny);
    const inputs = fc.sample(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 16, maxLength: 16 }), {
      numRuns: 8,
      seed: 5,
    });
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(option, { minLength: 1, maxLength: 3 }), async (opts) => {
        const dir = join(root, `case-${n++}`);
        mkdirSync(dir);
        const out = join(dir, "out");
        const args = ["gen", "--board", "pynq-z2", "--model", tiny, "--out", out, ...opts.flat()];
        const r = await checkCase(dir, () => runLoom(args));
        tally.count(opts.length === 1 ? opts[0]![0] : "several options", r.exitCode === 0);
        if (r.exitCode !== 0) return;
        expectGoldenMatchesFloat(model, out, inputs);
      }),
      { numRuns: 50, seed: 21, interruptAfterTimeLimit: 30_000 },
    );
    tally.report("CLI options");
    expect(tally.accepted).toBeGreaterThan(0);
    expect(tally.refused).toBeGreaterThan(0);
  });
});
