// `loom gen` as a user runs it: outputs on disk, a lint-clean design, a report that matches
// the design, and one-line errors for bad input.
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { lintVerilog } from "../../sim/index.js";
import { compileModel } from "../../src/compiler/generate.js";
import { reportMarkdown } from "../../src/compiler/report.js";

const loom = (args: string[]) => execa("node", ["bin/loom.js", ...args], { reject: false });
const tiny = "test/fixtures/models/tiny-float.json";

describe("loom gen", () => {
  it("writes rtl, constraints, a Vivado script, the report and the folding, and prints the directory", async () => {
    const out = mkdtempSync(join(tmpdir(), "loom-gen-"));
    const r = await loom(["gen", "--board", "pynq-z2", "--model", tiny, "--out", out, "--clock", "125"]);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(out);
    expect(r.stderr).toMatch(/cycles per inference/);
    expect(readdirSync(out).sort()).toEqual([
      ".loom-manifest.json",
      "constraints",
      "driver",
      "folding.json",
      "model.streamlined.json",
      "report.json",
      "report.md",
      "report.svg",
      "rtl",
      "vivado",
    ]);
    expect(readFileSync(join(out, "constraints", "pynq-z2.xdc"), "utf8")).toContain(
      "create_clock -period 8.000 -name ap_clk [get_ports ap_clk]",
    );
    const tcl = readFileSync(join(out, "vivado", "build.tcl"), "utf8");
    expect(tcl).toContain("-part xc7z020clg400-1");
    expect(tcl).toContain("processing_system7");
    expect(readdirSync(join(out, "driver")).sort()).toEqual([
      "Makefile",
      "driver.py",
      "io.json",
      "loom_driver.c",
      "loom_driver.h",
      "loom_pack.c",
      "loom_quantize.c",
    ]);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const folding = JSON.parse(readFileSync(join(out, "folding.json"), "utf8"));
    expect(report.layers.map((l: { pe: number; simd: number }) => ({ pe: l.pe, simd: l.simd }))).toEqual(
      folding.layers.map((l: { pe: number; simd: number }) => ({ pe: l.pe, simd: l.simd })),
    );
    expect(report.throughputPerSecond).toBe(Math.round(125e6 / report.initiationInterval));
    // The folding file round-trips into the same design.
    const again = await loom([
      "gen",
      "--board",
      "pynq-z2",
      "--model",
      tiny,
      "--out",
      join(out, "again"),
      "--folding",
      join(out, "folding.json"),
    ]);
    expect(again.exitCode, again.stderr).toBe(0);
    expect(readFileSync(join(out, "again", "rtl", "loom_tiny.v"), "utf8")).toBe(
      readFileSync(join(out, "rtl", "loom_tiny.v"), "utf8"),
    );
  });

  it("compiles the shipped W8A8 MLP for zcu104 into a lint-clean design whose memories match the report", async () => {
    const compiled = compileModel("models/pneumonia-w8a8.json", { board: "zcu104" });
    await lintVerilog(compiled.emitted);
    for (const layer of compiled.report.layers) {
      const images = [...compiled.emitted.files.keys()].filter(
        (f) => f.startsWith(`${layer.name}_`) && /_weights_\d+_words\.hex$/.test(f),
      );
      expect(images.length).toBe(layer.pe);
      for (const f of images) {
        expect(compiled.emitted.files.get(f)!.trim().split("\n").length).toBe(layer.weightMemory.perPe.depth);
      }
      expect(layer.cyclesPerInference).toBe((layer.mw / layer.simd) * (layer.mh / layer.pe));
    }
    expect(compiled.report.initiationInterval).toBe(
      Math.max(...compiled.report.layers.map((l) => l.cyclesPerInference)),
    );
    // The search puts fc0's weights in LUT ROM to pass block RAM (issue 18): II 128, bound by LUTs.
    expect(compiled.report.initiationInterval).toBe(128);
    expect(compiled.report.layers[0]!.weightMemory.style).toBe("distributed");
    expect(compiled.report.binding).toMatchObject({ resource: "LUT", nextInterval: 64 });
    const md = reportMarkdown(compiled.report);
    expect(md).toMatch(
      /\| binding resource \(what keeps the next faster II, 64, from fitting\) \| LUT: II 64 needs/,
    );
    expect(md).toMatch(/\| fc0 \|.*\(distributed\) \| dsp \|/);
  });
});

describe("loom gen errors", () => {
  const expectError = async (args: string[], message: RegExp) => {
    const r = await loom(args);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  };

  it("lists the known boards for an unknown one", () =>
    expectError(
      ["gen", "--board", "zcu105", "--model", tiny],
      /unknown board "zcu105": known boards are zcu104, zcu102, ultra96, pynq-z1, pynq-z2/,
    ));

  it("names the missing model file", () =>
    expectError(["gen", "--board", "zcu104", "--model", "nope.json"], /model file nope.json does not exist/));

  it("names the bad field of a malformed model", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-bad-"));
    const model = JSON.parse(readFileSync(tiny, "utf8"));
    model.layers[0].weights[3].pop();
    writeFileSync(join(dir, "bad.json"), JSON.stringify(model));
    await expectError(
      ["gen", "--board", "zcu104", "--model", join(dir, "bad.json")],
      /layers\[0\]\.weights\[3\]/,
    );
    writeFileSync(join(dir, "broken.json"), "{ not json");
    await expectError(
      ["gen", "--board", "zcu104", "--model", join(dir, "broken.json")],
      /not valid JSON|JSON/,
    );
  });

  it("says which PE values would work for an impossible folding", async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-fold-"));
    writeFileSync(
      join(dir, "f.json"),
      JSON.stringify({
        layers: [
          { name: "fc0", pe: 3, simd: 16 },
          { name: "fc1", pe: 1, simd: 1 },
        ],
      }),
    );
    await expectError(
      ["gen", "--board", "zcu104", "--model", tiny, "--folding", join(dir, "f.json")],
      /pe 3 does not divide MH = 8; valid pe: 1, 2, 4, 8/,
    );
  });

  it("says what is reachable when a target is not", () =>
    expectError(
      ["gen", "--board", "zcu104", "--model", tiny, "--target-fps", "1e12"],
      /unreachable|best reachable/,
    ));

  it("rejects an unsupported ONNX op by node name and type", async () => {
    const r = await loom(["gen", "--board", "zcu104", "--model", "test/fixtures/onnx/README.md.onnx"]);
    expect(r.exitCode).toBe(1);
  });

  it("--weights runtime writes one weight file per layer beside the driver; ultra needs it", async () => {
    const out = mkdtempSync(join(tmpdir(), "loom-gen-rtw-"));
    const r = await loom(["gen", "--board", "zcu104", "--model", tiny, "--out", out, "--weights", "runtime"]);
    expect(r.exitCode, r.stderr).toBe(0);
    const layers = JSON.parse(readFileSync(join(out, "report.json"), "utf8")).layers.length;
    expect(readdirSync(join(out, "driver", "runtime_weights"))).toHaveLength(layers);
    expect(readFileSync(join(out, "vivado", "build.tcl"), "utf8")).toMatch(/wdma_layer0_\w+\/M_AXIS_MM2S/);
    await expectError(
      ["gen", "--board", "zcu104", "--model", tiny, "--weight-memory", "ultra"],
      /--weight-memory ultra needs --weights runtime/,
    );
    await expectError(
      ["gen", "--board", "icebreaker", "--model", tiny, "--weights", "runtime"],
      /icebreaker has neither/,
    );
  });
});
