// The iCE40 serial top (UART receiver → accelerator → UART transmitter) at the bit level:
// random small networks, images sent as 8N1 frames with random idle gaps at a random baud
// divisor and a host bit period up to 3 % off the board's (so only mid-bit sampling works),
// and the class indices read back off the transmit line equal the golden model's.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UartLineReceiver, uartWaveform } from "../../../sim/uart-line.js";
import { compileModel } from "../../../src/compiler/generate.js";
import { classesFromReply, serialReplyBytes, serialRequest } from "../../../src/compiler/serial-host.js";
import { nonZeroResets, SerialTop } from "../../../src/compiler/serial-top.js";
import { parseDataType } from "../../../src/core/datatypes.js";
import { elaborate } from "../../../src/dsl/index.js";
import { Simulator } from "../../../src/interp/simulator.js";
import { clocksPerBit } from "../../../src/lib/uart/index.js";
import { runGolden } from "../../../src/model/golden/index.js";
import { networkArbitrary, randomInputs } from "../../support/random-network.js";

describe("UART serial top", () => {
  it("answers images sent bit by bit with the golden model's classes (interpreter)", () => {
    fc.assert(
      fc.property(
        networkArbitrary(),
        fc.integer({ min: 8, max: 16 }),
        fc.double({ min: -0.03, max: 0.03, noNaN: true }),
        fc.array(fc.integer({ min: 0, max: 25 }), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 0, max: 1e6 }),
        ({ model, folding }, cpb, skew, gaps, seed) => {
          const compiled = compileModel(model, { board: "icebreaker", folding });
          const plan = compiled.plan;
          fc.pre(plan.argmax !== undefined);
          const design = elaborate(SerialTop, { plan, clocksPerBit: cpb, rxFifoDepth: 4 });
          expect(nonZeroResets(design)).toEqual([]);
          const images = randomInputs(model, 2, seed, parseDataType(model.input.datatype));
          const line = uartWaveform(serialRequest(plan, images), cpb * (1 + skew), gaps);
          const sim = new Simulator(design);
          const rx = new UartLineReceiver(cpb);
          sim.poke("uart_rx", 1);
          sim.poke("ap_rst_n", 0);
          sim.step();
          sim.poke("ap_rst_n", 1);
          const expected = serialReplyBytes(plan) * images.length;
          const limit = line.length + 20 * cpb * expected + 20_000;
          for (let t = 0; t < limit && rx.bytes.length < expected; t++) {
            sim.poke("uart_rx", line[t] ?? 1);
            rx.sample(Number(sim.peek("uart_tx")));
            sim.step();
          }
          expect(rx.errors).toEqual([]);
          expect(classesFromReply(plan, rx.bytes)).toEqual(
            runGolden(compiled.streamlined, images).predictions,
          );
        },
      ),
      { numRuns: 12, seed: 1807 },
    );
  });

  it("derives the bit period from clock and baud, refusing rates it cannot hit", () => {
    expect(clocksPerBit(12e6, 115200)).toBe(104);
    expect(() => clocksPerBit(12e6, 4e6)).toThrow(/cannot sample/);
    expect(() => clocksPerBit(1e6, 115200)).toThrow(/% off/);
  });
});
