// The one error class for ONNX files Loom cannot read or import: a user error (bad or
// unsupported input), printed by the CLI as one sentence.
import { UserError } from "../cli/user-error.js";

export class OnnxError extends UserError {
  override name = "OnnxError";
}
