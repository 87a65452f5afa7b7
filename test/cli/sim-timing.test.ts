// Issue 16 item 10: `loom sim` names its two timing figures. A single input used to report the
// whole run (933 cycles in Verilator) as "cycles_per_inference" against 256 in golden; now the
// initiation interval and the latency are separate, with where the interval came from.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { compileModel } from "../../src/compiler/generate.js";
import { runLoom } from "../support/run-cli.js";

const tiny = "test/fixtures/models/tiny-float.json";

describe("loom sim timing figures", () => {
  it("reports initiation interval and latency under their own names", { timeout: 400_000 }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-sim-"));
    const one = join(dir, "one.json");
    const three = join(dir, "three.json");
    const x = Array.from({ length: 16 }, (_, i) => (i * 37) % 256);
    writeFileSync(one, JSON.stringify({ inputs: [x] }));
    writeFileSync(three, JSON.stringify({ inputs: [x, x.map((v) => 255 - v), x] }));
    const report = compileModel(tiny, { board: "zcu104" }).report;
    const sim = async (inputs: string, engine: string) => {
      const r = await runLoom(["sim", "--model", tiny, "--inputs", inputs, "--engine", engine]);
      expect(r.exitCode, r.stderr).toBe(0);
      return JSON.parse(r.stdout);
    };
    const golden = await sim(one, "golden");
    expect(golden).toMatchObject({
      initiation_interval_cycles: report.initiationInterval,
      initiation_interval_source: "planned",
      latency_cycles: report.latencyCycles,
    });
    expect(golden.cycles_per_inference).toBeUndefined();
    const single = await sim(one, "verilator");
    expect(single.initiation_interval_cycles).toBe(report.initiationInterval);
    expect(single.initiation_interval_source).toBe("planned");
    // The report's latency is the model's, exact without stalls.
    expect(single.latency_cycles).toBe(report.latencyCycles);
    const several = await sim(three, "verilator");
    expect(several.initiation_interval_source).toBe("measured");
    expect(several.latency_cycles).toBe(single.latency_cycles);
    expect(several.predictions).toEqual([golden.predictions[0], expect.any(Number), golden.predictions[0]]);
  });
});
