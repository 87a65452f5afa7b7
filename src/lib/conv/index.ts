// Convolution and pooling blocks: sliding window, padding, max-pool.

export { ConvLayer, type ConvLayerParams, convLayerParts } from "./conv-layer.js";
export { MaxPool, type MaxPoolParams, maxPoolShape } from "./max-pool.js";
export { Padding, type PaddingParams, type PaddingShape, paddingShape } from "./padding.js";
export { SlidingWindow, WINDOW_QUEUE_DEPTH } from "./sliding-window.js";
export { type SlidingWindowParams, type SlidingWindowShape, slidingWindowShape } from "./window-shape.js";
