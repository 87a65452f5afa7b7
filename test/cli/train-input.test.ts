// Issue 16 items 5 and 10: `loom train` input that cannot work is refused in one line before
// training: an empty validation hold-out (it used to hang after "val loss NaN") and an input size
// whose buffers cannot exist.
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isOneLineError, runLoom } from "../support/run-cli.js";

const FIXTURE = "test/fixtures/chest_xray";
const train = (out: string, ...extra: string[]) =>
  runLoom(["train", "--data", FIXTURE, "--out", out, "--hidden", "4", "--epochs", "2", ...extra]);

describe("loom train refuses impossible input", () => {
  it("an empty validation hold-out", { timeout: 20_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-train-"));
    const r = await train(
      join(dir, "m.json"),
      "--input",
      "8x8",
      "--val-strategy",
      "block",
      "--val-folds",
      "1000",
    );
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /the validation hold-out .* has no NORMAL or PNEUMONIA images \(0 images in all\)/,
    );
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("an input size too large to hold", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-train-"));
    const r = await train(join(dir, "m.json"), "--input", "100000x100000");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--input 100000x100000: at most \d+ pixels/);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(readdirSync(dir)).toEqual([]);
  });
});
