// The machine a benchmark ran on: cores, CPU model, Node and simulator versions.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { availableParallelism, totalmem } from "node:os";

const version = (cmd: string, args: string[]) => {
  try {
    return execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] })
      .split("\n")[0]!
      .trim();
  } catch {
    return "not installed";
  }
};

export function describeMachine(): Record<string, string> {
  let cpu = "unknown";
  try {
    cpu = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? cpu;
  } catch {}
  return {
    "cores (nproc)": String(availableParallelism()),
    CPU: cpu,
    memory: `${(totalmem() / 2 ** 30).toFixed(1)} GiB`,
    Node: process.version,
    Verilator: version("verilator", ["--version"]),
    Icarus: version("iverilog", ["-V"]),
  };
}
