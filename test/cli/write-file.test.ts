// Issue 16 item 10: a failed write names the path and leaves no partial file behind; an existing
// file is replaced whole (temporary sibling, then rename).
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/io/write-file.js";

describe("writeFileAtomic", () => {
  it("replaces a file whole and leaves no temporary file", () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-write-"));
    writeFileSync(join(dir, "a.v"), "old");
    writeFileAtomic(join(dir, "a.v"), "new contents");
    expect(readFileSync(join(dir, "a.v"), "utf8")).toBe("new contents");
    expect(readdirSync(dir)).toEqual(["a.v"]);
  });

  it("names the path when the write fails and leaves nothing", () => {
    const dir = mkdtempSync(join(tmpdir(), "loom-write-"));
    writeFileSync(join(dir, "file"), "x");
    const target = join(dir, "file", "a.v"); // a file where a directory should be
    expect(() => writeFileAtomic(target, "data")).toThrow(new RegExp(`cannot write ${target}: ENOTDIR`));
    expect(readdirSync(dir)).toEqual(["file"]);
  });
});
