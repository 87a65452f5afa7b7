// Spatial ops on NCHW tensors, written from the ONNX operator docs: Conv (any group, so depthwise
// too), MaxPool, AveragePool, GlobalAveragePool and Pad. Float32 as ONNX Runtime computes them:
// each product and partial sum rounded to float32. Only 2-D images (rank-4 tensors) are supported.
// The window arithmetic (kernel, stride, dilation, pads, auto_pad, ceil_mode) is in windowAxes,
// which the importer also uses to read a Conv's padding, so both agree on it.
import { attrInt, attrInts, attrString } from "./attributes.js";
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";
import { f32, type Tensor } from "./tensor.js";

type Ins = (Tensor | undefined)[];

function need(node: OnnxNode, inputs: Ins, i: number): Tensor {
  const t = inputs[i];
  if (!t) throw new OnnxError(`${nodeLabel(node)}: input ${i} is required`);
  return t;
}

/** One spatial axis of a sliding window: input size, kernel, stride, dilation, pads, output size. */
export interface WindowAxis {
  size: number;
  kernel: number;
  stride: number;
  dilation: number;
  padBegin: number;
  padEnd: number;
  out: number;
}

function rank4(node: OnnxNode, x: Tensor): [number, number, number, number] {
  if (x.dims.length !== 4)
    throw new OnnxError(`${nodeLabel(node)}: only 2-D images (NCHW, rank 4) are supported, got [${x.dims}]`);
  return x.dims as [number, number, number, number];
}

/**
 * The two spatial axes (height, width) of a window op on an NCHW input of `dims`: pads from the
 * `pads` attribute ([top, left, bottom, right]) or auto_pad (SAME_UPPER puts an odd extra row or
 * column at the end, SAME_LOWER at the beginning, VALID none), output size by floor (or ceil with
 * ceil_mode, where a window must start inside the image or its leading padding).
 */
export function windowAxes(node: OnnxNode, dims: readonly number[], kernel: readonly number[]): WindowAxis[] {
  const strides = attrInts(node, "strides") ?? [1, 1];
  const dilations = attrInts(node, "dilations") ?? [1, 1];
  const pads = attrInts(node, "pads") ?? [0, 0, 0, 0];
  const autoPad = attrString(node, "auto_pad", "NOTSET");
  const ceil = attrInt(node, "ceil_mode", 0) === 1;
  if (kernel.length !== 2 || strides.length !== 2 || dilations.length !== 2 || pads.length !== 4) {
    throw new OnnxError(
      `${nodeLabel(node)}: kernel, strides, dilations and pads must describe 2 spatial axes`,
    );
  }
  return [0, 1].map((a) => {
    const size = dims[2 + a]!;
    const k = kernel[a]!;
    const s = strides[a]!;
    const d = dilations[a]!;
    if (!(k >= 1 && s >= 1 && d >= 1))
      throw new OnnxError(`${nodeLabel(node)}: kernel ${k}, stride ${s}, dilation ${d} must be positive`);
    const span = (k - 1) * d + 1;
    let padBegin = pads[a]!;
    let padEnd = pads[a + 2]!;
    if (autoPad === "SAME_UPPER" || autoPad === "SAME_LOWER") {
      const total = Math.max((Math.ceil(size / s) - 1) * s + span - size, 0);
      const small = Math.floor(total / 2);
      [padBegin, padEnd] = autoPad === "SAME_UPPER" ? [small, total - small] : [total - small, small];
    } else if (autoPad === "VALID") {
      [padBegin, padEnd] = [0, 0];
    } else if (autoPad !== "NOTSET") {
      throw new OnnxError(`${nodeLabel(node)}: auto_pad "${autoPad}" is not an ONNX value`);
    }
    const room = size + padBegin + padEnd - span;
    if (room < 0)
      throw new OnnxError(
        `${nodeLabel(node)}: a window of ${span} does not fit ${size} + padding ${padBegin}+${padEnd}`,
      );
    let out = (ceil ? Math.ceil(room / s) : Math.floor(room / s)) + 1;
    if (ceil && (out - 1) * s >= size + padBegin) out--;
    return { size, kernel: k, stride: s, dilation: d, padBegin, padEnd, out };
  });
}

