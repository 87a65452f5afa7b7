// Issue 16 item 3: `loom eval` and `loom train` never replace a file unasked. eval writes its
// report only into --report-dir; an existing file there, or an existing --out of train, is
// replaced only with --force.
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isOneLineError, runLoom } from "../support/run-cli.js";

const FIXTURE = "test/fixtures/chest_xray";

describe("no overwriting by default", () => {
  it("loom train refuses an existing --out and leaves it untouched", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-nooverwrite-"));
    const precious = join(dir, "precious.json");
    writeFileSync(precious, "my notes, not a model\n");
    const r = await runLoom(["train", "--data", FIXTURE, "--out", precious, "--epochs", "1"]);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/precious\.json already exists; loom train replaces it only with --force/);
    expect(isOneLineError(r.stderr)).toBe(true);
    expect(readFileSync(precious, "utf8")).toBe("my notes, not a model\n");
    expect(readdirSync(dir)).toEqual(["precious.json"]);
  });

  it("loom eval writes nothing next to the model, and replaces a report only with --force", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-eval-"));
    const model = join(dir, "m.json");
    copyFileSync("models/pneumonia-w8a8.json", model);
    const committed = join(dir, "m-eval-test.md");
    writeFileSync(committed, "committed report\n");
    const plain = await runLoom(["eval", "--model", model, "--data", FIXTURE, "--json"]);
    expect(plain.exitCode, plain.stderr).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(["m-eval-test.md", "m.json"]);
    expect(readFileSync(committed, "utf8")).toBe("committed report\n");

    const again = await runLoom(["eval", "--model", model, "--data", FIXTURE, "--report-dir", dir]);
    expect(again.exitCode).toBe(1);
    expect(again.stderr).toMatch(/m-eval-test\.md already exists; loom eval replaces it only with --force/);
    expect(readFileSync(committed, "utf8")).toBe("committed report\n");

    const forced = await runLoom([
      "eval",
      "--model",
      model,
      "--data",
      FIXTURE,
      "--report-dir",
      dir,
      "--force",
    ]);
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(readFileSync(committed, "utf8")).toMatch(/# m on test/);
    expect(readdirSync(dir).sort()).toEqual(["m-eval-test-confusion.svg", "m-eval-test.md", "m.json"]);
  });
});

describe("loom eval messages", () => {
  it("names the real problem for an ONNX graph that takes no image and for a model without two outputs", async () => {
    const onnx = await runLoom([
      "eval",
      "--model",
      "test/fixtures/onnx/brevitas_bnn_fc_1layer.onnx",
      "--data",
      FIXTURE,
    ]);
    expect(onnx.exitCode).toBe(1);
    // ONNX graphs are evaluated (test/cli/sim-images.test.ts); this one takes 3 features, not an image.
    expect(onnx.stderr).toMatch(/its input has shape \[1,3\]; images need a one-channel input/);
    expect(isOneLineError(onnx.stderr)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), "loom-eval-"));
    const m = JSON.parse(readFileSync("test/fixtures/models/tiny-float.json", "utf8"));
    const last = m.layers[1];
    last.outFeatures = 1;
    last.weights = last.weights.slice(0, 1);
    last.activation.bias = [3];
    m.output.classes = ["only"];
    writeFileSync(join(dir, "one.json"), JSON.stringify(m));
    const one = await runLoom(["eval", "--model", join(dir, "one.json"), "--data", FIXTURE]);
    expect(one.stderr).toMatch(/needs a model with exactly two outputs; this one has 1/);
    expect(isOneLineError(one.stderr)).toBe(true);
  });
});
