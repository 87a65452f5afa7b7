// Network specifications for the convolutional trainer: a compact string such as
// "c16k3-p2-c32k3-p2-fc2" or the equivalent JSON array, checked against the input shape so that
// a bad spec fails with one line naming the offending layer.
//
// Tokens (separated by "-"):
//   c<N>k<K>[x<K2>][s<S>][p<P>|psame]  conv, N output channels, K×K (or K×K2, height×width)
//                                      kernel, stride S (1), zero padding P on every side or
//                                      TensorFlow "same" (default valid); followed by batch norm
//                                      and a quantized ReLU
//   p<K>[s<S>]                         max-pool K×K, stride S (default K)
//   gap                                global average pool
//   fc<N>                              dense layer; hidden ones are followed by a quantized ReLU,
//                                      the last one gives the N class scores
import { type Padding, type Shape, shapeText, window1d } from "./geometry.js";

export type LayerSpec =
  | { kind: "conv"; out: number; kh: number; kw: number; stride: number; pad: Padding }
  | { kind: "maxpool"; k: number; stride: number }
  | { kind: "gap" }
  | { kind: "dense"; out: number };

export class ArchError extends Error {}

const LIMIT = 65536;

function count(token: string, what: string, v: string | undefined, fallback?: number): number {
  if (v === undefined) {
    if (fallback === undefined) throw new ArchError(`${token}: missing ${what}`);
    return fallback;
  }
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > LIMIT)
    throw new ArchError(`${token}: ${what} must be 1..${LIMIT}`);
  return n;
}

function parseToken(token: string): LayerSpec {
  const t = token.trim().toLowerCase();
  let m = /^c(\d+)k(\d+)(?:x(\d+))?(?:s(\d+))?(?:p(\d+|same))?$/.exec(t);
  if (m) {
    const kh = count(token, "kernel", m[2]);
    let pad: Padding = "valid";
    if (m[5] === "same") pad = "same";
    else if (m[5] !== undefined) {
      pad = Number(m[5]);
      if (pad > LIMIT) throw new ArchError(`${token}: padding too large`);
    }
    return {
      kind: "conv",
      out: count(token, "channels", m[1]),
      kh,
      kw: count(token, "kernel width", m[3], kh),
      stride: count(token, "stride", m[4], 1),
      pad,
    };
  }
  m = /^p(\d+)(?:s(\d+))?$/.exec(t);
  if (m) {
    const k = count(token, "pool size", m[1]);
    return { kind: "maxpool", k, stride: count(token, "stride", m[2], k) };
  }
  if (t === "gap") return { kind: "gap" };
  m = /^fc(\d+)$/.exec(t);
  if (m) return { kind: "dense", out: count(token, "features", m[1]) };
  throw new ArchError(
    `layer "${token}": expected c<N>k<K>[x<K2>][s<S>][p<P>|psame], p<K>[s<S>], gap or fc<N>`,
  );
}

/** The layer list of a spec string ("c16k3-p2-fc2") or JSON array ('[{"kind":"conv",...}]'). */
export function parseArch(spec: string): LayerSpec[] {
  const s = spec.trim();
  if (s.startsWith("[")) return parseArchJson(s);
  if (s === "") throw new ArchError("empty architecture");
  return s.split("-").map(parseToken);
}

function parseArchJson(s: string): LayerSpec[] {
  let raw: unknown;
  try {
    raw = JSON.parse(s);
  } catch (e) {
    throw new ArchError(`architecture JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(raw) || raw.length === 0)
    throw new ArchError("architecture JSON: expected a non-empty array");
  return raw.map((r, i) => {
    const o = r as Record<string, unknown>;
    const name = `layer ${i} (${JSON.stringify(r)})`;
    const int = (key: string, fallback?: number) =>
      count(name, key, o[key] === undefined ? undefined : String(o[key]), fallback);
    switch (o?.kind) {
      case "conv": {
        const kh = int("kh", o.k === undefined ? undefined : int("k"));
        const pad = o.pad ?? "valid";
        if (pad !== "valid" && pad !== "same" && !(Number.isInteger(pad) && (pad as number) >= 0))
          throw new ArchError(`${name}: pad must be "valid", "same" or a non-negative integer`);
        return {
          kind: "conv",
          out: int("out"),
          kh,
          kw: int("kw", kh),
          stride: int("stride", 1),
          pad: pad as Padding,
        };
      }
      case "maxpool": {
        const k = int("k");
        return { kind: "maxpool", k, stride: int("stride", k) };
      }
      case "gap":
        return { kind: "gap" };
      case "dense":
        return { kind: "dense", out: int("out") };
      default:
        throw new ArchError(`${name}: kind must be conv, maxpool, gap or dense`);
    }
  });
}

export interface ArchPlan {
  layers: LayerSpec[];
  /** Input shape of each layer and, last, the output shape. */
  shapes: Shape[];
  /** Multiply-accumulates per image of each layer (forward). */
  macs: number[];
}

/** Checks a layer list against the input shape and class count; returns shapes and MACs. */
export function planArch(layers: LayerSpec[], input: Shape, classes: number): ArchPlan {
  const shapes: Shape[] = [input];
  const macs: number[] = [];
  let s = input;
  let flat = false;
  layers.forEach((l, i) => {
    const where = `layer ${i + 1} (${describeLayer(l)}) on ${shapeText(s)}`;
    if (flat && l.kind !== "dense")
      throw new ArchError(`${where}: only dense layers may follow a dense layer`);
    if (l.kind === "conv" || l.kind === "maxpool") {
      const kh = l.kind === "conv" ? l.kh : l.k;
      const kw = l.kind === "conv" ? l.kw : l.k;
      const pad = l.kind === "conv" ? l.pad : "valid";
      const y = window1d(s.h, kh, l.stride, pad);
      const x = window1d(s.w, kw, l.stride, pad);
      if (y.out < 1 || x.out < 1) throw new ArchError(`${where}: window larger than the (padded) input`);
      const c = l.kind === "conv" ? l.out : s.c;
      macs.push(l.kind === "conv" ? y.out * x.out * l.out * kh * kw * s.c : 0);
      s = { h: y.out, w: x.out, c };
    } else if (l.kind === "gap") {
      macs.push(0);
      s = { h: 1, w: 1, c: s.c };
    } else {
      macs.push(s.h * s.w * s.c * l.out);
      s = { h: 1, w: 1, c: l.out };
      flat = true;
    }
    shapes.push(s);
  });
  const last = layers[layers.length - 1]!;
  if (last.kind !== "dense") throw new ArchError(`the last layer must be fc${classes} (the class scores)`);
  if (last.out !== classes)
    throw new ArchError(`the last layer fc${last.out} must have one output per class (fc${classes})`);
  return { layers, shapes, macs };
}

/** The spec token of a layer (parseArch(describeLayer(l)) gives l back). */
export function describeLayer(l: LayerSpec): string {
  switch (l.kind) {
    case "conv": {
      const k = l.kh === l.kw ? `${l.kh}` : `${l.kh}x${l.kw}`;
      const s = l.stride === 1 ? "" : `s${l.stride}`;
      const p = l.pad === "valid" ? "" : l.pad === "same" ? "psame" : `p${l.pad}`;
      return `c${l.out}k${k}${s}${p}`;
    }
    case "maxpool":
      return `p${l.k}${l.stride === l.k ? "" : `s${l.stride}`}`;
    case "gap":
      return "gap";
    case "dense":
      return `fc${l.out}`;
  }
}
