// Elaboration + emission time and Verilog size for designs of growing IR size.
// Run: npx tsx bench/dsl-elaborate.ts
import { defineModule, type Expr, elaborate, input, output, ports, reg, UInt } from "../src/dsl/index.js";
import { emitVerilog } from "../src/rtl/emit.js";

/** A mesh of adders, xors and registers with about `nodes` IR nodes. */
const Mesh = defineModule(
  (p: { nodes: number }) => `Mesh_${p.nodes}`,
  (p: { nodes: number }) => {
    const io = ports({ a: input(UInt(16)), b: input(UInt(16)), y: output(UInt(16)) });
    let layer: Expr[] = [io.a, io.b];
    let count = 0;
    let regs = 0;
    while (count < p.nodes) {
      const next: Expr[] = [];
      for (let i = 0; i < 64 && count < p.nodes; i++) {
        const x = layer[i % layer.length]!;
        const y = layer[(i * 7 + 3) % layer.length]!;
        next.push(i % 2 ? x.add(y) : x.xor(y.shr(1).pad(16)));
        count += i % 2 ? 1 : 3;
      }
      if (next.length > 0 && count % 1000 < 64) {
        const r = reg(`r${regs++}`, UInt(16), { init: 0 });
        r.next(next[0]!);
        next[0] = r;
      }
      layer = next;
    }
    io.y.set(layer.reduce((s, x) => s.xor(x)));
    return io;
  },
);

export function benchElaboration(
  sizes = [10_000, 50_000, 100_000],
): Array<{ nodes: number; ms: number; bytes: number }> {
  const rows = [];
  for (const nodes of sizes) {
    const t0 = performance.now();
    const emitted = emitVerilog(elaborate(Mesh, { nodes }));
    const ms = performance.now() - t0;
    const bytes = [...emitted.files.values()].reduce((s, f) => s + f.length, 0);
    rows.push({ nodes, ms, bytes });
  }
  return rows;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  benchElaboration([10_000]); // warm-up
  for (const r of benchElaboration()) {
    console.log(
      `${r.nodes} IR nodes: elaborate+emit ${r.ms.toFixed(0)} ms, ${(r.bytes / 1e6).toFixed(2)} MB Verilog (${(r.bytes / r.nodes).toFixed(1)} B/node)`,
    );
  }
}
