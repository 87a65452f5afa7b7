// Typed attribute access with defaults; a wrong attribute type is an error naming the node.
import { OnnxError } from "./errors.js";
import { nodeLabel, type OnnxNode } from "./graph.js";

export function attrInt(node: OnnxNode, name: string, dflt: number): number {
  const v = node.attributes[name];
  if (v === undefined) return dflt;
  if (typeof v !== "number") throw new OnnxError(`${nodeLabel(node)}: attribute ${name} must be a number`);
  return v;
}

export const attrFloat = attrInt;

export function attrString(node: OnnxNode, name: string, dflt: string): string {
  const v = node.attributes[name];
  if (v === undefined) return dflt;
  if (typeof v !== "string") throw new OnnxError(`${nodeLabel(node)}: attribute ${name} must be a string`);
  return v;
}

export function attrInts(node: OnnxNode, name: string): number[] | undefined {
  const v = node.attributes[name];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== "number")) {
    throw new OnnxError(`${nodeLabel(node)}: attribute ${name} must be a list of integers`);
  }
  return v as number[];
}
