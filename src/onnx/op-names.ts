// Op dispatch is on op_type alone: exporters spell the domain of the same op several ways
// (onnx.brevitas, qonnx.custom_op.general, finn.custom_op.general, finn.custom_op.fpgadataflow.hls)
// and sometimes declare no opset for it. FINN's hardware ops also carry backend suffixes.

/** Every op_type the executor runs and the importer understands. */
export const SUPPORTED_OPS = [
  "Quant",
  "IntQuant",
  "BipolarQuant",
  "Trunc",
  "MultiThreshold",
  "MatMul",
  "Gemm",
  "Conv",
  "MaxPool",
  "AveragePool",
  "GlobalAveragePool",
  "Pad",
  "Add",
  "Sub",
  "Mul",
  "Div",
  "Relu",
  "BatchNormalization",
  "Reshape",
  "Flatten",
  "Transpose",
  "Sign",
  "Identity",
  "DebugMarker",
  "Constant",
  "Shape",
  "Size",
  "Gather",
  "Unsqueeze",
  "Squeeze",
  "Concat",
  "Slice",
  "Cast",
  "ConstantOfShape",
  "Expand",
  "Range",
  "Where",
  "Equal",
  "Pow",
  "Sqrt",
  "Neg",
  "Reciprocal",
  "Clip",
  "Dropout",
  "Softmax",
  "LogSoftmax",
  "TopK",
  "ArgMax",
  "MVAU",
  "MVAU_hls",
  "MVAU_rtl",
  "MatrixVectorActivation",
  "Thresholding",
  "Thresholding_hls",
  "Thresholding_rtl",
  "Thresholding_Batch",
  "StreamingFIFO",
  "StreamingFIFO_rtl",
  "StreamingDataWidthConverter",
  "StreamingDataWidthConverter_hls",
  "StreamingDataWidthConverter_rtl",
  "StreamingDataWidthConverter_Batch",
] as const;

const ALIASES: Record<string, string> = {
  IntQuant: "Quant",
  MVAU_hls: "MVAU",
  MVAU_rtl: "MVAU",
  MatrixVectorActivation: "MVAU",
  Thresholding_hls: "Thresholding",
  Thresholding_rtl: "Thresholding",
  Thresholding_Batch: "Thresholding",
  StreamingFIFO: "PassThrough",
  StreamingFIFO_rtl: "PassThrough",
  StreamingDataWidthConverter: "PassThrough",
  StreamingDataWidthConverter_hls: "PassThrough",
  StreamingDataWidthConverter_rtl: "PassThrough",
  StreamingDataWidthConverter_Batch: "PassThrough",
  Identity: "PassThrough",
  Dropout: "PassThrough",
  DebugMarker: "PassThrough",
};

const CANONICAL = new Set(Object.values(ALIASES));

/** The canonical op of an op_type, or undefined when Loom does not support it. */
export function canonicalOp(opType: string): string | undefined {
  // Canonical names too (PassThrough): the host steps of io.json carry them (canonicalSteps).
  if (CANONICAL.has(opType)) return opType;
  if (!(SUPPORTED_OPS as readonly string[]).includes(opType)) return undefined;
  return ALIASES[opType] ?? opType;
}

export function supportedOpsText(): string {
  return `supported ops: ${SUPPORTED_OPS.join(", ")}`;
}
