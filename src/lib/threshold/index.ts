// The standalone thresholding unit and the multi-threshold pieces the MVAU shares.
export { resolveSearch, searchStages, type ThresholdSearch } from "./search.js";
export { type CheckedThresholds, checkThresholdSpec, type ThresholdSpec } from "./spec.js";
export {
  Thresholding,
  type ThresholdingParams,
  type ThresholdingShape,
  thresholdingShape,
} from "./thresholding.js";
