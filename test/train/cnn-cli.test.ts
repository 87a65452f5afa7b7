// `loom train --arch` on the committed chest X-ray sample: writes the model file, report and
// checkpoint; --from-checkpoint exports the same files again; bad specs and checkpoints are one line.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { Command } from "commander";
import { afterAll, describe, expect, it, vi } from "vitest";
import { register } from "../../src/cli/train.js";
import { loadModel } from "../../src/model/model-load.js";

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
  const base = ["train", "--data", FIXTURE, "--input", "12x12", "--val-fraction", "0.3"];
  const training = ["--arch", "c4k3-p2-c4k3psame-fc2", "--epochs", "2", "--wbits", "4", "--abits", "4"];
  const trained = join(tmp, "cnn.json");

  it("trains a small CNN and writes the model file, its checkpoint, report and figures", async () => {
    const r = await run([...base, "--out", trained, ...training]);
    expect(r.err).not.toMatch(/loom:/);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^wrote .*cnn\.json \(kept epoch \d, margin -?\d+; checkpoint .*cnn-checkpoint\.json\)/,
    );
    expect(r.out).toMatch(
      /streamlined golden model agrees with the trainer's integer inference on \d+ validation images/,
    );
    expect(r.out).toMatch(
      /the training graph predicts the exported model's class \(margin 0\) on \d+ of \d+ validation images/,
    );
    const model = loadModel(trained);
    expect(model.layers.map((l) => l.kind)).toEqual(["conv", "conv", "dense"]);
    expect(model.input.shape).toEqual([12, 12, 1]);
    const meta = model.meta as { command: string; hyper: { arch: string }; decision: { margin: number } };
    expect(meta.command).not.toMatch(/--hidden|--dropout/);
    expect(meta.hyper.arch).toBe("c4k3-p2-c4k3psame-fc2");
    for (const f of ["cnn.md", "cnn-curve.svg", "cnn-val-confusion.svg", "cnn-test-confusion.svg"])
      expect(existsSync(join(tmp, f)), f).toBe(true);
    const ck = JSON.parse(readFileSync(join(tmp, "cnn-checkpoint.json"), "utf8"));
    expect(ck.arch).toBe("c4k3-p2-c4k3psame-fc2");
    expect(ck.layers.map((l: { name: string }) => l.name)).toEqual([
      "conv1",
      "bn1",
      "act1",
      "pool2",
      "conv3",
      "bn3",
      "act3",
      "fc4",
    ]);
    // The same command again would replace the files: refused without --force.
    const again = await run([...base, "--out", trained, ...training]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(
      /^loom: .*cnn\.json.* already exist; loom train replaces them only with --force\n$/,
    );
  });

  it("--from-checkpoint exports the same model file and report as the training run, byte for byte", async () => {
    const dir = join(tmp, "again");
    mkdirSync(dir);
    const out = join(dir, "cnn.json");
    const ckPath = join(tmp, "cnn-checkpoint.json");
    // A checkpoint of the trainer before the export existed also carried its own metrics and margin.
    const old = join(tmp, "old-checkpoint.json");
    const ck = JSON.parse(readFileSync(ckPath, "utf8"));
    writeFileSync(old, JSON.stringify({ ...ck, decision: { margin: 12 }, metrics: { val: {} } }));
    for (const [from, to] of [
      [ckPath, out],
      [old, join(dir, "old", "cnn.json")],
    ] as const) {
      const r = await run([...base, "--out", to, ...training, "--from-checkpoint", from]);
      expect(r.err).not.toMatch(/loom:/);
      expect(r.err).toMatch(/integer inference of the exported model, validation: \d+\/\d+ images\n/);
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/exported from /);
      for (const f of [
        "cnn.json",
        "cnn.md",
        "cnn-curve.svg",
        "cnn-val-confusion.svg",
        "cnn-test-confusion.svg",
      ]) {
        expect(readFileSync(join(dirname(to), f), "utf8"), f).toBe(readFileSync(join(tmp, f), "utf8"));
      }
      expect(existsSync(join(dirname(to), "cnn-checkpoint.json"))).toBe(false);
    }
  });

  it("refuses a checkpoint that does not match the command, and unreadable ones, in one line", async () => {
    const ckPath = join(tmp, "cnn-checkpoint.json");
    const garbage = join(tmp, "garbage.json");
    writeFileSync(garbage, '{"format": "something else"}');
    const tampered = join(tmp, "tampered.json");
    const ck = JSON.parse(readFileSync(ckPath, "utf8"));
    ck.layers[0].params[0].pop();
    writeFileSync(tampered, JSON.stringify(ck));
    const out = join(tmp, "mismatch.json");
    const arch8 = ["--arch", "c8k3-p2-c4k3psame-fc2", "--epochs", "2", "--wbits", "4", "--abits", "4"];
    for (const [args, msg] of [
      [
        [...training, "--wbits", "8", "--from-checkpoint", ckPath],
        /the network was trained with --wbits 4 \(this command: --wbits 8\); repeat the training command's options/,
      ],
      [
        [...training, "--lr", "0.01", "--from-checkpoint", ckPath],
        /trained with --lr 0\.001 \(this command: --lr 0\.01\)/,
      ],
      [
        [...training, "--val-shifts", "--from-checkpoint", ckPath],
        /trained with no --val-shifts \(this command: --val-shifts\)/,
      ],
      [
        [...arch8, "--from-checkpoint", ckPath],
        /trained with --arch c4k3-p2-c4k3psame-fc2 \(this command: --arch c8k3-p2-c4k3psame-fc2\)/,
      ],
      [
        [...training, "--from-checkpoint", join(tmp, "missing.json")],
        /missing\.json: cannot read .*missing\.json: ENOENT\n$/,
      ],
      [
        [...training, "--from-checkpoint", garbage],
        /garbage\.json is not a `loom train --arch` checkpoint \(format: /,
      ],
      [
        [...training, "--from-checkpoint", tampered],
        /tampered\.json: checkpoint layer conv1 does not have the network's parameter sizes\n$/,
      ],
      [["--from-checkpoint", ckPath], /^loom: --from-checkpoint needs --arch/],
    ] as const) {
      const r = await run([...base, "--out", out, ...args]);
      expect(r.code, args.join(" ")).toBe(1);
      expect(r.err).toMatch(msg);
      expect(r.err.trim().split("\n")).toHaveLength(1);
      expect(existsSync(out)).toBe(false);
    }
  });

  it("rejects a bad spec, a spec the model format cannot hold, and MLP-only options with one line", async () => {
    const out = join(tmp, "bad.json");
    for (const [args, msg] of [
      [["--arch", "c4k3-q2-fc2"], /^loom: --arch: layer "q2": expected/],
      [["--arch", "c4k17-fc2"], /^loom: --arch: layer 1 \(c4k17\) on 12x12x1: window larger/],
      [["--arch", "c4k3-fc3"], /^loom: --arch: the last layer fc3 must have one output per class/],
      [
        ["--arch", "c4k3-gap-fc2"],
        /^loom: --arch: layer 2 \(gap\): global average pooling cannot be exported/,
      ],
      [
        ["--arch", "p2-c4k3-fc2"],
        /^loom: --arch: layer 1 \(p2\): a max-pool is exported fused into the conv layer/,
      ],
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
