// Loads and checks a model file. zod checks the shape; the checks below are the ones zod cannot
// express (matrix sizes, values fitting datatypes, layer chaining, threshold counts), so every
// later stage may assume a consistent model.
import { readFileSync } from "node:fs";
import type { z } from "zod";
import {
  allows,
  type DataType,
  dataTypeName,
  MAX_ACTIVATION_BITS,
  maxValue,
  minValue,
  parseDataType,
} from "../core/datatypes.js";
import { divisors } from "../core/divisors.js";
import { closestName } from "./closest-name.js";
import {
  convGeometry,
  hasPadding,
  matrixHeight,
  matrixWidth,
  outputShape,
  outputSize,
  paddedSize,
  shapeText,
  zeroCode,
} from "./layer-geometry.js";
import { activationOutputDatatype } from "./layer-types.js";
import { ModelError } from "./model-error.js";
import { type Layer, type Model, modelSchema } from "./model-format.js";
import { knownKeysAt } from "./schema-keys.js";

export { ModelError } from "./model-error.js";

/**
 * Loads a model from a file path, from JSON text (a string starting with "{"), or from an
 * already parsed object. `source` names the model in error messages (defaults to the path).
 */
export function loadModel(pathOrJson: string | unknown, source?: string): Model {
  if (typeof pathOrJson !== "string") return parseModel(pathOrJson, source ?? "model");
  const text = pathOrJson.trimStart();
  if (text.startsWith("{")) return parseModel(parseJson(text, source ?? "model"), source ?? "model");
  const name = source ?? pathOrJson;
  let content: string;
  try {
    content = readFileSync(pathOrJson, "utf8");
  } catch (err) {
    throw new ModelError(`${name}: cannot read the model file (${(err as Error).message})`);
  }
  return parseModel(parseJson(content, name), name);
}

/** Validates a parsed JSON value: schema first, then the semantic checks. */
export function parseModel(json: unknown, source = "model"): Model {
  const result = modelSchema.safeParse(json);
  if (!result.success) {
    const lines = result.error.issues.map((issue) =>
      issue.code === "unrecognized_keys" ? unknownKeys(issue, json) : formatIssue(issue),
    );
    throw new ModelError(`${source}: ${lines.join("; ")}`);
  }
  checkModel(result.data, source);
  return result.data;
}

/** `layers[0].activation: unknown key "batchNorm" (did you mean "batchnorm"?)`: a typo must not be dropped silently. */
function unknownKeys(issue: z.core.$ZodIssueUnrecognizedKeys, json: unknown): string {
  const known = knownKeysAt(modelSchema, json, issue.path);
  const each = issue.keys.map((key) => {
    const near = closestName(key, known);
    return `unknown key "${key}"${near ? ` (did you mean "${near}"?)` : ""}`;
  });
  return `${formatPath(issue.path)}: ${each.join(", ")}; allowed: ${known.join(", ")}`;
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new ModelError(`${source}: not valid JSON (${(err as Error).message})`);
  }
}

