// `loom sim` on an .onnx file: off-grid float inputs of a graph without an input quantizer are
// refused in one line, or rounded onto the fixed-point grid with --round.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { afterAll, describe, expect, it } from "vitest";
import { runOnnx } from "../../src/onnx/executor.js";
import { readOnnx } from "../../src/onnx/read.js";

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
});
