// build.tcl checked without Vivado: tclsh runs it against stub definitions of the Vivado
// commands it uses (test/compiler/vivado/stubs.tcl, each written from the documented signature),
// which check argument forms, object names, IP parameters and the DMA's stream widths against
// the accelerator's. Deliberate mistakes in the script (or the RTL it packages) must fail.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Compiled, compileModel, deployableSystem, writeOutputs } from "../../src/compiler/generate.js";
import { networkArbitrary } from "../support/random-network.js";

const STUBS = new URL("./vivado/stubs.tcl", import.meta.url).pathname;
const hasTclsh = spawnSync("tclsh", [], { input: "exit 0\n" }).status === 0;
const [net] = fc.sample(networkArbitrary(), { numRuns: 1, seed: 7 });

function generate(board: string, runtimeWeights = false): { c: Compiled; dir: string } {
  const c = compileModel(net!.model, { board, folding: net!.folding, runtimeWeights });
  return { c, dir: writeOutputs(c, mkdtempSync(join(tmpdir(), `loom-tcl-${board}-`))) };
}

/** Runs build.tcl (optionally edited) under the stubs; returns tclsh's status and message. */
function check(c: Compiled, dir: string, edit: (tcl: string) => string = (t) => t) {
  const script = join(dir, "vivado", "build.tcl");
  writeFileSync(script, edit(readFileSync(script, "utf8")));
  const main = join(dir, "check.tcl");
  writeFileSync(
    main,
    [
      `set ::expect(part) ${c.board.part}`,
      `set ::expect(family) ${c.board.family}`,
      `set ::expect(clockMHz) ${c.clockMHz}`,
      `set ::expect(inWidth) ${deployableSystem(c).systemIo.inBits}`,
      `set ::expect(outWidth) ${deployableSystem(c).systemIo.outBits}`,
      `set ::expect(weights) {${deployableSystem(c)
        .systemIo.weightStreams.map((w) => `${w.port} ${w.beatBits}`)
        .join(" ")}}`,
      `source {${STUBS}}`,
      `source {${script}}`,
      "loom_check_final",
      "",
    ].join("\n"),
  );
  const r = spawnSync("tclsh", [main], { encoding: "utf8" });
  return { status: r.status, message: `${r.stdout}${r.stderr}`.trim() };
}

describe.skipIf(!hasTclsh)("vivado/build.tcl under Vivado command stubs (tclsh)", () => {
  for (const board of ["zcu104", "pynq-z2", "kv260"]) {
    it(`passes for ${board}`, () => {
      const { c, dir } = generate(board);
      expect(check(c, dir)).toEqual({ status: 0, message: "build.tcl check: ok" });
      rmSync(dir, { recursive: true, force: true });
    });
  }

  it("fails on each deliberate mistake, naming it", () => {
    const { c, dir } = generate("zcu104");
    const original = readFileSync(join(dir, "vivado", "build.tcl"), "utf8");
    const top = deployableSystem(c).system.topName;
    const w = deployableSystem(c).systemIo.inBits;
    const mistakes: Array<[string, (t: string) => string, RegExp]> = [
      [
        "DMA stream width unlike the accelerator's",
        (t) => t.replace(`c_m_axis_mm2s_tdata_width {${w}}`, `c_m_axis_mm2s_tdata_width {${w * 2}}`),
        /TDATA/,
      ],
      ["misspelled option", (t) => t.replace("-part ", "-prat "), /unknown option -prat/],
      [
        "wrong interface name",
        (t) => t.replace("accel/s_axis]", "accel/s_axi]"),
        /no interface pin accel\/s_axi/,
      ],
      [
        "IP name unlike the packaged top",
        (t) => t.replace(`loom:loom:${top}:1.0`, "loom:loom:other:1.0"),
        /no IP/,
      ],
      ["PL clock unlike the constraints", (t) => t.replace("FREQMHZ {100}", "FREQMHZ {150}"), /PL clock/],
      [
        "control port left unconnected",
        (t) =>
          t
            .split("\n")
            .filter((l) => !l.includes("accel/s_axi_control"))
            .join("\n"),
        /s_axi_control is not connected/,
      ],
      [
        "illegal DMA parameter value",
        (t) => t.replace("c_sg_length_width {26}", "c_sg_length_width {27}"),
        /8\.\.26/,
      ],
      [
        "a source file that does not exist",
        (t) => t.replace(`${top}.v`, `${top}_missing.v`),
        /does not exist/,
      ],
    ];
    for (const [what, edit, message] of mistakes) {
      writeFileSync(join(dir, "vivado", "build.tcl"), original);
      const r = check(c, dir, edit);
      expect(r.status, what).toBe(1);
      expect(r.message, what).toMatch(message);
    }
    // An output stream without TLAST (the bug this wrapper fixes) is refused at the DMA.
    writeFileSync(join(dir, "vivado", "build.tcl"), original);
    const rtl = join(dir, "rtl", `${top}.v`);
    writeFileSync(rtl, readFileSync(rtl, "utf8").replace(/^\s*output wire m_axis_tlast,?\n/m, ""));
    expect(check(c, dir).message).toMatch(/no TLAST/);
    rmSync(dir, { recursive: true, force: true });
  });
});

