// Guards on module elaboration that turn a user's design mistakes into one clear error: a module
// name that is a Verilog keyword, and a module that instantiates itself (with the same
// parameters, or so deep that it would exhaust the stack).
import { ElaborationError } from "./errors.js";
import type { SourceLocation } from "./location.js";
import { isVerilogKeyword } from "./names.js";

/** Deepest instance nesting accepted: real hierarchies are a few levels deep. */
export const MAX_INSTANCE_DEPTH = 256;

const stack: Array<{ def: object; key: string; name: string }> = [];

/** Runs `body` as the elaboration of module `name` (definition `def`, parameter key `key`). */
export function guardModule<T>(
  def: { location: SourceLocation },
  key: string,
  name: string,
  body: () => T,
): T {
  if (isVerilogKeyword(name)) {
    throw new ElaborationError(
      `module name "${name}" is a Verilog keyword; rename it (for example "${name}_m")`,
      def.location,
    );
  }
  const chain = () => [...stack.map((s) => s.name), name].join(" → ");
  if (stack.some((s) => s.def === def && s.key === key)) {
    throw new ElaborationError(
      `module "${name}" instantiates itself with the same parameters (${chain()})`,
      def.location,
    );
  }
  if (stack.length >= MAX_INSTANCE_DEPTH) {
    throw new ElaborationError(
      `module "${name}" is nested ${MAX_INSTANCE_DEPTH} instances deep; does it instantiate itself without end? (${stack
        .slice(-4)
        .map((s) => s.name)
        .join(" → ")} → ${name})`,
      def.location,
    );
  }
  stack.push({ def, key, name });
  try {
    return body();
  } finally {
    stack.pop();
  }
}