/** Conv: y[n, m, oy, ox] = Σ x·w over the window (float32, channel then kernel row then column) + b[m]. */
const conv = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const w = need(node, inputs, 1);
  const [N, C] = rank4(node, x);
  const [M, CG, KH, KW] = rank4(node, w);
  const group = attrInt(node, "group", 1);
  if (!(group >= 1 && C % group === 0 && M % group === 0 && C / group === CG)) {
    throw new OnnxError(
      `${nodeLabel(node)}: input [${x.dims}], weights [${w.dims}] and group ${group} do not agree`,
    );
  }
  const declared = attrInts(node, "kernel_shape");
  if (declared && (declared[0] !== KH || declared[1] !== KW))
    throw new OnnxError(`${nodeLabel(node)}: kernel_shape [${declared}] but the weights are [${w.dims}]`);
  const b = inputs[2];
  if (b && b.data.length !== M)
    throw new OnnxError(`${nodeLabel(node)}: bias has ${b.data.length} values for ${M} output channels`);
  const [ay, ax] = windowAxes(node, x.dims, [KH, KW]) as [WindowAxis, WindowAxis];
  const [H, W] = [ay.size, ax.size];
  const out = new Float64Array(N * M * ay.out * ax.out);
  let o = 0;
  for (let n = 0; n < N; n++)
    for (let m = 0; m < M; m++) {
      const c0 = Math.floor(m / (M / group)) * CG;
      for (let oy = 0; oy < ay.out; oy++)
        for (let ox = 0; ox < ax.out; ox++) {
          let acc = 0;
          for (let cg = 0; cg < CG; cg++)
            for (let ky = 0; ky < KH; ky++) {
              const iy = oy * ay.stride + ky * ay.dilation - ay.padBegin;
              if (iy < 0 || iy >= H) continue;
              for (let kx = 0; kx < KW; kx++) {
                const ix = ox * ax.stride + kx * ax.dilation - ax.padBegin;
                if (ix < 0 || ix >= W) continue;
                const xv = x.data[((n * C + c0 + cg) * H + iy) * W + ix]!;
                const wv = w.data[((m * CG + cg) * KH + ky) * KW + kx]!;
                acc = f32(acc + f32(xv * wv));
              }
            }
          out[o++] = b ? f32(acc + b.data[m]!) : acc;
        }
    }
  return { dims: [N, M, ay.out, ax.out], data: out };
};

/** Per (n, c) image, per output pixel: `reduce` over the window's in-image values and its size. */
function pool(
  x: Tensor,
  axes: [WindowAxis, WindowAxis],
  reduce: (values: number[], window: { inImage: number; withPads: number }) => number,
): Tensor {
  const [N, C, H, W] = x.dims as [number, number, number, number];
  const [ay, ax] = axes;
  const out = new Float64Array(N * C * ay.out * ax.out);
  const extent = (a: WindowAxis, o: number) => {
    const start = o * a.stride - a.padBegin;
    const positions = Array.from({ length: a.kernel }, (_, k) => start + k * a.dilation);
    return {
      inside: positions.filter((p) => p >= 0 && p < a.size),
      // count_include_pad counts the padding, but not the overhang of a ceil-mode window.
      padded: positions.filter((p) => p < a.size + a.padEnd).length,
    };
  };
  let o = 0;
  for (let nc = 0; nc < N * C; nc++)
    for (let oy = 0; oy < ay.out; oy++) {
      const ey = extent(ay, oy);
      for (let ox = 0; ox < ax.out; ox++) {
        const ex = extent(ax, ox);
        const values: number[] = [];
        for (const iy of ey.inside) for (const ix of ex.inside) values.push(x.data[(nc * H + iy) * W + ix]!);
        out[o++] = reduce(values, { inImage: values.length, withPads: ey.padded * ex.padded });
      }
    }
  return { dims: [N, C, ay.out, ax.out], data: out };
}

function kernelOf(node: OnnxNode): number[] {
  const k = attrInts(node, "kernel_shape");
  if (!k) throw new OnnxError(`${nodeLabel(node)}: kernel_shape is required`);
  return k;
}

