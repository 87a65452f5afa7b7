import { readFileSync } from "node:fs";
import { ModelProto } from "./src/onnx/onnx-schema.ts";
const f = process.argv[2]!;
const m = ModelProto.decode(readFileSync(f)) as any;
const o = ModelProto.toObject(m, { longs: String, bytes: String, defaults: false }) as any;
for (const t of o.graph.initializer ?? []) { if (t.rawData) t.rawData = `<${t.rawData.length}b64>`; if (t.raw_data) t.raw_data = `<raw ${Buffer.from(t.raw_data,'base64').length}B>`; if (t.float_data && t.float_data.length>8) t.float_data = `<${t.float_data.length} floats> ${t.float_data.slice(0,8)}`}
console.log(JSON.stringify({ir: o.ir_version, opset: o.opset_import, producer: o.producer_name}, null, 0));
for (const n of o.graph.node) console.log(JSON.stringify(n));
console.log("INIT"); for (const t of o.graph.initializer ?? []) console.log(JSON.stringify(t));
console.log("IN", JSON.stringify(o.graph.input)); console.log("OUT", JSON.stringify(o.graph.output));
console.log("VI", JSON.stringify(o.graph.value_info)?.slice(0,3000));
console.log("QA", JSON.stringify(o.graph.quantization_annotation)?.slice(0,3000));
