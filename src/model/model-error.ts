// The one error class for a bad model file, so the CLI prints it as a sentence, not a stack trace.
import { LoomError } from "../core/errors.js";

/** A model file (or model object) that is malformed or inconsistent; the message names the field. */
export class ModelError extends LoomError {
  override name = "ModelError";
  constructor(message: string) {
    super("model", message);
  }
}