/** `layers[1].weights[3]` from a zod path. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(top level)" : out;
}

function formatIssue(issue: z.core.$ZodIssue): string {
  const where = formatPath(issue.path);
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    // "Invalid input" says nothing: list what each alternative expected instead.
    const expected = issue.errors.flatMap((branch) =>
      branch.filter((i) => i.code === "invalid_type").map((i) => (i as { expected: string }).expected),
    );
    if (expected.length === issue.errors.length) {
      return `${where}: expected ${[...new Set(expected)].join(" or ")}`;
    }
    const deepest = issue.errors.reduce((a, b) => (depth(b) > depth(a) ? b : a));
    return deepest.map((i) => formatIssue({ ...i, path: [...issue.path, ...i.path] })).join("; ");
  }
  return `${where}: ${issue.message.replace(/^Invalid input: /, "")}`;
}

function depth(branch: z.core.$ZodIssue[]): number {
  return Math.max(0, ...branch.map((i) => i.path.length));
}

/** Throws a ModelError at the first inconsistency zod cannot see. */
export function checkModel(model: Model, source = "model"): void {
  const fail = (path: string, msg: string): never => {
    throw new ModelError(`${source}: ${path}: ${msg}`);
  };
  const inputCount = model.input.shape.reduce((a, b) => a * b, 1);
  let seenFlat = false;
  model.layers.forEach((layer, i) => {
    const at = `layers[${i}]`;
    const prev = model.layers[i - 1];
    const from =
      i === 0
        ? `input.shape [${model.input.shape.join(", ")}] ${layer.kind === "conv" ? "is a different feature map" : `has ${inputCount} values`}`
        : `layers[${i - 1}] ("${prev!.name}") ${prev!.kind === "conv" ? `outputs ${shapeText(outputShape(prev!))} (${outputSize(prev!)} values)` : `has outFeatures ${outputSize(prev!)}`}`;
    if (layer.kind === "dense") {
      const expectedIn = i === 0 ? inputCount : outputSize(prev!);
      if (layer.inFeatures !== expectedIn) fail(`${at}.inFeatures`, `is ${layer.inFeatures}, but ${from}`);
      seenFlat = true;
    } else {
      if (seenFlat)
        fail(`${at}.kind`, "a conv layer cannot follow a dense layer (its input is a flat vector)");
      checkConvGeometry(model, i, at, from, fail);
    }
    checkWeights(layer, at, fail);
    checkActivation(layer, at, i === model.layers.length - 1, fail);
    if (layer.folding) checkFolding(layer, at, fail);
  });
  const names = new Set<string>();
  model.layers.forEach((layer, i) => {
    if (names.has(layer.name)) fail(`layers[${i}].name`, `"${layer.name}" is used by an earlier layer`);
    names.add(layer.name);
  });
  const classes = model.output.classes;
  const last = model.layers[model.layers.length - 1]!;
  if (classes && classes.length !== outputSize(last)) {
    fail("output.classes", `has ${classes.length} names, but the last layer has ${outputSize(last)} outputs`);
  }
}

type Fail = (path: string, msg: string) => never;

function checkConvGeometry(model: Model, i: number, at: string, from: string, fail: Fail): void {
  const layer = model.layers[i]!;
  if (layer.kind !== "conv") return;
  const prev = model.layers[i - 1];
  // The first layer reads input.shape as NHWC; size-1 axes may be left out ([64, 64] for 64x64x1).
  const matches =
    i === 0
      ? sameDims(model.input.shape, layer.inShape)
      : prev!.kind === "conv" && outputShape(prev!).every((v, k) => v === layer.inShape[k]);
  if (!matches) fail(`${at}.inShape`, `is [${layer.inShape.join(", ")}], but ${from}`);
  const g = paddedSize(layer);
  if (g.height < layer.kernel[0] || g.width < layer.kernel[1])
    fail(
      `${at}.kernel`,
      `[${layer.kernel.join(", ")}] does not fit the padded input ${g.height}x${g.width} (inShape and padding)`,
    );
  const pool = layer.pool;
  if (pool) {
    const conv = convGeometry({ ...layer, pool: undefined });
    if (conv.convHeight < pool.kernel[0] || conv.convWidth < pool.kernel[1])
      fail(
        `${at}.pool.kernel`,
        `[${pool.kernel.join(", ")}] does not fit the convolution output ${conv.convHeight}x${conv.convWidth}`,
      );
  }
  if (hasPadding(layer)) checkPadCode(model, i, at, fail);
}

