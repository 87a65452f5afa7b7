// The C driver's float input path: the model's input quantizer (HostInput, the same description
// driver.py and `loom sim` read) emitted into loom_driver.h as a table of steps, and
// loom_quantize.c, which runs them on float32 inputs as src/onnx computes them (every step
// rounded to float32, QONNX Quant's rounding modes, MultiThreshold's counts) and maps the result
// onto the input grid as quantizeInput does. Steps C does not implement leave the driver with
// integer codes only, and the header says which step and why. The other way, the output scale
// (HostOutput: scale, offset, a conv output's order) turns integer scores into the graph's floats
// as hostOutputs does; the graph's tail ops (Softmax, TopK, …) are left to the caller.

import { quantCodeRange } from "../../model/layer-types.js";
import type { HostInput, HostOutput, HostStep } from "../../onnx/host.js";
import { stepShapes } from "../../onnx/host.js";
import { thresholdChannelAxis } from "../../onnx/ops.js";
import { size } from "../../onnx/tensor.js";

const LAYOUT_OPS = ["Reshape", "Flatten", "PassThrough", "Identity", "Squeeze", "Unsqueeze"];
const ARITHMETIC = ["Mul", "Add", "Sub", "Div"];
/** Op codes, in the order of the C enum. */
const OPS = [
  "LAYOUT",
  "MUL",
  "ADD",
  "SUB",
  "DIV",
  "RELU",
  "QUANT",
  "BIPOLAR_QUANT",
  "MULTI_THRESHOLD",
  "TRANSPOSE",
];
/** QONNX rounding modes, in the order of loom_quantize.c's round_mode(). */
const ROUNDING = ["ROUND", "CEIL", "FLOOR", "ROUND_TO_ZERO", "UP", "HALF_UP", "HALF_DOWN"];
const ROUNDING_ALIASES: Record<string, string> = { HALF_EVEN: "ROUND", DOWN: "ROUND_TO_ZERO" };
export const MAX_DIMS = 6;

type Const = { dims: number[]; data: number[] };

interface CStep {
  op: string;
  dims: number[];
  perm?: number[];
  axis?: number;
  /** The constant operand is the left one (c − x, c / x). */
  constFirst?: boolean;
  a?: number[];
  z?: number[];
  lo?: number;
  hi?: number;
  bipolar?: boolean;
  rounding?: number;
  rows?: number;
  thresholds?: number;
  outScale?: number;
  outBias?: number;
}

const attr = (s: HostStep, name: string, d: number): number => {
  const v = s.attributes[name];
  return typeof v === "number" ? v : d;
};

/** A constant that applies element by element: one value for all, or one per element of the same shape. */
function elementwise(
  c: Const | null | "x" | undefined,
  inDims: number[],
  outDims: number[],
  what: string,
): number[] {
  if (!c || c === "x") throw new Error(`${what} has no constant operand`);
  if (c.data.length === 1) return c.data;
  if (c.data.length === size(inDims) && outDims.join() === inDims.join()) return c.data;
  throw new Error(`${what}: a constant of shape [${c.dims}] broadcast onto [${inDims}]`);
}

