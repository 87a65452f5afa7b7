// Progress lines (src/cli/progress.ts): the plain format written off a terminal (CI logs), --quiet silence, and a
// command whose stdout stays valid JSON while progress goes to stderr.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import { describe, expect, it } from "vitest";
import { epochEta, formatSeconds, progressStatus, startProgress } from "../../src/cli/progress.js";

function fakeRun(o: { tty: boolean; quiet?: boolean }) {
  let t = 0;
  const out: string[] = [];
  const p = startProgress("eval", {
    total: 1000,
    unit: "images",
    tty: o.tty,
    quiet: o.quiet,
    intervalMs: 10_000,
    now: () => t,
    write: (s) => out.push(s),
  });
  const at = (ms: number, done: number) => {
    t = ms;
    p.update(done);
  };
  return { p, out, at };
}

describe("progress", () => {
  it("writes a start line, one plain line per interval with count, rate, elapsed and ETA, and a done line off a terminal", () => {
    const { p, out, at } = fakeRun({ tty: false });
    at(4_000, 40); // within the first interval: no line
    at(10_000, 100); // 10/s → 900 left = 90 s
    at(15_000, 150); // within the second interval: no line
    p.log("a message");
    at(20_000, 400);
    at(25_000, 1000);
    p.stop();
    expect(out).toEqual([
      "loom: eval…\n",
      "loom: eval: 100/1000 images, 10/s, 10.0 s elapsed, ETA 1m 30s\n",
      "loom: a message\n",
      "loom: eval: 400/1000 images, 20/s, 20.0 s elapsed, ETA 30.0 s\n",
      "loom: eval: done in 25.0 s\n",
    ]);
  });

  it("redraws one line in place on a terminal and clears it for messages; --quiet writes nothing", () => {
    const tty = fakeRun({ tty: true });
    tty.at(2_000, 10);
    tty.p.log("hello");
    tty.p.stop("ok");
    expect(tty.out).toEqual([
      "\r\x1b[2K| eval: 10/1000 images, 5.00/s, 2.0 s elapsed, ETA 3m 18s",
      "\r\x1b[2Kloom: hello\n",
      "\r\x1b[2Kloom: eval: ok\n",
    ]);
    const quiet = fakeRun({ tty: false, quiet: true });
    quiet.at(50_000, 10);
    quiet.p.stop();
    expect(quiet.out).toEqual([]);
  });

  it("shows what the step is doing after the elapsed time, and cuts a terminal line to fit", () => {
    const plain = fakeRun({ tty: false });
    plain.p.status("3.40 ABC pass: module fc0 (3 of 23)");
    plain.at(10_000, 100);
    expect(plain.out[1]).toBe(
      "loom: eval: 100/1000 images, 10/s, 10.0 s elapsed, ETA 1m 30s; 3.40 ABC pass: module fc0 (3 of 23)\n",
    );
    const tty = fakeRun({ tty: true });
    tty.p.status("x".repeat(500));
    tty.at(2_000, 10);
    const line = tty.out[0]!.replace("\r\x1b[2K", "");
    expect(line.length).toBeLessThan(process.stderr.columns || 80);
    expect(line).toMatch(/^\| eval: 10\/1000 images, 5\.00\/s, 2\.0 s elapsed, ETA 3m 18s; x+…$/);
  });

  it("formats durations and the status without a total", () => {
    expect(formatSeconds(4.24)).toBe("4.2 s");
    expect(formatSeconds(75)).toBe("1m 15s");
    expect(formatSeconds(3723)).toBe("1h 02m");
    expect(progressStatus(0, 3, {})).toBe("3.0 s elapsed");
    // Two epochs took 100 s in all: eight more take about 400 s.
    expect(epochEta(2, 10, 100)).toBe(", ETA ≤ 6m 40s");
    expect(epochEta(10, 10, 500)).toBe("");
  });

  it("keeps loom sim's stdout one JSON document while progress goes to stderr", async () => {
    const inputs = join(mkdtempSync(join(tmpdir(), "loom-progress-")), "inputs.json");
    writeFileSync(inputs, JSON.stringify({ inputs: [Array.from({ length: 16 }, (_, i) => i * 7)] }));
    const args = [
      "sim",
      "--model",
      "test/fixtures/models/tiny-float.json",
      "--inputs",
      inputs,
      "--engine",
      "golden",
    ];
    const r = await execa("node", ["bin/loom.js", ...args], { reject: false });
    expect(r.exitCode, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(result.predictions).toHaveLength(1);
    expect(result.latency_cycles).toBeGreaterThan(0);
    expect(r.stderr).toMatch(
      /^loom: 1 image through the golden model…\nloom: 1 image through the golden model: done in \d+\.\d s$/,
    );
  });
});
