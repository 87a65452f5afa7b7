// What every layer of the convolutional trainer provides. Activations are batches of NHWC
// images stored contiguously (image, row, column, channel), channels innermost as the hardware
// streams them; a dense layer sees each image as one flat NHWC vector.
import type { Shape } from "./geometry.js";

export interface Param {
  value: Float32Array;
  grad: Float32Array;
  /** Decoupled weight decay applies (weights and clips, not batch-norm affine terms). */
  decay: boolean;
}

export interface QuantSettings {
  wbits: number;
  abits: number;
  /** Gradient-check mode: nothing is rounded, so backward() is the exact derivative. */
  float: boolean;
}

export interface Layer {
  readonly name: string;
  readonly inShape: Shape;
  readonly outShape: Shape;
  readonly params: Param[];
  /** Batch-norm running statistics: state that is not trained but kept with the parameters. */
  readonly buffers: Float32Array[];
  /** `training`: batch statistics in batch norm (running statistics otherwise). */
  forward(x: Float32Array, batch: number, training: boolean): Float32Array;
  /** Gradient of the loss w.r.t. the last forward's input (when asked); fills the params' grads. */
  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined;
  /** Scale of the output codes given the scale of the input codes (undefined: not codes). */
  codeScale(inScale: number | undefined): number | undefined;
}

export function param(n: number, decay: boolean): Param {
  return { value: new Float32Array(n), grad: new Float32Array(n), decay };
}

/**
 * `buf` when it already has n entries, else a new array: layers keep their output and gradient
 * buffers between batches (allocating hundreds of megabytes per batch costs more than the
 * arithmetic). A buffer is only overwritten by its own layer's next pass, after its consumers
 * have used it. Callers must overwrite or clear every entry.
 */
export function sized(buf: Float32Array, n: number): Float32Array {
  return buf.length === n ? buf : new Float32Array(n);
}
