// Issue 17 item 6: `loom sim --images` feeds image files through the model's own preprocessing
// (the trainer's loader is the independent reference), `loom eval` runs ONNX graphs and IDX files,
// and bad inputs fail with one line. Progress goes to stderr only.
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDataset } from "../../src/data/load.js";
import { runGolden } from "../../src/model/golden/index.js";
import { loadModel } from "../../src/model/model-load.js";
import { streamlineModel } from "../../src/streamline/streamline.js";
import { loadOptionsFor } from "../../src/train/model-input.js";
import { isOneLineError, runLoom } from "../support/run-cli.js";

const XRAYS = "test/fixtures/chest_xray";
const TFC = "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx";
const IDX = ["test/fixtures/mnist/three-images-idx3-ubyte.gz", "test/fixtures/mnist/three-labels-idx1-ubyte"];

/** The tiny 16-8-2 test network as a two-class X-ray model: 64×64 images resized to 4×4 and framed. */
function xrayModel(dir: string): string {
  const m = JSON.parse(readFileSync("test/fixtures/models/tiny-float.json", "utf8"));
  m.input.preprocess = { resize: [4, 4], frame: 10, normalize: "minmax" };
  m.output.classes = ["NORMAL", "PNEUMONIA"];
  const path = join(dir, "xray-tiny.json");
  writeFileSync(path, JSON.stringify(m));
  return path;
}

