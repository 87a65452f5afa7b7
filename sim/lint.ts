// Verilator lint of an emitted design: every -Wall warning is an error here, because emitted
// Verilog is meant to be warning-free for vendor tools too.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { execa } from "execa";
import type { EmittedDesign } from "../src/rtl/emit.js";
import { simulatorSources } from "./sources.js";

export async function lintVerilog(emitted: EmittedDesign): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "loom-lint-"));
  try {
    const { files, verilogFiles } = simulatorSources(emitted);
    for (const [name, text] of files) await writeFile(join(dir, name), text);
    const args = ["--lint-only", "-Wall", "--no-timing", "--top-module", emitted.topName, ...verilogFiles];
    const result = await execa("verilator", args, { cwd: dir, reject: false, all: true, stdin: "ignore" });
    const output = result.all ?? "";
    // Each diagnostic starts with %Warning-CODE or %Error; continuation lines show the source.
    const problems = output.split("\n").filter((l) => /^%(Warning|Error)/.test(l));
    if (result.failed || problems.length > 0) {
      const shown =
        problems.length > 0 ? problems : [output.trim() || (result.originalMessage ?? result.message)];
      throw new Error(
        `Verilator lint of ${emitted.topName} found ${problems.length} problem(s):\n${shown.map((l) => `  ${l}`).join("\n")}`,
      );
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
