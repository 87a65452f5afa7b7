// Sliding-window geometry along one image axis: how many windows fit, and TensorFlow's "same"
// padding. One formula for the golden model, the layer geometry, the hardware blocks and the
// trainer.

/** Kernel and stride of a sliding window, [height, width] each. */
export interface Window2d {
  kernel: readonly [number, number];
  stride: readonly [number, number];
}

/** Rows and columns added on each side. */
export interface Padding2d {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export const NO_PADDING: Padding2d = { top: 0, bottom: 0, left: 0, right: 0 };

/** Output positions along one axis: ⌊(in − k) / s⌋ + 1 (ONNX/PyTorch floor mode, no padding). */
export function windowCount(size: number, kernel: number, stride: number): number {
  if (size < kernel) throw new RangeError(`a kernel of ${kernel} does not fit an image side of ${size}`);
  return Math.floor((size - kernel) / stride) + 1;
}

/** TensorFlow's "same" padding along one axis: output ⌈in / s⌉, the odd pixel at the end. */
export function samePadding(size: number, kernel: number, stride: number): [number, number] {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  return [Math.floor(total / 2), total - Math.floor(total / 2)];
}