/** Padding inserts the code of 0.0: the input datatype must have one, and hold the zero point. */
function checkPadCode(model: Model, i: number, at: string, fail: Fail): void {
  const inDt =
    i === 0 ? parseDataType(model.input.datatype) : activationOutputDatatype(model.layers[i - 1]!.activation);
  // "none" passes integers on (never BIPOLAR), and 0 is in every INT/UINT range.
  if (!inDt) return;
  const zero = zeroCode(model, i, inDt);
  if (zero === null)
    fail(
      `${at}.padding`,
      `padding needs a code for 0.0, and the layer's BIPOLAR input has none (±1 only); use padding 0`,
    );
  if (!allows(inDt, zero))
    fail(
      "input.zeroPoint",
      `${zero} (the code of 0.0 that ${at} pads with) does not fit the input datatype ${rangeText(inDt)}`,
    );
}

/** Equal shapes once axes of size 1 are dropped. */
function sameDims(a: readonly number[], b: readonly number[]): boolean {
  const sa = a.filter((d) => d !== 1);
  const sb = b.filter((d) => d !== 1);
  return sa.length === sb.length && sa.every((d, k) => d === sb[k]);
}

function checkWeights(layer: Layer, at: string, fail: Fail): void {
  const mh = matrixHeight(layer);
  const mw = matrixWidth(layer);
  const rowsName = layer.kind === "dense" ? "outFeatures" : "outChannels";
  const colsName = layer.kind === "dense" ? "inFeatures" : "kernel height · width · input channels";
  if (layer.weights.length !== mh) {
    fail(`${at}.weights`, `expected ${mh} rows (${rowsName}), got ${layer.weights.length}`);
  }
  const dt = parseDataType(layer.weightDatatype);
  layer.weights.forEach((row, r) => {
    if (row.length !== mw) {
      fail(`${at}.weights[${r}]`, `expected ${mw} values (${colsName}), got ${row.length}`);
    }
    row.forEach((w, c) => {
      if (!allows(dt, w)) fail(`${at}.weights[${r}][${c}]`, `${w} does not fit ${rangeText(dt)}`);
    });
  });
}

function rangeText(dt: DataType): string {
  if (dt.kind === "BIPOLAR") return "BIPOLAR (weights must be -1 or +1)";
  return `${dataTypeName(dt)} (${minValue(dt)}..${maxValue(dt)})`;
}

function checkPerChannel(value: unknown, path: string, channels: number, fail: Fail): void {
  if (Array.isArray(value) && value.length !== 1 && value.length !== channels) {
    fail(path, `expected 1 value or ${channels} values (one per output channel), got ${value.length}`);
  }
}

function checkActivation(layer: Layer, at: string, isLast: boolean, fail: Fail): void {
  const act = layer.activation;
  const C = matrixHeight(layer);
  const ap = `${at}.activation`;
  switch (act.kind) {
    case "none":
      // Between layers the exact acc + bias goes on; XNOR layers compute a popcount instead.
      if (!isLast && layer.weightDatatype === "BIPOLAR")
        fail(
          `${ap}.kind`,
          `"none" on a BIPOLAR-weight layer is only allowed on the last layer (use "thresholds")`,
        );
      if (isLast && act.relu)
        fail(
          `${ap}.relu`,
          "a ReLU after the last layer runs on the host; relu is only allowed between layers",
        );
      checkPerChannel(act.bias, `${ap}.bias`, C, fail);
      checkPerChannel(act.scale, `${ap}.scale`, C, fail);
      if (layer.kind === "conv" && layer.pool) {
        // The pool takes the max of the integer outputs; that is the max of the real values
        // (integer · scale) only for a positive scale.
        const scales = Array.isArray(act.scale) ? act.scale : [act.scale];
        const bad = scales.findIndex((s) => !(s > 0));
        if (bad >= 0)
          fail(
            `${ap}.scale`,
            `max-pooling needs a positive scale (the pool compares integer outputs), got ${scales[bad]}`,
          );
      }
      return;
    case "float": {
      checkPerChannel(act.scale, `${ap}.scale`, C, fail);
      checkPerChannel(act.bias, `${ap}.bias`, C, fail);
      const bn = act.batchnorm;
      if (bn) {
        for (const key of ["mean", "variance", "gamma", "beta"] as const) {
          checkPerChannel(bn[key], `${ap}.batchnorm.${key}`, C, fail);
        }
        const variances = Array.isArray(bn.variance) ? bn.variance : [bn.variance];
        variances.forEach((v, c) => {
          if (!(v + bn.epsilon > 0)) {
            fail(
              `${ap}.batchnorm.variance`,
              `channel ${c}: variance + epsilon must be > 0, got ${v + bn.epsilon}`,
            );
          }
        });
      }
      return;
    }
    case "thresholds":
      checkThresholds(act, ap, C, fail);
      return;
  }
}

