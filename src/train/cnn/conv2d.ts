// 2-D convolution (group 1, no bias: batch norm follows) through im2col and a GEMM. The patch
// matrix has one row per output pixel with columns in (kh, kw, channel) order, the order in
// which FINN's sliding-window unit emits a window, so weights are OC × (KH·KW·C) rows exactly as
// a dense layer's. Weights are fake-quantized per output channel with the shared quantizer.
import { quantizedWeights } from "./dense.js";
import { type Padding, type Shape, shapeSize, type Window1d, window1d } from "./geometry.js";
import { gemmAB, gemmABt, gemmAtB } from "./kernels.js";
import { type Layer, type Param, param, type QuantSettings, sized } from "./layer.js";

export interface ConvGeometry {
  kh: number;
  kw: number;
  stride: number;
  pad: Padding;
}

export class Conv2d implements Layer {
  readonly outShape: Shape;
  readonly weight: Param;
  readonly params: Param[];
  readonly buffers: Float32Array[] = [];
  readonly rows: Window1d;
  readonly cols: Window1d;
  /** Length of a patch row: KH·KW·C. */
  readonly patch: number;
  private patches: Float32Array = new Float32Array(0);
  private out: Float32Array = new Float32Array(0);
  private dPatches: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);
  private wq: Float32Array = new Float32Array(0);
  private batch = 0;

  constructor(
    readonly name: string,
    readonly inShape: Shape,
    readonly outChannels: number,
    readonly geom: ConvGeometry,
    private readonly q: QuantSettings,
  ) {
    this.rows = window1d(inShape.h, geom.kh, geom.stride, geom.pad);
    this.cols = window1d(inShape.w, geom.kw, geom.stride, geom.pad);
    this.outShape = { h: this.rows.out, w: this.cols.out, c: outChannels };
    this.patch = geom.kh * geom.kw * inShape.c;
    this.weight = param(outChannels * this.patch, true);
    this.params = [this.weight];
  }

  /** The weights the forward pass multiplies with (codes × per-channel scale). */
  quantizedWeights(): Float32Array {
    return quantizedWeights(this.weight.value, this.outChannels, this.patch, this.q, true);
  }

  forward(x: Float32Array, batch: number, _training: boolean): Float32Array {
    this.batch = batch;
    const m = batch * this.rows.out * this.cols.out;
    this.patches = sized(this.patches, m * this.patch);
    movePatches(x, this.patches, "gather", batch, this.inShape, this.geom, this.rows, this.cols);
    this.wq = this.quantizedWeights();
    const y = (this.out = sized(this.out, m * this.outChannels));
    gemmABt(this.patches, this.wq, y, m, this.patch, this.outChannels);
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    const m = this.batch * this.rows.out * this.cols.out;
    // Straight-through: the gradient w.r.t. the quantized weights is applied to the float ones.
    gemmAtB(dy, this.patches, this.weight.grad, m, this.outChannels, this.patch);
    if (!needDx) return undefined;
    const dPatches = (this.dPatches = sized(this.dPatches, m * this.patch));
    gemmAB(dy, this.wq, dPatches, m, this.outChannels, this.patch);
    const dx = (this.dx = sized(this.dx, this.batch * shapeSize(this.inShape)));
    dx.fill(0);
    movePatches(dx, dPatches, "scatter", this.batch, this.inShape, this.geom, this.rows, this.cols);
    return dx;
  }

  codeScale(): undefined {
    return undefined;
  }
}

/**
 * Moves data between a batch of NHWC images and its patch matrix. Gathering (im2col) writes
 * every patch entry, zeros where the window covers padding; scattering (its adjoint, for the
 * input gradient) adds each patch entry onto the pixel it came from.
 */
export function movePatches(
  images: Float32Array,
  patches: Float32Array,
  direction: "gather" | "scatter",
  batch: number,
  s: Shape,
  g: ConvGeometry,
  rows: Window1d,
  cols: Window1d,
): void {
  const gather = direction === "gather";
  const rowLen = g.kw * s.c;
  let o = 0;
  for (let b = 0; b < batch; b++) {
    const img = b * s.h * s.w * s.c;
    for (let oy = 0; oy < rows.out; oy++) {
      for (let ox = 0; ox < cols.out; ox++) {
        const x0 = ox * g.stride - cols.before;
        for (let ky = 0; ky < g.kh; ky++) {
          const iy = oy * g.stride - rows.before + ky;
          if (iy < 0 || iy >= s.h) {
            if (gather) patches.fill(0, o, o + rowLen);
            o += rowLen;
            continue;
          }
          const line = img + iy * s.w * s.c;
          for (let kx = 0; kx < g.kw; kx++, o += s.c) {
            const ix = x0 + kx;
            const i = line + ix * s.c;
            if (ix < 0 || ix >= s.w) {
              if (gather) patches.fill(0, o, o + s.c);
            } else if (gather) for (let c = 0; c < s.c; c++) patches[o + c] = images[i + c]!;
            else for (let c = 0; c < s.c; c++) images[i + c]! += patches[o + c]!;
          }
        }
      }
    }
  }
}
