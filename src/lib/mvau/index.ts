// The MVAU generator: what the network compiler uses.

export { packElements, unpackElements, weightWords } from "./layout.js";
export { Mvau } from "./mvau.js";
export {
  type MultiplierStyle,
  type MvauActivation,
  type MvauParams,
  type MvauShape,
  mvauShape,
  type WeightMemoryStyle,
} from "./params.js";