describe("loom sim --images", () => {
  const dir = mkdtempSync(join(tmpdir(), "loom-images-"));
  const model = xrayModel(dir);

  it("predicts what the trainer's loader and the golden model predict, and what loom eval counts", async () => {
    const saved = join(dir, "saved-inputs.json");
    const r = await runLoom([
      "sim",
      "--model",
      model,
      "--images",
      `${XRAYS}/test`,
      "--engine",
      "golden",
      "--json",
      "--save-inputs",
      saved,
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout); // nothing but the document on stdout
    expect(r.stderr).toMatch(/8 images through the golden model/);
    // The reference: the dataset loader the trainer and loom eval use, then the golden model.
    const m = loadModel(model);
    const split = loadDataset(XRAYS, { ...loadOptionsFor(m), splits: ["test"], cacheDir: join(dir, "cache") })
      .splits.test!;
    const g = runGolden(
      streamlineModel(m),
      Array.from({ length: split.n }, (_, i) =>
        Array.from(split.x.subarray(i * split.dim, (i + 1) * split.dim), BigInt),
      ),
    );
    const want = new Map(split.names.map((n, i) => [`${XRAYS}/${n}`, g.predictions[i]]));
    expect(doc.images).toHaveLength(8);
    for (const img of doc.images) {
      expect(img.prediction).toBe(want.get(img.file));
      expect(img.class).toBe(m.output.classes![img.prediction]);
      expect(img.label).toBe(img.file.includes("/NORMAL/") ? "NORMAL" : "PNEUMONIA");
    }
    const ev = await runLoom(["eval", "--model", model, "--data", XRAYS, "--split", "test", "--json"]);
    expect(ev.exitCode, ev.stderr).toBe(0);
    const { confusion } = JSON.parse(ev.stdout);
    const mine = [
      [0, 0],
      [0, 0],
    ];
    for (const img of doc.images) mine[img.label === "NORMAL" ? 0 : 1]![img.prediction]!++;
    expect(mine).toEqual(confusion);
    expect(doc.summary.correct).toBe(confusion[0][0] + confusion[1][1]);
    // The saved codes are the loader's, and replay to the same predictions through --inputs.
    const codes = JSON.parse(readFileSync(saved, "utf8")).inputs;
    expect(codes).toEqual(
      Array.from({ length: split.n }, (_, i) =>
        Array.from(split.x.subarray(i * split.dim, (i + 1) * split.dim)),
      ),
    );
    const replay = await runLoom([
      "sim",
      "--model",
      model,
      "--inputs",
      saved,
      "--engine",
      "golden",
      "--quiet",
    ]);
    expect(JSON.parse(replay.stdout).predictions).toEqual(
      doc.images.map((i: { prediction: number }) => i.prediction),
    );
    const again = await runLoom([
      "sim",
      "--model",
      model,
      "--images",
      `${XRAYS}/test`,
      "--save-inputs",
      saved,
    ]);
    expect(again.exitCode).not.toBe(0);
    expect(again.stderr).toMatch(/already exists/);
  });

  it("prints a line per file and a summary; --quiet silences stderr", async () => {
    const files = [
      `${XRAYS}/test/NORMAL/IM-0001-0001.png`,
      `${XRAYS}/train/PNEUMONIA/person105_virus_192.png`,
    ];
    const r = await runLoom(["sim", "--model", model, "--images", ...files, "--engine", "golden", "--quiet"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stderr).toBe("");
    const lines = r.stdout.trim().split("\n");
    expect(lines[0]).toMatch(new RegExp(`^${files[0]}\t(NORMAL|PNEUMONIA)\t\\(folder NORMAL`));
    expect(lines[1]).toMatch(new RegExp(`^${files[1]}\t(NORMAL|PNEUMONIA)\t\\(folder PNEUMONIA`));
    expect(lines[2]).toMatch(/^2 images; 2 labelled by their folder: \d correct/);
    expect(r.stdout).not.toMatch(/loom:|ETA|elapsed/);
  });

  it("refuses bad inputs with one line and a non-zero exit", async () => {
    const bad = join(dir, "bad");
    mkdirSync(bad);
    writeFileSync(join(bad, "broken.png"), "not a png at all");
    const cases: Array<[string[], RegExp]> = [
      [["--images", join(dir, "missing")], /missing does not exist/],
      [["--images", bad], /cannot decode image .*broken\.png/],
      [["--images", join(dir)], /cannot decode image/],
      [
        ["--images", `${XRAYS}/test`, "--size", "exact"],
        /is 64×64 pixels; the model takes 4×4 \(--size exact/,
      ],
      [["--images", `${XRAYS}/test`, "--size", "stretch"], /--size stretch: expected resize or exact/],
      [
        ["--images", `${XRAYS}/test`, "--inputs", "x.json"],
        /--inputs FILE or --images DIR\|FILE…, one of them/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await runLoom(["sim", "--model", model, "--engine", "golden", "--quiet", "--json", ...args]);
      expect(r.exitCode, args.join(" ")).not.toBe(0);
      expect(r.stdout, "nothing is written before the refusal").toBe("");
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(message);
    }
  });
});

describe("loom eval on ONNX graphs and IDX files", () => {
  it("scores FINN's TFC-w2a2 on three MNIST test images (7, 2, 1)", async () => {
    const r = await runLoom([
      "eval",
      "--model",
      TFC,
      "--idx-images",
      IDX[0]!,
      "--idx-labels",
      IDX[1]!,
      "--json",
    ]);
    expect(r.exitCode, r.stderr).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(m.n).toBe(3);
    expect(m.accuracy).toBe(1);
    const expected = Array.from({ length: 10 }, (_, t) =>
      Array.from({ length: 10 }, (_, p) => (t === p && [7, 2, 1].includes(t) ? 1 : 0)),
    );
    expect(m.confusion).toEqual(expected);
    expect(r.stderr).toMatch(/3 images through the golden model/);
  });

  it("refuses a half-given IDX pair, both data sources, and labels beyond the model's outputs", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-idx-"));
    const cases: Array<[string[], RegExp]> = [
      [["--model", TFC, "--idx-images", IDX[0]!], /--idx-images and --idx-labels go together/],
      [["--model", TFC, "--idx-images", IDX[0]!, "--idx-labels", IDX[1]!, "--data", XRAYS], /one of them/],
      [
        ["--model", "test/fixtures/models/tiny-float.json", "--idx-images", IDX[0]!, "--idx-labels", IDX[1]!],
        /labels go up to 7 but .* has 2 outputs/,
      ],
      [["--model", TFC, "--idx-images", IDX[1]!, "--idx-labels", IDX[1]!], /too short for an IDX header/],
      [["--model", TFC, "--idx-images", join(dir, "none"), "--idx-labels", IDX[1]!], /cannot read/],
    ];
    for (const [args, message] of cases) {
      const r = await runLoom(["eval", "--quiet", ...args]);
      expect(r.exitCode, args.join(" ")).not.toBe(0);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(r.stderr).toMatch(message);
    }
  });
});
