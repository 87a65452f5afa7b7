// `loom sim` on an .onnx file: off-grid float inputs of a graph without an input quantizer are
// refused in one line, or rounded onto the fixed-point grid with --round; inputs within float32
// rounding of a decision boundary are counted and named.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { runOnnx } from "../../src/onnx/executor.js";
import { readOnnx } from "../../src/onnx/read.js";
import { buildModel } from "./helpers/build.js";

const loom = (args: string[]) => execa("node", ["bin/loom.js", ...args], { reject: false });
const dir = new URL("../fixtures/onnx/", import.meta.url).pathname;
const tmp = mkdtempSync(join(tmpdir(), "loom-onnx-sim-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function inputsFile(name: string, inputs: number[][]): string {
  const path = join(tmp, name);
  writeFileSync(path, JSON.stringify({ inputs }));
  return path;
}

describe("loom sim on ONNX graphs", () => {
  it("refuses an off-grid input of a graph without an input quantizer; --round rounds it", async () => {
    const model = `${dir}qkeras_qdense_0.onnx`;
    const x = Array(16).fill(0.5);
    x[7] = 0.53;
    const file = inputsFile("b.json", [x]);
    const args = [
      "sim",
      "--model",
      model,
      "--engine",
      "golden",
      "--input-fixed-point",
      "8,4",
      "--inputs",
      file,
    ];
    const refused = await loom(args);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stderr.trim().split("\n")).toHaveLength(1);
    expect(refused.stderr).toMatch(/inputs\[0\]: input element 7 = 0\.53 is not representable .* --round/);
    const rounded = await loom([...args, "--round"]);
    expect(rounded.exitCode, rounded.stderr).toBe(0);
    // 0.53 rounds to 0.5 on the 1/16 grid: the graph's own output for 0.5 (within float32).
    x[7] = 0.5;
    const want = Array.from(runOnnx(readOnnx(model), x));
    JSON.parse(rounded.stdout).outputs[0].forEach((v: number, i: number) => {
      expect(Math.abs(v - want[i]!)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(want[i]!)));
    });
  });

  it("counts and names the inputs within float32 rounding of a decision boundary", async () => {
    // Input Quant with scale 0.1 (Brevitas writes any scale): 0.35 / 0.1 is 3.4999999 in float64
    // but rounds to 3.5 in float32, so the code depends on the arithmetic's precision.
    const model = join(tmp, "boundary.onnx");
    writeFileSync(
      model,
      buildModel({
        nodes: [
          {
            op: "Quant",
            name: "/input_quant/Quant",
            domain: "qonnx.custom_op.general",
            inputs: ["x", "s", "z", "b"],
            output: "xq",
            attrs: { signed: 1, narrow: 0, rounding_mode: "ROUND" },
          },
          { op: "MatMul", name: "/fc/MatMul", inputs: ["xq", "w"], output: "y" },
        ],
        inits: {
          s: { dims: [], data: [0.1] },
          z: { dims: [], data: [0] },
          b: { dims: [], data: [8] },
          w: { dims: [2, 2], data: [1, 0, 0, 1] },
        },
        input: { name: "x", dims: [1, 2] },
        output: { name: "y", dims: [1, 2] },
        opset: 13,
      }),
    );
    const file = inputsFile("near.json", [
      [0.35, 0.2],
      [0.1, 0.2],
      [0.2, 0.35],
    ]);
    const r = await loom(["sim", "--model", model, "--engine", "golden", "--quiet", "--inputs", file]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).boundary_inputs).toEqual([0, 2]);
    expect(r.stderr.trim()).toMatch(
      /^loom sim: 2 of 3 inputs \(inputs\[0\], inputs\[2\]\) lie within float32 rounding of a decision boundary/,
    );
    // Skipped only when asked (it runs the graph twice per input).
    const skipped = await loom([
      "sim",
      "--model",
      model,
      "--engine",
      "golden",
      "--quiet",
      "--no-boundary-check",
      "--inputs",
      file,
    ]);
    expect(skipped.exitCode, skipped.stderr).toBe(0);
    expect(JSON.parse(skipped.stdout).boundary_inputs).toBeUndefined();
    expect(skipped.stderr).toBe("");
  });
});
