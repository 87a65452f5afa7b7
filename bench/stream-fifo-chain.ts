// Verilator simulation speed of a chain of 8 stream FIFOs under random backpressure, in beats
// per second of wall time (the build is cached and not counted). Run: npx tsx bench/stream-fifo-chain.ts

import { buildVerilator } from "../sim/index.js";
import { defineModule, elaborate, input, output, ports, Stream, UInt } from "../src/dsl/index.js";
import { type FifoStyle, queue } from "../src/lib/stream/index.js";
import { emitVerilog } from "../src/rtl/emit.js";

const WIDTH = 32;
const STAGES = 8;
const BEATS = Number(process.env.BEATS ?? 500_000);

const Chain = defineModule(
  (p: { style: FifoStyle }) => `FifoChain${STAGES}_${p.style}`,
  (p: { style: FifoStyle }) => {
    const io = ports({ in: input(Stream(UInt(WIDTH))), out: output(Stream(UInt(WIDTH))) });
    let s = io.in;
    for (let i = 0; i < STAGES; i++) s = queue(`q${i}`, s, [4, 16, 7, 32][i % 4]!, { style: p.style });
    io.out.valid.set(s.valid);
    io.out.data.set(s.data);
    s.ready.set(io.out.ready);
    return io;
  },
);

for (const style of ["lutram", "bram"] as const) {
  const model = await buildVerilator(emitVerilog(elaborate(Chain, { style })));
  const beats = Array.from({ length: BEATS }, (_, i) => BigInt((i * 2654435761) >>> 0));
  const started = performance.now();
  const r = await model.runStreams({
    inputs: [{ prefix: "in", beats, validPattern: { probability: 0.8, seed: 1 } }],
    outputs: [{ prefix: "out", count: BEATS, readyPattern: { probability: 0.7, seed: 2 } }],
  });
  const seconds = (performance.now() - started) / 1000;
  const ok = r.outputs.out!.every((v, i) => v === beats[i]);
  console.log(
    `${model.topName}: ${BEATS} beats in ${r.cycles} cycles, ${seconds.toFixed(2)} s wall: ` +
      `${Math.round(BEATS / seconds).toLocaleString("en-US")} beats/s, ${Math.round(r.cycles / seconds).toLocaleString("en-US")} cycles/s${ok ? "" : " (MISMATCH)"}`,
  );
}
