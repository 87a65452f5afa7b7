import { LoomError } from "../core/errors.js";

/** A bad command line: printed as one clear message, never as a stack trace. */
export class UserError extends LoomError {
  override name = "UserError";
  constructor(message: string) {
    super("usage", message);
  }
}

/**
 * Runs a command body. Every failure is reported as one line on stderr with exit code 1 (a
 * LoomError's message is that line); the stack trace of an unexpected error, a bug, is shown
 * only with LOOM_DEBUG=1.
 */
export async function runCommand(body: () => Promise<void> | void): Promise<void> {
  try {
    await body();
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    process.stderr.write(`loom: ${e.message}\n`);
    if (!(e instanceof LoomError) && process.env.LOOM_DEBUG) process.stderr.write(`${e.stack}\n`);
    process.exitCode = 1;
  }
}
