// Max-pooling (any kernel and stride, no padding) and global average pooling over NHWC maps.
// Max-pool picks the first maximum of each window in (kh, kw) order, so ties (frequent on
// quantized codes) send their gradient to one deterministic input.
import { type Shape, shapeSize, window1d } from "./geometry.js";
import { type Layer, type Param, sized } from "./layer.js";

export class MaxPool2d implements Layer {
  readonly outShape: Shape;
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  private argmax = new Int32Array(0);
  private inLength = 0;
  private out: Float32Array = new Float32Array(0);
  private dx: Float32Array = new Float32Array(0);

  constructor(
    readonly name: string,
    readonly inShape: Shape,
    readonly k: number,
    readonly stride: number,
  ) {
    this.outShape = {
      h: window1d(inShape.h, k, stride, "valid").out,
      w: window1d(inShape.w, k, stride, "valid").out,
      c: inShape.c,
    };
  }

  forward(x: Float32Array, batch: number, _training: boolean): Float32Array {
    const { h: H, w: W, c: C } = this.inShape;
    const { h: OH, w: OW } = this.outShape;
    const { k, stride } = this;
    this.inLength = x.length;
    const y = (this.out = sized(this.out, batch * OH * OW * C));
    if (this.argmax.length !== y.length) this.argmax = new Int32Array(y.length);
    const arg = this.argmax;
    let o = 0;
    // Channels innermost: each window position is one contiguous run of C values.
    for (let b = 0; b < batch; b++)
      for (let oy = 0; oy < OH; oy++)
        for (let ox = 0; ox < OW; ox++, o += C) {
          const first = ((b * H + oy * stride) * W + ox * stride) * C;
          for (let c = 0; c < C; c++) arg[o + c] = first + c;
          for (let ky = 0; ky < k; ky++)
            for (let kx = 0; kx < k; kx++) {
              if (ky === 0 && kx === 0) continue;
              const at = first + (ky * W + kx) * C;
              for (let c = 0; c < C; c++) if (x[at + c]! > x[arg[o + c]!]!) arg[o + c] = at + c;
            }
          for (let c = 0; c < C; c++) y[o + c] = x[arg[o + c]!]!;
        }
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    if (!needDx) return undefined;
    const dx = (this.dx = sized(this.dx, this.inLength));
    dx.fill(0);
    for (let i = 0; i < dy.length; i++) dx[this.argmax[i]!]! += dy[i]!;
    return dx;
  }

  codeScale(inScale: number | undefined): number | undefined {
    return inScale;
  }
}

/**
 * Mean over all pixels per channel. On codes this is exact as the integer sum of codes with
 * scale inScale / (H·W), which is how the next dense layer's bias grid sees it.
 */
export class GlobalAvgPool implements Layer {
  readonly outShape: Shape;
  readonly params: Param[] = [];
  readonly buffers: Float32Array[] = [];
  private batch = 0;

  constructor(
    readonly name: string,
    readonly inShape: Shape,
  ) {
    this.outShape = { h: 1, w: 1, c: inShape.c };
  }

  forward(x: Float32Array, batch: number, _training: boolean): Float32Array {
    this.batch = batch;
    const C = this.inShape.c;
    const pixels = this.inShape.h * this.inShape.w;
    const y = new Float32Array(batch * C);
    for (let b = 0; b < batch; b++) {
      const acc = new Float64Array(C);
      for (let p = 0; p < pixels; p++) for (let c = 0; c < C; c++) acc[c]! += x[(b * pixels + p) * C + c]!;
      for (let c = 0; c < C; c++) y[b * C + c] = acc[c]! / pixels;
    }
    return y;
  }

  backward(dy: Float32Array, needDx: boolean): Float32Array | undefined {
    if (!needDx) return undefined;
    const C = this.inShape.c;
    const pixels = this.inShape.h * this.inShape.w;
    const dx = new Float32Array(this.batch * shapeSize(this.inShape));
    for (let b = 0; b < this.batch; b++)
      for (let p = 0; p < pixels; p++)
        for (let c = 0; c < C; c++) dx[(b * pixels + p) * C + c] = dy[b * C + c]! / pixels;
    return dx;
  }

  codeScale(inScale: number | undefined): number | undefined {
    return inScale === undefined ? undefined : inScale / (this.inShape.h * this.inShape.w);
  }
}
