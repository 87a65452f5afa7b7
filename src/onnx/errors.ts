// The one error class for ONNX files Loom cannot read or import: a user error (bad or
// unsupported input), printed by the CLI as one sentence.
import { LoomError } from "../core/errors.js";

export class OnnxError extends LoomError {
  override name = "OnnxError";
  constructor(message: string) {
    super("onnx", message);
  }
}
