// `loom synth` end to end on one small design (one Yosys run, ~30–50 s): the report gets a
// `synth` section with per-layer counts, xc7 is used for a Zynq-7000 board, progress ticks on
// stderr during the Yosys run while --json keeps stdout to the section, and bad input gives
// one-line errors.
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterEach, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/synth.js";
import { lutsOccupied } from "../../src/synth/accelerator.js";
import { readGenDir } from "../../src/synth/gen-dir.js";
import { writeSynthSection } from "../../src/synth/section.js";
import type { CellCounts } from "../../src/synth/yosys.js";
import { smallSynthMlp } from "../support/small-synth-mlp.js";
import { allElements, parseXml } from "../support/xml.js";

async function loomSynth(args: string[]): Promise<{ stderr: string; stdout: string; code: number }> {
  const err: string[] = [];
  const out: string[] = [];
  vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err.push(String(s));
    return true;
  });
  vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out.push(String(s));
    return true;
  });
  process.exitCode = 0;
  const program = new Command().exitOverride();
  register(program);
  await program.parseAsync(["node", "loom", "synth", ...args]);
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  vi.restoreAllMocks();
  return { stderr: err.join(""), stdout: out.join(""), code };
}

afterEach(() => vi.restoreAllMocks());

describe("loom synth", () => {
  it("synthesises a small accelerator for pynq-z2 (xc7) and writes the synth section", {
    timeout: 180_000,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-synth-"));
    const model = join(dir, "small.json");
    const m = smallSynthMlp("small");
    writeFileSync(model, JSON.stringify(m));
    const out = join(dir, "out");
    // Off a terminal (as here), a progress line every half second for this test.
    process.env.LOOM_PROGRESS_SECONDS = "0.5";
    const r = await loomSynth(["--board", "pynq-z2", "--model", model, "--out", out, "--json"]).finally(
      () => delete process.env.LOOM_PROGRESS_SECONDS,
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/synth_xilinx -family xc7/);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const s = report.synth;
    // --json: stdout is the synth section and nothing else; the progress went to stderr, ticking
    // while Yosys ran (in its worker thread) with the pass it was in.
    expect(JSON.parse(r.stdout)).toEqual(s);
    const ticks = r.stderr.split("\n").filter((l) => /^loom: Yosys synthesis: [\d.]+ s elapsed; /.test(l));
    expect(ticks.length, r.stderr).toBeGreaterThanOrEqual(3);
    expect(
      ticks.some((l) => /elapsed; \d+\.\d+ [A-Z_]+ pass/.test(l)),
      r.stderr,
    ).toBe(true);
    expect(s.family).toBe("xc7");
    expect(s.layers.map((l: { name: string }) => l.name)).toEqual(["fc0", "fc1"]);
    for (const l of s.layers) {
      expect(l.cells.lut).toBeGreaterThan(0);
      expect(l.cells.ff).toBeGreaterThan(0);
      expect(l.cells.dsp).toBe(0); // 2-bit products stay in LUTs
      // The timing proxy: some logic between registers, and no layer deeper than the whole design.
      expect(l.depth.lutLevels).toBeGreaterThan(0);
      expect(l.depth.lutLevels).toBeLessThanOrEqual(s.depth.lutLevels);
    }
    // Per-layer counts plus the rest add up to the total.
    const sum = (k: "lut" | "ff") =>
      s.layers.reduce((a: number, l: { cells: Record<string, number> }) => a + l.cells[k]!, 0) + s.other[k];
    expect(sum("lut")).toBe(s.total.lut);
    expect(sum("ff")).toBe(s.total.ff);
    expect(s.fits).toBe(true);
    expect(s.warnings).toEqual([]);
    expect(s.capacity.lut).toBe(53200);
    const md = readFileSync(join(out, "report.md"), "utf8");
    expect(md).toMatch(/## Synthesis \(/);
    expect(md).toMatch(/\| fc0 \(MVAU\) \| \d+ \| \d+ \|.* \| \d+ \/ \d+ \|$/m);
    expect(md).toContain("## Layers"); // gen's report is kept
    // report.svg now draws Yosys's per-layer LUTs (as loom synth counts them) beside the estimate.
    const svg = parseXml(readFileSync(join(out, "report.svg"), "utf8"));
    const measured = allElements(svg).filter((e) => e.attrs.class === "bar measured");
    expect(measured.slice(0, 2).map((b) => Number(b.attrs["data-value"]))).toEqual(
      s.layers.map((l: { cells: CellCounts }) => lutsOccupied(l.cells)),
    );

    // Writing the section again (as `loom synth --dir` does) replaces it rather than appending.
    writeSynthSection(out, s);
    expect(readFileSync(join(out, "report.md"), "utf8").match(/## Synthesis \(/g)).toHaveLength(1);
    expect(readGenDir(out).layers.map((l) => l.name)).toEqual(["fc0", "fc1"]);
  });

  it("reports bad input in one line", async () => {
    const missing = await loomSynth(["--board", "zcu104", "--dir", "/nonexistent/dir"]);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim()).toBe("loom: directory /nonexistent/dir does not exist");
    const notGen = await loomSynth(["--board", "zcu104", "--dir", tmpdir()]);
    expect(notGen.stderr).toMatch(/is not a loom gen output directory/);
    const both = await loomSynth(["--board", "zcu104", "--dir", "x", "--model", "y"]);
    expect(both.stderr).toMatch(/either --model or --dir/);
    const board = await loomSynth(["--board", "nope", "--dir", "x"]);
    expect(board.code).toBe(1);
  });
});
