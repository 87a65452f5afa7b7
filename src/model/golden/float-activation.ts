// The fake-quant float reference of one output channel: the definition the trainer uses too.
// The order of floating-point operations below is part of the contract; streamlining fits
// thresholds to exactly this function, so the integer model agrees with it bit for bit.

import { quantCodeRange } from "../layer-types.js";
import type { FloatActivation } from "../model-format.js";
import { channelValue } from "../weights.js";
import { roundBy } from "./rounding.js";

/** Per-channel constants of a float activation, resolved from per-tensor or per-channel fields. */
export interface ChannelFloatParams {
  scale: number;
  bias: number;
  bn?: { mean: number; variance: number; gamma: number; beta: number; epsilon: number };
}

export function channelFloatParams(act: FloatActivation, c: number): ChannelFloatParams {
  const bn = act.batchnorm;
  return {
    scale: channelValue(act.scale, c),
    bias: channelValue(act.bias, c),
    bn: bn && {
      mean: channelValue(bn.mean, c),
      variance: channelValue(bn.variance, c),
      gamma: channelValue(bn.gamma, c),
      beta: channelValue(bn.beta, c),
      epsilon: bn.epsilon,
    },
  };
}

/** The real value before quantization: acc·scale + bias → batch-norm → ReLU. */
export function preQuantValue(act: FloatActivation, p: ChannelFloatParams, acc: bigint): number {
  let y = Number(acc) * p.scale + p.bias;
  if (p.bn) y = ((y - p.bn.mean) / Math.sqrt(p.bn.variance + p.bn.epsilon)) * p.bn.gamma + p.bn.beta;
  if (act.relu) y = Math.max(y, 0);
  return y;
}

/**
 * Output code of channel c for an accumulator value (the ±1 sum for XNOR layers):
 * clamp(round_mode(y / quant.scale), min, max); a 1-bit signed quantizer gives +1 if y ≥ 0, else −1.
 */
export function floatActivationCode(act: FloatActivation, c: number): (acc: bigint) => number {
  const p = channelFloatParams(act, c);
  const q = act.quant;
  const { min, max } = quantCodeRange(q);
  const bipolar = q.bits === 1 && q.signed;
  return (acc) => {
    const u = preQuantValue(act, p, acc) / q.scale;
    if (Number.isNaN(u))
      throw new RangeError(`float activation of channel ${c} is NaN at accumulator ${acc}`);
    if (bipolar) return u >= 0 ? 1 : -1;
    const code = roundBy(q.rounding, u);
    return code < min ? min : code > max ? max : code + 0; // + 0 turns −0 into 0
  };
}

/** Sign of the channel's slope d(code)/d(acc): sign(scale · gamma); ReLU, sqrt and rounding keep it. */
export function channelSlopeSign(act: FloatActivation, c: number): -1 | 0 | 1 {
  const p = channelFloatParams(act, c);
  const s = Math.sign(p.scale) * (p.bn ? Math.sign(p.bn.gamma) : 1);
  return s > 0 ? 1 : s < 0 ? -1 : 0;
}
