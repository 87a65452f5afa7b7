// Issue 16 item 6: bad option values are one usage line naming the option, never a stack trace;
// conflicting folding targets and duplicate layers of a folding file are refused.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isOneLineError, runLoom } from "../support/run-cli.js";

const tiny = "test/fixtures/models/tiny-float.json";
const gen = (...extra: string[]) => runLoom(["gen", "--board", "zcu104", "--model", tiny, ...extra]);

describe("loom gen option values", () => {
  const refused = [
    ["--target-fps", "0"],
    ["--target-fps", "-5"],
    ["--target-fps", "abc"],
    ["--cycles-per-inference", "0"],
    ["--cycles-per-inference", "7.5"],
    ["--clock", "0"],
    ["--clock", "1e9"],
    ["--utilisation", "0"],
    ["--utilisation", "1.5"],
  ];
  it.each(refused)("refuses %s %s in one line, writing nothing", async (flag, value) => {
    const out = mkdtempSync(join(tmpdir(), "loom-opt-"));
    const r = await gen("--out", out, flag!, value!);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain(flag);
    expect(r.stderr).toContain(`'${value}' is invalid`);
    expect(isOneLineError(r.stderr), r.stderr).toBe(true);
    expect(readdirSync(out)).toEqual([]);
  });

  it("refuses an unknown --multipliers style and UltraRAM without runtime weights, in one line", async () => {
    for (const [flag, value, message] of [
      ["--multipliers", "fpga", /--multipliers must be dsp or lut, got "fpga"/],
      ["--weight-memory", "ultra", /UltraRAM cannot be initialised from the bitstream/],
    ] as const) {
      const out = mkdtempSync(join(tmpdir(), "loom-opt-"));
      const r = await gen("--out", out, flag, value);
      expect(r.exitCode).toBe(1);
      expect(r.stderr).toMatch(message);
      expect(isOneLineError(r.stderr), r.stderr).toBe(true);
      expect(readdirSync(out)).toEqual([]);
    }
  });

  it("builds --multipliers lut with no DSP in the estimate", async () => {
    const out = mkdtempSync(join(tmpdir(), "loom-opt-"));
    const r = await gen("--out", out, "--force", "--multipliers", "lut");
    expect(r.exitCode, r.stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    expect(report.estimate.dsp).toBe(0);
    // Every MVAU is the LUT-multiplier variant.
    const rtl = readdirSync(join(out, "rtl")).join(" ");
    expect(rtl).toMatch(/_lutmul/);
  });

  it("refuses --target-fps together with --cycles-per-inference", async () => {
    const r = await gen("--target-fps", "1000", "--cycles-per-inference", "64");
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/--target-fps .* cannot be used with option '--cycles-per-inference/);
  });

  it("refuses a folding file that folds one layer twice", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-fold-"));
    const f = join(dir, "f.json");
    writeFileSync(
      f,
      JSON.stringify({
        layers: [
          { name: "fc0", pe: 1, simd: 1 },
          { name: "fc1", pe: 1, simd: 1 },
          { name: "fc0", pe: 2, simd: 1 },
        ],
      }),
    );
    const r = await gen("--folding", f, "--out", join(dir, "o"));
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/layers\[2\] folds layer "fc0" again \(layers\[0\] already does\)/);
    expect(isOneLineError(r.stderr)).toBe(true);
  });
});
