// Failures must explain themselves: a broken design names the offending signal in the error.
import { describe, expect, it } from "vitest";
import { buildIcarus, buildVerilator, lintVerilog } from "../../sim/index.js";
import { counterDesign } from "./designs.js";

function brokenCounter() {
  const design = counterDesign(6, 5);
  const name = "Counter_w6.v";
  const files = new Map(design.files);
  files.set(name, files.get(name)!.replace("assign count = value;", "assign count = no_such_signal;"));
  return { ...design, files };
}

describe("build errors", () => {
  it("Verilator reports the tool's message", async () => {
    const err = await buildVerilator(brokenCounter()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toMatch(/Verilator build of Counter_w6 failed/);
    expect((err as Error).message).toMatch(/no_such_signal/);
  });

  it("Icarus reports the tool's message", async () => {
    await expect(buildIcarus(brokenCounter())).rejects.toThrow(
      /Icarus compile of Counter_w6 failed[\s\S]*no_such_signal/,
    );
  });

  it("lint lists every warning", async () => {
    await expect(lintVerilog(brokenCounter())).rejects.toThrow(/no_such_signal/);
  });
});
