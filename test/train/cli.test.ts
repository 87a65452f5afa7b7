// `loom train` and `loom eval` end to end on the committed chest X-ray sample (tiny network).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { register as registerEval } from "../../src/cli/eval.js";
import { register as registerTrain } from "../../src/cli/train.js";
import { loadModel } from "../../src/nn/model-load.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");
const tmp = mkdtempSync(join(tmpdir(), "loom-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<string> {
  const program = new Command("loom").exitOverride();
  registerTrain(program);
  registerEval(program);
  let out = "";
  const spy = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const err = vi.spyOn(process.stderr, "write").mockImplementation(() => true);
  try {
    await program.parseAsync(["node", "loom", ...args]);
  } finally {
    spy.mockRestore();
    err.mockRestore();
  }
  return out;
}

describe("loom train / loom eval", () => {
  it("trains, writes a valid model with report, and evaluates it", async () => {
    const out = join(tmp, "tiny.json");
    const log = await run([
      "train",
      "--data",
      FIXTURE,
      "--out",
      out,
      "--input",
      "8x8",
      "--hidden",
      "8,4",
      "--wbits",
      "4",
      "--abits",
      "4",
      "--epochs",
      "2",
      "--val-fraction",
      "0.3",
    ]);
    expect(log).toMatch(/wrote .*tiny\.json/);
    const model = loadModel(out);
    expect(model.input).toMatchObject({
      shape: [8, 8],
      datatype: "UINT8",
      preprocess: { resize: [8, 8], normalize: "none" },
    });
    expect(model.output.classes).toEqual(["NORMAL", "PNEUMONIA"]);
    expect((model.meta as { command: string }).command).toContain("--hidden 8,4");
    for (const f of ["tiny.md", "tiny-curve.svg", "tiny-val-confusion.svg", "tiny-test-confusion.svg"]) {
      expect(existsSync(join(tmp, f))).toBe(true);
    }
    const json = JSON.parse(await run(["eval", "--model", out, "--data", FIXTURE, "--json"]));
    expect(json.n).toBe(8);
    expect(Object.keys(json).sort()).toEqual([
      "accuracy",
      "auc",
      "confusion",
      "n",
      "sensitivity",
      "specificity",
    ]);
    const meta = model.meta as { metrics: { test: { accuracy: number } } };
    expect(json.accuracy).toBeCloseTo(meta.metrics.test.accuracy, 10);
    expect(readFileSync(join(tmp, "tiny-eval-test.md"), "utf8")).toContain("golden");
  });

  it("reports bad options as one clear error", async () => {
    process.exitCode = 0;
    await run(["train", "--data", FIXTURE, "--out", join(tmp, "x.json"), "--input", "banana"]);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
