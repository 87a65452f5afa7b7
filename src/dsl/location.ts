// Source locations of user code: DSL calls remember where in the user's TypeScript they were
// made, so elaboration errors can point there instead of into Loom's internals.

/** A captured call site; formatting the stack is deferred until an error needs it. */
export class SourceLocation {
  private formatted?: string;
  constructor(private readonly captured: Error) {}

  /** `file.ts:12` of the first stack frame outside the DSL and emitter themselves. */
  toString(): string {
    if (this.formatted === undefined) this.formatted = userFrame(this.captured.stack ?? "");
    return this.formatted;
  }
}

// Other packages are internal; an installed loom-hdl's library blocks are not (they are where a
// block was written), but its CommonJS bundle (dist/cjs) holds the DSL too and is skipped whole.
const INTERNAL =
  /[/\\]src[/\\](dsl|rtl|interp)[/\\]|node:internal|node_modules[/\\](?!loom-hdl[/\\])|[/\\]dist[/\\]cjs[/\\]/;

function userFrame(stack: string): string {
  for (const line of stack.split("\n").slice(1)) {
    const m = /\(?((?:file:\/\/)?[^()\s]+):(\d+):(\d+)\)?\s*$/.exec(line.trim());
    if (!m || INTERNAL.test(m[1]!)) continue;
    const file = m[1]!.replace(/^file:\/\//, "");
    const rel = file.startsWith(process.cwd()) ? file.slice(process.cwd().length + 1) : file;
    return `${rel}:${m[2]}`;
  }
  return "<unknown location>";
}

/** Captures the caller's location cheaply (the stack is only formatted on error). */
export function here(): SourceLocation {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 40;
  const err = new Error();
  Error.stackTraceLimit = limit;
  return new SourceLocation(err);
}