function checkThresholds(
  act: Extract<Layer["activation"], { kind: "thresholds" }>,
  ap: string,
  C: number,
  fail: Fail,
): void {
  const dt = parseDataType(act.outDatatype);
  const rows = act.thresholds;
  if (rows.length !== 1 && rows.length !== C) {
    fail(
      `${ap}.thresholds`,
      `expected 1 row (for all channels) or ${C} rows (one per channel), got ${rows.length}`,
    );
  }
  if (dt.bits > MAX_ACTIVATION_BITS) {
    fail(
      `${ap}.outDatatype`,
      `${act.outDatatype} is wider than loom's ${MAX_ACTIVATION_BITS}-bit activation limit`,
    );
  }
  const maxCount = dt.kind === "BIPOLAR" ? 1 : 2 ** dt.bits - 1;
  const count = rows[0]!.length;
  rows.forEach((row, r) => {
    const rp = `${ap}.thresholds[${r}]`;
    if (row.length !== count)
      fail(rp, `has ${row.length} thresholds, but row 0 has ${count}: all rows need the same count`);
    if (row.length > maxCount) {
      fail(rp, `has ${row.length} thresholds; ${act.outDatatype} output allows at most ${maxCount}`);
    }
    for (let k = 1; k < row.length; k++) {
      if (BigInt(row[k]!) < BigInt(row[k - 1]!)) {
        fail(`${rp}[${k}]`, `thresholds must be ascending, but ${row[k]} < ${row[k - 1]}`);
      }
    }
  });
  if (dt.kind === "BIPOLAR") {
    if (act.outBias !== 0)
      fail(`${ap}.outBias`, `must be 0 (omitted) for BIPOLAR output, which is 2·count − 1`);
    return;
  }
  const lo = BigInt(act.outBias);
  const hi = lo + BigInt(count);
  if (!allows(dt, lo) || !allows(dt, hi)) {
    fail(
      `${ap}.outBias`,
      `outputs ${lo}..${hi} (outBias + 0..${count}) do not fit ${rangeText(dt)}; ` +
        `use outBias ${minValue(dt)} for signed or 0 for unsigned outputs`,
    );
  }
}

function checkFolding(layer: Layer, at: string, fail: Fail): void {
  const { pe, simd } = layer.folding!;
  const mh = matrixHeight(layer);
  // A conv window beat is SIMD channels of one kernel position, so SIMD divides C, not KH·KW·C.
  const simdOf = layer.kind === "dense" ? layer.inFeatures : layer.inShape[2];
  const [peName, simdName] =
    layer.kind === "dense" ? ["outFeatures", "inFeatures"] : ["outChannels", "input channels"];
  if (mh % pe !== 0)
    fail(`${at}.folding.pe`, `${pe} does not divide ${peName} ${mh}; valid: ${divisorList(mh)}`);
  if (simdOf % simd !== 0) {
    fail(
      `${at}.folding.simd`,
      `${simd} does not divide ${simdName} ${simdOf}; valid: ${divisorList(simdOf)}`,
    );
  }
}

function divisorList(n: number): string {
  return divisors(n).join(", ");
}
