// The one error class for a bad model file, so the CLI prints it as a sentence, not a stack trace.
import { UserError } from "../cli/user-error.js";

/** A model file (or model object) that is malformed or inconsistent; the message names the field. */
export class ModelError extends UserError {
  override name = "ModelError";
}
