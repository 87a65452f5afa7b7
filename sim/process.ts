// Runs an external tool and turns failure into an error that quotes the tool's own output,
// since "exit code 1" alone says nothing about which line of Verilog is wrong.
import { execa } from "execa";
import { killOnInterrupt } from "./interrupt.js";

export interface ToolOptions {
  cwd: string;
  /** What is being done, for the error message: "Verilator build of Foo". */
  what: string;
  timeoutMs?: number;
  env?: Record<string, string>;
}

const TAIL_LINES = 80;

/** Signals the whole process group of a detached child (the tool and everything it started). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals = "SIGTERM"): boolean {
  if (pid === undefined) return false;
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export async function runTool(command: string, args: string[], options: ToolOptions): Promise<string> {
  const child = execa(command, args, {
    cwd: options.cwd,
    timeout: options.timeoutMs,
    env: options.env,
    reject: false,
    all: true,
    stdin: "ignore",
    maxBuffer: 64 * 1024 * 1024,
    // Its own process group, so killing it on Ctrl-C reaches make's compilers too.
    detached: true,
  });
  const forget = killOnInterrupt({ kill: (signal) => killGroup(child.pid, signal) });
  const result = await child.finally(forget);
  if (!result.failed) return result.all ?? "";
  const output = tail(result.all ?? "");
  const line = `${command} ${args.join(" ")}`;
  if (result.timedOut) {
    throw new Error(
      `${options.what} timed out after ${(options.timeoutMs ?? 0) / 1000}s\n  $ ${line}\n${output}`,
    );
  }
  const why =
    result.exitCode === undefined
      ? (result.originalMessage ?? result.message)
      : `exit code ${result.exitCode}`;
  throw new Error(`${options.what} failed (${why})\n  $ ${line}\n${output}`);
}

function tail(text: string): string {
  const lines = text.trimEnd().split("\n");
  const shown =
    lines.length > TAIL_LINES
      ? [`  … ${lines.length - TAIL_LINES} earlier lines`, ...lines.slice(-TAIL_LINES)]
      : lines;
  return shown.map((l) => `  | ${l}`).join("\n");
}
