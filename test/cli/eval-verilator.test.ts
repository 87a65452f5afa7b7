// Issue 17 item 6: `loom eval --engine verilator` on an imported ONNX graph (FINN's TFC-w2a2) and
// MNIST IDX files: twenty test images through the generated accelerator in Verilator agree image
// by image with the golden model, and score what `--engine golden` scores. One Verilator build
// (the iCEBreaker's folding, the smallest design of the boards; cached by content).
import { describe, expect, it } from "vitest";
import { runLoom } from "../support/run-cli.js";

const TFC = "test/fixtures/onnx/finn_tfc_w2a2_debug.onnx";
const IDX = [
  "test/fixtures/mnist/twenty-images-idx3-ubyte.gz",
  "test/fixtures/mnist/twenty-labels-idx1-ubyte",
];

async function evalJson(engine: string) {
  const r = await runLoom([
    "eval",
    "--model",
    TFC,
    "--idx-images",
    IDX[0]!,
    "--idx-labels",
    IDX[1]!,
    "--engine",
    engine,
    "--board",
    "icebreaker",
    "--json",
  ]);
  expect(r.exitCode, r.stderr).toBe(0);
  return { ...r, result: JSON.parse(r.stdout) };
}

describe("loom eval --engine verilator on ONNX and IDX", () => {
  it("agrees with the golden model on every image and scores the same", { timeout: 300_000 }, async () => {
    const golden = await evalJson("golden");
    const hw = await evalJson("verilator");
    expect(hw.result.n).toBe(20);
    expect(hw.result.disagreements).toBe(0);
    expect(hw.result.accuracy).toBe(golden.result.accuracy);
    expect(hw.result.confusion).toEqual(golden.result.confusion);
    // The subset holds five images this network gets wrong (test/fixtures/mnist/README.md).
    expect(golden.result.accuracy).toBe(0.75);
    expect(hw.stderr).toMatch(/20 images through verilator: done in/);
  });
});
