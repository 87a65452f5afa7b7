// Rewrites a QONNX graph into standard ONNX ops so an independent runtime (onnxruntime-web) can
// run it: Quant(x, s, z, bits) with ROUND becomes Div → Add → Clip → Round → Sub → Mul, which is
// the QONNX definition written out (ONNX Round is half to even, as numpy's). Opset ≥ 11 (Round).

import { ModelProto, TensorDataType } from "../../../src/onnx/onnx-schema.js";
import { decodeTensor } from "../../../src/onnx/read.js";

// protobufjs messages are untyped.
type Msg = any;

export function lowerQuant(bytes: Uint8Array): Uint8Array {
  const m: Msg = ModelProto.decode(bytes);
  const g = m.graph;
  const inits = new Map<string, Msg>((g.initializer ?? []).map((t: Msg) => [t.name, t]));
  const scalar = (name: string, v: number) => {
    g.initializer.push({ name, dims: [], data_type: TensorDataType.FLOAT, float_data: [v] });
    return name;
  };
  const nodes: Msg[] = [];
  for (const n of g.node) {
    if (n.op_type !== "Quant") {
      nodes.push(n);
      continue;
    }
    const attr = (k: string, d: number) => Number(n.attribute.find((a: Msg) => a.name === k)?.i ?? d);
    if ((n.attribute.find((a: Msg) => a.name === "rounding_mode")?.s?.length ?? 0) > 0) {
      const mode = new TextDecoder().decode(n.attribute.find((a: Msg) => a.name === "rounding_mode").s);
      if (mode !== "ROUND") throw new Error(`lowerQuant: rounding_mode ${mode}`);
    }
    const bits = Number(decodeTensor(inits.get(n.input[3]), "bitwidth").data[0]);
    const signed = attr("signed", 1) === 1;
    const narrow = attr("narrow", 0) === 1;
    const lo = signed ? -(2 ** (bits - 1)) + (narrow ? 1 : 0) : 0;
    const hi = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1 - (narrow ? 1 : 0);
    const [x, s, z] = n.input;
    const y = n.output[0];
    const t = (k: number) => `${y}__lower${k}`;
    nodes.push(
      { op_type: "Div", input: [x, s], output: [t(1)], name: t(1) },
      { op_type: "Add", input: [t(1), z], output: [t(2)], name: t(2) },
      { op_type: "Clip", input: [t(2), scalar(t(7), lo), scalar(t(8), hi)], output: [t(3)], name: t(3) },
      { op_type: "Round", input: [t(3)], output: [t(4)], name: t(4) },
      { op_type: "Sub", input: [t(4), z], output: [t(5)], name: t(5) },
      { op_type: "Mul", input: [t(5), s], output: [y], name: t(6) },
    );
  }
  g.node = nodes;
  m.opset_import = m.opset_import.filter((o: Msg) => (o.domain ?? "") === "");
  const onnx = m.opset_import[0];
  if (Number(onnx.version) < 11) onnx.version = 11;
  return ModelProto.encode(m).finish();
}
