import { here, type SourceLocation } from "./location.js";

/** A design error found while elaborating: the message says what is wrong and where in the user's code. */
export class ElaborationError extends Error {
  override name = "ElaborationError";
  constructor(
    readonly detail: string,
    readonly location: SourceLocation = here(),
  ) {
    super(`${location}: ${detail}`);
  }
}

/** Throws an ElaborationError at the caller's location unless `ok`. */
export function require_(
  ok: boolean,
  detail: string | (() => string),
  location?: SourceLocation,
): asserts ok {
  if (!ok) throw new ElaborationError(typeof detail === "string" ? detail : detail(), location);
}
