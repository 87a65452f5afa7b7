// Golden models: pure BigInt references with no hardware code, for tests and simulations.
export { argmax } from "./argmax.js";
export {
  avgPoolGolden,
  type ConvSpec,
  convGolden,
  globalAvgPoolGolden,
  type Image,
  im2col,
  maxPoolGolden,
  padImage,
} from "./conv.js";
export {
  type ChannelFloatParams,
  channelFloatParams,
  channelSlopeSign,
  floatActivationCode,
  preQuantValue,
} from "./float-activation.js";
export { type FloatResult, runFloatModel } from "./float-model.js";
export { multiThreshold } from "./multithreshold.js";
export { mvauGolden, type XnorForm, xnorSum } from "./mvau.js";
export { type RoundingMode, roundBy, roundHalfEven } from "./rounding.js";
export { type GoldenResult, goldenLayer, runGolden, runGoldenLayers } from "./run-golden.js";
