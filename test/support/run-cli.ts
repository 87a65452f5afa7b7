// Runs the `loom` CLI in-process (no Node start-up per call): stdout, stderr and the exit code
// as a user would see them. Commander's own exits become return values through exitOverride.
import { CommanderError } from "commander";
import { buildProgram } from "../../src/cli/program.js";

export interface CliResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

/** Runs `loom ...args` in this process. Calls must not overlap (stdout/stderr are captured globally). */
export async function runLoom(args: string[]): Promise<CliResult> {
  let stdout = "";
  let stderr = "";
  const program = buildProgram((p) =>
    p.exitOverride().configureOutput({
      writeOut: (s) => {
        stdout += s;
      },
      writeErr: (s) => {
        stderr += s;
      },
    }),
  );
  const outWrite = process.stdout.write;
  const errWrite = process.stderr.write;
  process.stdout.write = ((s: string | Uint8Array) => {
    stdout += String(s);
    return true;
  }) as typeof process.stdout.write;
  process.stderr.write = ((s: string | Uint8Array) => {
    stderr += String(s);
    return true;
  }) as typeof process.stderr.write;
  const savedExit = process.exitCode;
  process.exitCode = undefined;
  let exitCode = 0;
  try {
    await program.parseAsync(["node", "loom", ...args]);
    exitCode = Number(process.exitCode ?? 0);
  } catch (e) {
    if (!(e instanceof CommanderError)) throw e;
    exitCode = e.exitCode;
  } finally {
    process.stdout.write = outWrite;
    process.stderr.write = errWrite;
    process.exitCode = savedExit;
  }
  return { exitCode, stdout, stderr };
}

/** True when stderr is one `loom:`/`error:` line (plus commander's usage hint), with no stack trace. */
export function isOneLineError(stderr: string): boolean {
  const lines = stderr
    .trim()
    .split("\n")
    .filter((l) => l !== "(add --help for usage)" && !l.startsWith("loom: note") && l.trim() !== "");
  return lines.length >= 1 && !/\n\s+at /.test(stderr) && /^(loom|error): /.test(lines[lines.length - 1]!);
}