function cStep(s: HostStep, inDims: number[], outDims: number[]): CStep {
  const what = `${s.opType} (${s.name})`;
  if ((s.output ?? 0) !== 0) throw new Error(`${what}: output ${s.output}`);
  if (inDims.length > MAX_DIMS) throw new Error(`${what}: more than ${MAX_DIMS} dimensions`);
  const dims = inDims;
  if (LAYOUT_OPS.includes(s.opType)) return { op: "LAYOUT", dims };
  if (s.opType === "Relu") return { op: "RELU", dims };
  if (ARITHMETIC.includes(s.opType)) {
    const constFirst = s.inputs[0] !== "x";
    const c = s.inputs[constFirst ? 0 : 1];
    return { op: s.opType.toUpperCase(), dims, constFirst, a: elementwise(c, inDims, outDims, what) };
  }
  if (s.opType === "Transpose") {
    const perm = s.attributes.perm;
    return {
      op: "TRANSPOSE",
      dims,
      perm: Array.isArray(perm) ? perm.map(Number) : [...dims.keys()].reverse(),
    };
  }
  if (s.opType === "BipolarQuant")
    return { op: "BIPOLAR_QUANT", dims, a: elementwise(s.inputs[1], inDims, outDims, what) };
  if (s.opType === "Quant") {
    const bits = (s.inputs[3] as Const).data[0]!;
    const signed = attr(s, "signed", 1) === 1;
    const range = quantCodeRange({ bits, signed, narrow: attr(s, "narrow", 0) === 1 });
    const mode = String(s.attributes.rounding_mode ?? "ROUND").toUpperCase();
    const rounding = ROUNDING.indexOf(ROUNDING_ALIASES[mode] ?? mode);
    if (rounding < 0) throw new Error(`${what}: rounding mode ${mode}`);
    return {
      op: "QUANT",
      dims,
      a: elementwise(s.inputs[1], inDims, outDims, what).map(Math.fround),
      z: elementwise(s.inputs[2], inDims, outDims, what).map(Math.fround),
      lo: range.min,
      hi: range.max,
      bipolar: bits === 1 && signed,
      rounding,
    };
  }
  if (s.opType === "MultiThreshold") {
    const t = s.inputs[1] as Const;
    const node = {
      index: 0,
      name: s.name,
      opType: s.opType,
      domain: "",
      inputs: [],
      outputs: [],
      attributes: s.attributes,
    };
    const axis = thresholdChannelAxis(node, inDims);
    return {
      op: "MULTI_THRESHOLD",
      dims,
      axis,
      a: t.data,
      rows: t.dims[0]!,
      thresholds: t.dims[1]!,
      outScale: attr(s, "out_scale", 1),
      outBias: attr(s, "out_bias", 0),
    };
  }
  throw new Error(`${what} is not implemented in the C driver`);
}

/** The host steps as C steps, or why the C driver cannot run them. */
export function cSteps(q: HostInput, elems: number): { steps: CStep[] } | { reason: string } {
  try {
    const shapes = stepShapes(q.steps, q.shape);
    const last = size(shapes[shapes.length - 1]!);
    if (last !== elems) throw new Error(`the steps give ${last} values for ${elems} inputs`);
    return { steps: q.steps.map((s, i) => cStep(s, shapes[i]!, shapes[i + 1]!)) };
  } catch (e) {
    return { reason: (e as Error).message };
  }
}

const num = (v: number) =>
  Number.isFinite(v) ? String(v) : v > 0 ? "INFINITY" : v < 0 ? "-INFINITY" : "NAN";
const list = (v: readonly number[]) => `{ ${v.map(num).join(", ")} }`;
const dimsInit = (d: readonly number[]) =>
  `{ ${[...d, ...new Array(MAX_DIMS - d.length).fill(1)].join(", ")} }`;

