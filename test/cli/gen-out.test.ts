// Issue 16 item 2: `loom gen --out` builds into a temporary directory and moves the files into
// place on success; a manifest records what it wrote; a directory of someone else's files is
// refused unless --force, and then only the previous manifest's files are replaced; synth --dir
// reads only the manifest's files; --out "" is refused; a second concurrent run fails clearly.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MANIFEST, readManifest } from "../../src/io/output-dir.js";
import { readGenDir } from "../../src/synth/gen-dir.js";
import { isOneLineError, runLoom } from "../support/run-cli.js";
import { treeHash } from "../support/tree-hash.js";

const tiny = "test/fixtures/models/tiny-float.json";
const thresholds = "test/fixtures/models/tiny-thresholds.json";
const gen = (out: string, ...extra: string[]) =>
  runLoom(["gen", "--board", "pynq-z2", "--model", tiny, "--out", out, ...extra]);

describe("loom gen --out", () => {
  it("refuses a directory of the user's files, leaving it untouched, and with --force keeps and names them", async () => {
    const out = mkdtempSync(join(tmpdir(), "loom-out-"));
    writeFileSync(join(out, "report.md"), "my report\n");
    mkdirSync(join(out, "rtl"));
    writeFileSync(join(out, "rtl", "notes.v"), "not verilog\n");
    const before = treeHash(out);
    const refused = await gen(out);
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toMatch(/is not empty and was not written by loom \(report\.md, rtl\/notes\.v\)/);
    expect(isOneLineError(refused.stderr)).toBe(true);
    expect(treeHash(out)).toBe(before);

    const forced = await gen(out, "--force");
    expect(forced.exitCode, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/kept 1 file\(s\) in .* that loom did not write: rtl\/notes\.v/);
    expect(readFileSync(join(out, "rtl", "notes.v"), "utf8")).toBe("not verilog\n");
    const manifest = readManifest(out)!;
    expect(manifest.files).toContain("report.md");
    expect(manifest.files).not.toContain("rtl/notes.v");
    // synth --dir reads only what loom gen wrote.
    expect(readGenDir(out).verilogFiles).not.toContain("notes.v");
  });

  it("regenerates a loom directory without --force, replacing exactly the previous manifest's files", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "loom-out-")), "acc");
    expect((await gen(out)).exitCode).toBe(0);
    const first = readManifest(out)!.files;
    writeFileSync(join(out, "rtl", "mine.v"), "// mine\n");
    const again = await runLoom(["gen", "--board", "pynq-z2", "--model", thresholds, "--out", out]);
    expect(again.exitCode, again.stderr).toBe(0);
    const second = readManifest(out)!.files;
    const listed = (d: string, under = ""): string[] =>
      readdirSync(join(d, under)).flatMap((e) =>
        statSync(join(d, under, e)).isDirectory() ? listed(d, `${under}${e}/`) : [`${under}${e}`],
      );
    // On disk: the new manifest's files, the manifest and the user's file, nothing of the first design.
    expect(listed(out).sort()).toEqual([...second, MANIFEST, "rtl/mine.v"].sort());
    expect(first.filter((f) => !second.includes(f)).some((f) => existsSync(join(out, f)))).toBe(false);
    // No staging directory or lock left beside it.
    expect(readdirSync(join(out, "..")).sort()).toEqual(["acc"]);
  });

  it('refuses --out "" and a file given as --out', async () => {
    const empty = await gen("");
    expect(empty.exitCode).toBe(1);
    expect(empty.stderr).toMatch(/--out is empty/);
    const dir = mkdtempSync(join(tmpdir(), "loom-out-"));
    writeFileSync(join(dir, "f"), "x");
    const file = await gen(join(dir, "f"));
    expect(file.stderr).toMatch(/is a file, not a directory/);
    expect(readFileSync(join(dir, "f"), "utf8")).toBe("x");
  });

  it("a run into a directory another live run holds fails clearly; a stale lock is taken over", async () => {
    const parent = mkdtempSync(join(tmpdir(), "loom-out-"));
    const out = join(parent, "acc");
    writeFileSync(`${out}.loom-lock`, `${process.pid}\n`); // this (live) process holds it
    const held = await gen(out);
    expect(held.exitCode).toBe(1);
    expect(held.stderr).toMatch(/is being written by another loom gen \(process \d+/);
    expect(existsSync(out)).toBe(false);
    writeFileSync(`${out}.loom-lock`, "999999999\n"); // no such process
    const stale = await gen(out);
    expect(stale.exitCode, stale.stderr).toBe(0);
    expect(readdirSync(parent)).toEqual(["acc"]);
  });

  it("a failing build changes nothing in the directory", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "loom-out-")), "acc");
    expect((await gen(out)).exitCode).toBe(0);
    const before = treeHash(out);
    const bad = await gen(out, "--target-fps", "1e12");
    expect(bad.exitCode).toBe(1);
    expect(treeHash(out)).toBe(before);
  });
});