const maxPool = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  rank4(node, x);
  if (attrInt(node, "storage_order", 0) !== 0)
    throw new OnnxError(`${nodeLabel(node)}: storage_order 1 is not supported`);
  const axes = windowAxes(node, x.dims, kernelOf(node)) as [WindowAxis, WindowAxis];
  return pool(x, axes, (vs) => vs.reduce((m, v) => Math.max(m, v), -Infinity));
};

/** Float32 mean: the values summed in order, then divided by the window's count. */
function mean(values: number[], count: number): number {
  return f32(values.reduce((s, v) => f32(s + v), 0) / count);
}

const averagePool = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  rank4(node, x);
  const includePad = attrInt(node, "count_include_pad", 0) === 1;
  const axes = windowAxes(node, x.dims, kernelOf(node)) as [WindowAxis, WindowAxis];
  return pool(x, axes, (vs, win) => mean(vs, includePad ? win.withPads : win.inImage));
};

const globalAveragePool = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const [N, C, H, W] = rank4(node, x);
  const out = new Float64Array(N * C);
  for (let nc = 0; nc < N * C; nc++)
    out[nc] = mean([...x.data.subarray(nc * H * W, (nc + 1) * H * W)], H * W);
  return { dims: [N, C, 1, 1], data: out };
};

/** Pad's begin and end amounts per axis (attribute before opset 11, input from 11; `axes` from 18). */
export function padAmounts(node: OnnxNode, inputs: Ins, rank: number): { begin: number[]; end: number[] } {
  const given = inputs[1] ? [...inputs[1].data] : attrInts(node, "pads");
  if (!given) throw new OnnxError(`${nodeLabel(node)}: pads are required`);
  const axes = inputs[3] ? [...inputs[3].data].map((a) => (a < 0 ? a + rank : a)) : [...Array(rank).keys()];
  if (given.length !== 2 * axes.length)
    throw new OnnxError(`${nodeLabel(node)}: ${given.length} pads for ${axes.length} axes`);
  const begin = Array<number>(rank).fill(0);
  const end = Array<number>(rank).fill(0);
  axes.forEach((a, i) => {
    begin[a] = given[i]!;
    end[a] = given[i + axes.length]!;
  });
  return { begin, end };
}

/** The value Pad fills with (constant mode): input 2 from opset 11, attribute `value` before. */
export function padValue(node: OnnxNode, inputs: Ins): number {
  const v = inputs[2];
  if (v) return f32(v.data[0] ?? 0);
  const a = node.attributes.value;
  return typeof a === "number" ? f32(a) : 0;
}

/** Pad in constant mode (negative pads crop); reflect and edge are refused. */
const pad = (node: OnnxNode, inputs: Ins): Tensor => {
  const x = need(node, inputs, 0);
  const mode = attrString(node, "mode", "constant");
  if (mode !== "constant")
    throw new OnnxError(`${nodeLabel(node)}: Pad mode "${mode}" is not supported (only constant)`);
  const rank = x.dims.length;
  const { begin, end } = padAmounts(node, inputs, rank);
  const fill = padValue(node, inputs);
  const dims = x.dims.map((d, a) => d + begin[a]! + end[a]!);
  if (dims.some((d) => d < 0)) throw new OnnxError(`${nodeLabel(node)}: pads crop [${x.dims}] below zero`);
  const out = new Float64Array(dims.reduce((a, b) => a * b, 1));
  const idx = Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    let inside = true;
    for (let a = 0; a < rank; a++) {
      const i = idx[a]! - begin[a]!;
      if (i < 0 || i >= x.dims[a]!) inside = false;
      src = src * x.dims[a]! + i;
    }
    out[o] = inside ? x.data[src]! : fill;
    for (let a = rank - 1; a >= 0; a--) {
      if (++idx[a]! < dims[a]!) break;
      idx[a] = 0;
    }
  }
  return { dims, data: out };
};

export const CONV_OP_FUNCTIONS = {
  Conv: conv,
  MaxPool: maxPool,
  AveragePool: averagePool,
  GlobalAveragePool: globalAveragePool,
  Pad: pad,
};
