// Convolution and pooling blocks: sliding window (SIMD beats or whole windows), padding, max-pool.

export { ConvLayer, type ConvLayerParams, convLayerParts } from "./conv-layer.js";
export { MaxPool, type MaxPoolParams, maxPoolShape } from "./max-pool.js";
export { Padding, type PaddingParams, type PaddingShape, paddingShape } from "./padding.js";
export { ParallelWindow, windowBlock } from "./parallel-window.js";
export { SlidingWindow } from "./sliding-window.js";
export {
  parallelWindowProblem,
  type SlidingWindowParams,
  type SlidingWindowShape,
  slidingWindowShape,
  WINDOW_QUEUE_DEPTH,
} from "./window-shape.js";