describe.skipIf(!hasTclsh)("build.tcl of a runtime-weights build (one MM2S DMA per weight stream)", () => {
  it("passes, and fails on each deliberate mistake in the weight DMAs", () => {
    const { c, dir } = generate("zcu104", true);
    const streams = deployableSystem(c).systemIo.weightStreams;
    expect(streams.length).toBe(c.plan.layers.length);
    expect(check(c, dir)).toEqual({ status: 0, message: "build.tcl check: ok" });
    const original = readFileSync(join(dir, "vivado", "build.tcl"), "utf8");
    const w = streams[0]!;
    const mistakes: Array<[string, (t: string) => string, RegExp]> = [
      [
        "weight DMA narrower than its stream",
        (t) =>
          t.replace(
            `c_m_axis_mm2s_tdata_width {${w.beatBits}} CONFIG.c_m_axi_mm2s_data_width {${w.beatBits}}`,
            `c_m_axis_mm2s_tdata_width {16} CONFIG.c_m_axi_mm2s_data_width {${w.beatBits}}`,
          ),
        /TDATA/,
      ],
      [
        "a weight stream left without its DMA",
        (t) =>
          t
            .split("\n")
            .filter((l) => !l.includes(`accel/${w.port}]`))
            .join("\n"),
        new RegExp(`${w.port} is not connected`),
      ],
      [
        "the unused S2MM channel left in",
        (t) => t.replace("CONFIG.c_include_s2mm {0} ", ""),
        /wdma_\w+\/(M_AXI_S2MM|S_AXIS_S2MM) is not connected/,
      ],
    ];
    for (const [what, edit, message] of mistakes) {
      writeFileSync(join(dir, "vivado", "build.tcl"), original);
      const r = check(c, dir, edit);
      expect(r.status, what).toBe(1);
      expect(r.message, what).toMatch(message);
    }
    rmSync(dir, { recursive: true, force: true });
  });
});

describe("a design whose streams no AXI DMA can carry", () => {
  it("still compiles for simulation, but gen says why there is no board design", () => {
    const n = 64;
    const model = {
      format: "loom-qnn" as const,
      version: 1 as const,
      name: "wide",
      input: { shape: [n], datatype: "UINT8" },
      layers: [
        {
          name: "fc0",
          kind: "dense" as const,
          inFeatures: n,
          outFeatures: n,
          weightDatatype: "INT8",
          weights: Array.from({ length: n }, (_, r) =>
            Array.from({ length: n }, (_, k) => ((r * 7 + k * 13) % 255) - 127),
          ),
          activation: { kind: "none" as const, bias: 0, scale: 1 },
        },
      ],
      output: { argmax: false },
    };
    const c = compileModel(model, {
      board: "zcu104",
      folding: { layers: [{ name: "fc0", pe: n, simd: 1 }] },
    });
    expect(c.system).toBeUndefined();
    expect(c.emitted.topName).toBe("loom_wide");
    const dir = mkdtempSync(join(tmpdir(), "loom-wide-"));
    expect(() => writeOutputs(c, dir)).toThrow(
      /wider than an AXI DMA's 1024: fold the last layer \(fc0\) with PE ≤ \d+/,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