/** The quantizer part of loom_driver.h: types always, the table when the C driver can quantize. */
export function cQuantizerHeader(q: HostInput | undefined, elems: number): string {
  const types = `
/* Float inputs: the model's input quantizer as steps (loom_quantize.c). */
enum { ${OPS.map((o) => `LOOM_OP_${o}`).join(", ")} };
#define LOOM_MAX_DIMS ${MAX_DIMS}
typedef struct {
  int op;
  int ndim;
  int dims[LOOM_MAX_DIMS];  /* the shape this step takes */
  int perm[LOOM_MAX_DIMS];  /* TRANSPOSE */
  int axis;                 /* MULTI_THRESHOLD: the channel axis */
  int const_first;          /* SUB, DIV: constant − x, constant / x */
  const double* a; int a_len; /* arithmetic operand, Quant/BipolarQuant scale, thresholds (rows × count) */
  const double* z; int z_len; /* Quant zero point */
  double lo, hi;            /* Quant: code range */
  int bipolar, rounding;    /* Quant: 1-bit signed; QONNX rounding mode */
  int rows, thresholds;     /* MULTI_THRESHOLD */
  double out_scale, out_bias;
} LoomStep;
typedef struct {
  const double* step; int step_len;
  const double* offset; int offset_len;
  double min, max;
  int bipolar, exact;        /* exact: fixed-point/integer inputs must lie on the grid */
} LoomGrid;
/* Float inputs (LOOM_QUANT_INPUTS per image, in the graph's input layout) -> input codes. round:
   off-grid fixed-point/integer values are rounded half to even and saturated instead of refused.
   Returns 0; -1 with *bad = the first element (of its image) not on the input grid; -2 when this
   model has no float path or memory ran out. */
int loom_quantize(const float* x, size_t images, int round, int64_t* codes, size_t* bad);
`;
  if (!q)
    return `${types}#define LOOM_HAS_QUANTIZER 0 /* the model declares no input quantizer */\n#define LOOM_QUANT_INPUTS 0\n`;
  const r = cSteps(q, elems);
  if ("reason" in r)
    return `${types}#define LOOM_HAS_QUANTIZER 0 /* integer codes only: ${r.reason.replace(/\*\//g, "")} */\n#define LOOM_QUANT_INPUTS 0\n`;
  const consts: string[] = [];
  const ref = (name: string, v: readonly number[] | undefined) => {
    if (!v) return "NULL, 0";
    consts.push(`static const double ${name}[] = ${list(v)};`);
    return `${name}, ${v.length}`;
  };
  const rows = r.steps.map(
    (s, i) =>
      `  { LOOM_OP_${s.op}, ${s.dims.length}, ${dimsInit(s.dims)}, ${dimsInit(s.perm ?? [])}, ${s.axis ?? 0}, ${s.constFirst ? 1 : 0}, ${ref(`loom_q${i}_a`, s.a)}, ${ref(`loom_q${i}_z`, s.z)}, ${num(s.lo ?? 0)}, ${num(s.hi ?? 0)}, ${s.bipolar ? 1 : 0}, ${s.rounding ?? 0}, ${s.rows ?? 0}, ${s.thresholds ?? 0}, ${num(s.outScale ?? 1)}, ${num(s.outBias ?? 0)} },`,
  );
  const shapes = stepShapes(q.steps, q.shape);
  const exact = q.mode === "fixed-point" || q.mode === "integer";
  return `${types}#define LOOM_HAS_QUANTIZER 1
#define LOOM_QUANT_INPUTS ${size(q.shape)}
#define LOOM_QUANT_MAX_ELEMS ${Math.max(...shapes.map(size))}
#define LOOM_QUANT_STEP_COUNT ${r.steps.length}
${consts.join("\n")}
static const double loom_grid_step[] = ${list(q.step)};
static const double loom_grid_offset[] = ${list(q.offset)};
static const LoomStep LOOM_QUANT_STEPS[] = {
${rows.length > 0 ? rows.join("\n") : "  { 0 },"}
};
static const LoomGrid LOOM_QUANT_GRID = { loom_grid_step, ${q.step.length}, loom_grid_offset, ${q.offset.length}, ${num(q.min)}, ${num(q.max)}, ${q.bipolar ? 1 : 0}, ${exact ? 1 : 0} };
`;
}

/** The output scale part of loom_driver.h (score outputs with a dequantizer). */
export function cDequantizerHeader(d: HostOutput | undefined, elems: number): string {
  const decl = `/* Integer scores -> the graph's float outputs: value i = scale * score + offset (per channel),
   in the graph's element order; the graph's tail ops are not applied. Returns -2 without a scale. */
int loom_scale_output(const int64_t* scores, size_t images, double* values);
`;
  if (!d) return `${decl}#define LOOM_HAS_DEQUANTIZER 0\n`;
  const tail = d.tail.length > 0 ? ` /* not applied here: ${d.tail.map((t) => t.opType).join(", ")} */` : "";
  const order = d.order ?? Array.from({ length: elems }, (_, i) => i);
  return `${decl}#define LOOM_HAS_DEQUANTIZER 1${tail}
static const double loom_out_scale[] = ${list(d.scale)};
static const double loom_out_offset[] = ${list(d.offset)};
static const int loom_out_order[] = ${list(order)};
#define LOOM_OUT_SCALE_LEN ${d.scale.length}
#define LOOM_OUT_OFFSET_LEN ${d.offset.length}
`;
}

