// The training state of `loom train --arch`: every layer's parameters and batch-norm statistics
// with the architecture, bit widths, input, classes and history, written after training so that
// `--from-checkpoint` can rebuild the network and export it without training again. Values are
// float32 numbers written as JSON doubles, so they read back exactly.
import { readFileSync } from "node:fs";
import { z } from "zod";
import { LoomError } from "../../core/errors.js";
import { writeFileAtomic } from "../../io/write-file.js";
import type { EpochRecord } from "../trainer.js";
import type { QuantCnn } from "./net.js";

export const CHECKPOINT_FORMAT = "loom-cnn-checkpoint (training state; not a Loom model file)";

/** A checkpoint that cannot be read or does not fit the command (one line for the user). */
export class CheckpointError extends LoomError {
  override name = "CheckpointError";
  constructor(message: string) {
    super("usage", message);
  }
}

const epochRecord = z.object({
  epoch: z.number(),
  lr: z.number(),
  trainLoss: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
  valBalancedAccuracy: z.number(),
  seconds: z.number(),
});

/** Fields other than these (metrics and decision of older checkpoints) are ignored. */
const checkpointSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  command: z.string(),
  arch: z.string(),
  wbits: z.number().int(),
  abits: z.number().int(),
  inputScale: z.number(),
  input: z.object({ width: z.number().int(), height: z.number().int(), channels: z.number().int() }),
  classes: z.array(z.string()),
  bestEpoch: z.number().int(),
  history: z.array(epochRecord),
  layers: z.array(
    z.object({
      name: z.string(),
      params: z.array(z.array(z.number())),
      buffers: z.array(z.array(z.number())),
    }),
  ),
});

export type CnnCheckpoint = z.infer<typeof checkpointSchema>;

/** What a checkpoint must agree with to rebuild the network the command describes. */
export interface CheckpointIdentity {
  arch: string;
  wbits: number;
  abits: number;
  width: number;
  height: number;
  inputScale: number;
}

export interface CheckpointInfo extends CheckpointIdentity {
  command: string;
  classes: string[];
  bestEpoch: number;
  history: EpochRecord[];
}

export function writeCheckpoint(path: string, net: QuantCnn, info: CheckpointInfo): void {
  const layers = net.layers.map((l) => ({
    name: l.name,
    kind: l.constructor.name,
    inShape: l.inShape,
    outShape: l.outShape,
    params: l.params.map((p) => Array.from(p.value)),
    buffers: l.buffers.map((b) => Array.from(b)),
  }));
  const ck = {
    format: CHECKPOINT_FORMAT,
    command: info.command,
    arch: info.arch,
    wbits: info.wbits,
    abits: info.abits,
    inputScale: info.inputScale,
    input: { width: info.width, height: info.height, channels: 1, layout: "NHWC" },
    classes: info.classes,
    bestEpoch: info.bestEpoch,
    history: info.history,
    layers,
  };
  writeFileAtomic(path, `${JSON.stringify(ck)}\n`);
}

export function readCheckpoint(path: string): CnnCheckpoint {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new CheckpointError(
      `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CheckpointError(`${path} is not JSON: ${(e as Error).message}`);
  }
  const r = checkpointSchema.safeParse(json);
  if (!r.success) {
    const issue = r.error.issues[0]!;
    throw new CheckpointError(
      `${path} is not a \`loom train --arch\` checkpoint (${issue.path.join(".") || "top level"}: ${issue.message})`,
    );
  }
  return r.data;
}

/** The first way the checkpoint differs from the network the command describes (undefined: none). */
export function checkpointMismatch(ck: CnnCheckpoint, want: CheckpointIdentity): string | undefined {
  const pairs: Array<[string, string, string]> = [
    ["--arch", ck.arch, want.arch],
    ["--wbits", String(ck.wbits), String(want.wbits)],
    ["--abits", String(ck.abits), String(want.abits)],
    ["--input", `${ck.input.width}x${ck.input.height}`, `${want.width}x${want.height}`],
    ["channels", String(ck.input.channels), "1"],
    ["input scale", String(ck.inputScale), String(want.inputScale)],
  ];
  const diff = pairs.find(([, a, b]) => a !== b);
  return diff && `the checkpoint has ${diff[0]} ${diff[1]}, this command ${diff[2]}`;
}

/** Sets every parameter and batch-norm statistic of `net` from the checkpoint. */
export function restoreCheckpoint(net: QuantCnn, ck: CnnCheckpoint): void {
  if (ck.layers.length !== net.layers.length)
    throw new CheckpointError(
      `the checkpoint has ${ck.layers.length} layers, the network ${net.layers.length}`,
    );
  net.layers.forEach((l, i) => {
    const saved = ck.layers[i]!;
    if (saved.name !== l.name)
      throw new CheckpointError(`checkpoint layer ${i} is ${saved.name}, the network's is ${l.name}`);
    const targets = [...l.params.map((p) => p.value), ...l.buffers];
    const values = [...saved.params, ...saved.buffers];
    const fits =
      saved.params.length === l.params.length &&
      values.length === targets.length &&
      values.every((v, k) => v.length === targets[k]!.length);
    if (!fits)
      throw new CheckpointError(`checkpoint layer ${l.name} does not have the network's parameter sizes`);
    targets.forEach((t, k) => t.set(values[k]!));
  });
}
