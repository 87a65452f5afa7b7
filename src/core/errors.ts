// The library's one error type for bad input: a model, ONNX file, folding, board name, data
// set or output location that Loom cannot use. The message is one sentence naming what is wrong; the CLI prints it
// as one line (no stack trace) and exits non-zero. Anything else thrown is a bug in Loom.

/** What kind of input was at fault (lets a caller react without parsing the message). */
export type LoomErrorKind = "usage" | "model" | "onnx" | "datatype" | "folding" | "board" | "data" | "output";

export class LoomError extends Error {
  override name = "LoomError";
  constructor(
    readonly kind: LoomErrorKind,
    message: string,
  ) {
    super(message);
  }
}