export const C_QUANTIZE = `/* Generated by Loom. Float inputs -> input codes with the model's input quantizer; see loom_driver.h.
 * Every step rounds to float32 as the ONNX graph does (values are held in doubles that are always
 * float32 values: one double operation on two float32 values, rounded to float32, is the float32
 * operation). Build without -ffast-math. */
#include <math.h>
#include <stdlib.h>
#include "loom_driver.h"

#if LOOM_HAS_QUANTIZER
static double f32(double v) { return (double)(float)v; }

/* JavaScript's Math.round (ties up), exact: x - floor(x) is exact. */
static double round_up_ties(double x) {
  double r = floor(x);
  return x - r >= 0.5 ? r + 1.0 : r;
}

/* numpy.round: ties to even. */
static double half_even(double x) {
  double r = round_up_ties(x);
  return (r - x == 0.5 && fmod(r, 2.0) != 0.0) ? r - 1.0 : r;
}

static double sgn(double x) { return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0; }

/* QONNX rounding modes: ROUND (half even), CEIL, FLOOR, ROUND_TO_ZERO, UP, HALF_UP, HALF_DOWN. */
static double round_mode(int mode, double x) {
  switch (mode) {
    case 1: return ceil(x);
    case 2: return floor(x);
    case 3: return trunc(x);
    case 4: return sgn(x) * ceil(fabs(x));
    case 5: return sgn(x) * floor(fabs(x) + 0.5);
    case 6: return sgn(x) * ceil(fabs(x) - 0.5);
    default: return half_even(x);
  }
}

static size_t elems(const LoomStep* s) {
  size_t n = 1;
  for (int k = 0; k < s->ndim; k++) n *= (size_t)s->dims[k];
  return n;
}

static double at(const double* v, int len, size_t i) { return v[len == 1 ? 0 : i]; }

/* One step from in to out (n elements of the step's input shape). */
static void run_step(const LoomStep* s, const double* in, double* out) {
  size_t n = elems(s);
  if (s->op == LOOM_OP_TRANSPOSE) {
    size_t src[LOOM_MAX_DIMS], dst[LOOM_MAX_DIMS], sa = 1, da = 1;
    for (int k = s->ndim - 1; k >= 0; k--) {
      src[k] = sa; sa *= (size_t)s->dims[k];
      dst[k] = da; da *= (size_t)s->dims[s->perm[k]];
    }
    for (size_t i = 0; i < n; i++) {
      size_t rem = i, j = 0;
      for (int k = 0; k < s->ndim; k++) {
        size_t idx = rem / dst[k];
        rem %= dst[k];
        j += idx * src[s->perm[k]];
      }
      out[i] = in[j];
    }
    return;
  }
  size_t stride = 1;
  for (int k = s->ndim - 1; k > s->axis; k--) stride *= (size_t)s->dims[k];
  for (size_t i = 0; i < n; i++) {
    double x = in[i], c, y;
    switch (s->op) {
      case LOOM_OP_MUL: out[i] = f32(x * at(s->a, s->a_len, i)); break;
      case LOOM_OP_ADD: out[i] = f32(x + at(s->a, s->a_len, i)); break;
      case LOOM_OP_SUB: c = at(s->a, s->a_len, i); out[i] = f32(s->const_first ? c - x : x - c); break;
      case LOOM_OP_DIV: c = at(s->a, s->a_len, i); out[i] = f32(s->const_first ? c / x : x / c); break;
      case LOOM_OP_RELU: out[i] = x > 0 ? x : 0.0; break;
      case LOOM_OP_BIPOLAR_QUANT: out[i] = f32((x >= 0 ? 1.0 : -1.0) * at(s->a, s->a_len, i)); break;
      case LOOM_OP_QUANT: {
        double sc = at(s->a, s->a_len, i), z = at(s->z, s->z_len, i);
        y = f32(f32(x / sc) + z);
        if (s->bipolar) {
          y = y >= 0 ? 1.0 : -1.0;
        } else {
          if (y > s->hi) y = s->hi;
          if (y < s->lo) y = s->lo;
          y = round_mode(s->rounding, y);
        }
        out[i] = f32(f32(y - z) * sc);
        break;
      }
      case LOOM_OP_MULTI_THRESHOLD: {
        size_t ch = (i / stride) % (size_t)s->dims[s->axis], row = s->rows == 1 ? 0 : ch;
        int count = 0;
        for (int k = 0; k < s->thresholds; k++) count += x >= s->a[row * (size_t)s->thresholds + (size_t)k];
        out[i] = f32(f32(s->out_scale * count) + s->out_bias);
        break;
      }
      default: out[i] = x; /* LOOM_OP_LAYOUT: the data is unchanged */
    }
  }
}

int loom_quantize(const float* x, size_t images, int round, int64_t* codes, size_t* bad) {
  double* a = malloc(LOOM_QUANT_MAX_ELEMS * sizeof *a);
  double* b = malloc(LOOM_QUANT_MAX_ELEMS * sizeof *b);
  if (!a || !b) { free(a); free(b); return -2; }
  const LoomGrid* g = &LOOM_QUANT_GRID;
  int status = 0;
  for (size_t n = 0; n < images && status == 0; n++) {
    for (size_t i = 0; i < LOOM_QUANT_INPUTS; i++) {
      if (!isfinite(x[n * LOOM_QUANT_INPUTS + i])) { *bad = i; status = -1; break; }
      a[i] = x[n * LOOM_QUANT_INPUTS + i];
    }
    if (status) break;
    for (int k = 0; k < LOOM_QUANT_STEP_COUNT; k++) {
      double* t;
      run_step(&LOOM_QUANT_STEPS[k], a, b);
      t = a; a = b; b = t;
    }
    for (size_t i = 0; i < LOOM_INPUT_ELEMS; i++) {
      double q = (a[i] - at(g->offset, g->offset_len, i)) / at(g->step, g->step_len, i);
      double code = round_up_ties(q);
      int on_grid = g->exact ? q == code : fabs(q - code) <= 1e-6 * (fabs(code) > 1 ? fabs(code) : 1);
      if (g->exact && round) {
        code = half_even(q);
        if (code > g->max) code = g->max;
        if (code < g->min) code = g->min;
        if (g->bipolar) code = code >= 0 ? 1 : -1;
        on_grid = 1;
      }
      if (!on_grid || (g->bipolar ? code != 1 && code != -1 : code < g->min || code > g->max)) {
        *bad = i;
        status = -1;
        break;
      }
      codes[n * LOOM_INPUT_ELEMS + i] = (int64_t)code;
    }
  }
  free(a);
  free(b);
  return status;
}
#else
int loom_quantize(const float* x, size_t images, int round, int64_t* codes, size_t* bad) {
  (void)x; (void)images; (void)round; (void)codes; (void)bad;
  return -2;
}
#endif

#if LOOM_HAS_DEQUANTIZER
int loom_scale_output(const int64_t* scores, size_t images, double* values) {
  for (size_t n = 0; n < images; n++) {
    for (size_t i = 0; i < LOOM_OUTPUT_ELEMS; i++) {
      size_t j = (size_t)loom_out_order[i];
      const int64_t* s = scores + n * LOOM_OUTPUT_ELEMS;
      values[n * LOOM_OUTPUT_ELEMS + i] =
          loom_out_scale[j % LOOM_OUT_SCALE_LEN] * (double)s[j] + loom_out_offset[j % LOOM_OUT_OFFSET_LEN];
    }
  }
  return 0;
}
#else
int loom_scale_output(const int64_t* scores, size_t images, double* values) {
  (void)scores; (void)images; (void)values;
  return -2;
}
#endif
`;
