// Any activation of one output channel as a function of its accumulator: the single entry point
// for code that evaluates model files layer by layer (the trainer's integer inference, the float
// reference). Each kind delegates to its one golden implementation.
import { clampAtZero } from "../../core/accumulator.js";
import { parseDataType } from "../../core/datatypes.js";
import type { Activation } from "../model-format.js";
import { channelValue, thresholdRow, toBigInt } from "../weights.js";
import { floatActivationCode } from "./float-activation.js";
import { multiThreshold } from "./multithreshold.js";

/**
 * Output of channel c for an accumulator (the ±1 sum for XNOR layers): the quantizer's code for
 * "float", the threshold count (+ outBias, or 2·count − 1 for BIPOLAR) for "thresholds", and
 * acc + bias for "none" (clamped at zero with `relu`).
 */
export function channelActivation(act: Activation, c: number): (acc: bigint) => bigint {
  switch (act.kind) {
    case "float": {
      const code = floatActivationCode(act, c);
      return (acc) => BigInt(code(acc));
    }
    case "thresholds": {
      const row = thresholdRow(act, c);
      const outDt = parseDataType(act.outDatatype);
      return (acc) => multiThreshold(acc, row, act.outBias, outDt);
    }
    case "none": {
      const bias = toBigInt(channelValue(act.bias, c));
      return act.relu ? (acc) => clampAtZero(acc + bias) : (acc) => acc + bias;
    }
  }
}
