// `loom train --arch` on the committed chest X-ray sample: writes a checkpoint and report, not a
// model file, and rejects bad specs with one line.
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/train.js";

const FIXTURE = join(import.meta.dirname, "../fixtures/chest_xray");
const tmp = mkdtempSync(join(tmpdir(), "loom-cnn-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(args: string[]): Promise<{ out: string; err: string; code: number }> {
  const program = new Command("loom").exitOverride();
  register(program);
  let out = "";
  let err = "";
  const so = vi.spyOn(process.stdout, "write").mockImplementation((s) => {
    out += String(s);
    return true;
  });
  const se = vi.spyOn(process.stderr, "write").mockImplementation((s) => {
    err += String(s);
    return true;
  });
  process.exitCode = 0;
  try {
    await program.parseAsync(["node", "loom", ...args]);
  } finally {
    so.mockRestore();
    se.mockRestore();
  }
  const code = Number(process.exitCode ?? 0);
  process.exitCode = 0;
  return { out, err, code };
}

describe("loom train --arch", () => {
  const base = ["train", "--data", FIXTURE, "--input", "16x16", "--val-fraction", "0.3"];

  it("trains a small CNN, writes checkpoint and report, and says that no model file is written", async () => {
    const out = join(tmp, "cnn.json");
    const r = await run([
      ...base,
      "--out",
      out,
      "--arch",
      "c4k3-p2-c8k3-gap-fc2",
      "--epochs",
      "2",
      "--wbits",
      "4",
      "--abits",
      "4",
    ]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/cannot write a Loom model yet/);
    expect(existsSync(out)).toBe(false);
    const ck = JSON.parse(readFileSync(join(tmp, "cnn-checkpoint.json"), "utf8"));
    expect(ck.arch).toBe("c4k3-p2-c8k3-gap-fc2");
    expect(ck.command).not.toMatch(/--hidden/);
    expect(ck.layers.map((l: { name: string }) => l.name)).toEqual([
      "conv1",
      "bn1",
      "act1",
      "pool2",
      "conv3",
      "bn3",
      "act3",
      "gap4",
      "fc5",
    ]);
    expect(readFileSync(join(tmp, "cnn.md"), "utf8")).toMatch(/not an exported/);
  });

  it("rejects a bad spec, a spec that does not fit the input, and MLP-only options with one line", async () => {
    const out = join(tmp, "bad.json");
    for (const [args, msg] of [
      [["--arch", "c4k3-q2-fc2"], /^loom: --arch: layer "q2": expected/],
      [["--arch", "c4k17-fc2"], /^loom: --arch: layer 1 \(c4k17\) on 16x16x1: window larger/],
      [["--arch", "c4k3-fc3"], /^loom: --arch: the last layer fc3 must have one output per class/],
      [["--arch", "c4k3-fc2", "--hidden", "8"], /^loom: --hidden does not apply with --arch/],
      [["--arch", "c4k3-fc2", "--dropout", "0.2"], /^loom: --dropout is not supported with --arch/],
    ] as const) {
      const r = await run([...base, "--out", out, ...args]);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split("\n")).toHaveLength(1);
    }
  });
});
