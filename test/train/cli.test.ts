// `loom train` and `loom eval` end to end on the committed chest X-ray sample (tiny network).
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { register as registerEval } from "../../src/cli/eval.js";
import { register as registerTrain } from "../../src/cli/train.js";
import { loadModel } from "../../src/model/model-load.js";

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
    const json = JSON.parse(
      await run(["eval", "--model", out, "--data", FIXTURE, "--json", "--report-dir", tmp]),
    );
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

  it("records --crop and --frame in the model, and eval preprocesses the same way", async () => {
    const out = join(tmp, "cropped.json");
    const args = [
      "--data",
      FIXTURE,
      "--input",
      "8x8",
      "--hidden",
      "8",
      "--epochs",
      "2",
      "--val-fraction",
      "0.3",
    ];
    await run(["train", ...args, "--out", out, "--crop", "5,15,10,10", "--frame", "5"]);
    const model = loadModel(out);
    expect(model.input.preprocess).toMatchObject({
      crop: { top: 5, bottom: 15, left: 10, right: 10 },
      frame: 5,
    });
    expect((model.meta as { command: string }).command).toContain("--crop 5,15,10,10");
    expect((model.meta as { command: string }).command).toContain("--frame 5");
    const json = JSON.parse(await run(["eval", "--model", out, "--data", FIXTURE, "--json"]));
    const meta = model.meta as { metrics: { test: { accuracy: number; auc: number } } };
    expect(json.accuracy).toBeCloseTo(meta.metrics.test.accuracy, 10);
    expect(json.auc).toBeCloseTo(meta.metrics.test.auc, 10);
  });

  it("reports an impossible crop as one clear error", async () => {
    process.exitCode = 0;
    let err = "";
    const spy = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
      err += String(s);
      return true;
    });
    const program = new Command("loom").exitOverride();
    registerTrain(program);
    try {
      await program.parseAsync([
        "node",
        "loom",
        "train",
        "--data",
        FIXTURE,
        "--out",
        join(tmp, "y.json"),
        "--crop",
        "60,40",
      ]);
    } finally {
      spy.mockRestore();
    }
    expect(process.exitCode).toBe(1);
    expect(err).toMatch(/^loom: --crop 60,40: expected one integer percent for all sides or four/);
    process.exitCode = 0;
  });

  it("reports bad options as one clear error", async () => {
    process.exitCode = 0;
    await run(["train", "--data", FIXTURE, "--out", join(tmp, "x.json"), "--input", "banana"]);
    expect(process.exitCode).toBe(1);
    process.exitCode = 0;
  });
});
