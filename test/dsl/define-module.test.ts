// defineModule's validation slot and connect's directions by declaration.
import { describe, expect, it } from "vitest";
import {
  Bool,
  Bundle,
  connect,
  defineModule,
  ElaborationError,
  elaborate,
  flipped,
  input,
  instance,
  output,
  ports,
  reg,
  type Signal,
  UInt,
} from "../../src/dsl/index.js";
import { Simulator } from "../../src/interp/simulator.js";

describe("defineModule({ name, validate, body })", () => {
  it("validates once per parameter set, before the name and the body, which both get its result", () => {
    const calls: string[] = [];
    const Leaf = defineModule({
      name: (_p: { width: number }, w: number) => {
        calls.push("name");
        return `Leaf_w${w}`;
      },
      validate: (p: { width: number }) => {
        calls.push("validate");
        if (!Number.isInteger(p.width) || p.width < 1) throw new ElaborationError(`width ${p.width}`);
        return p.width;
      },
      body: (_p, w) => {
        calls.push("body");
        const io = ports({ a: input(UInt(w)), y: output(UInt(w)) });
        io.y.set(io.a);
        return io;
      },
    });
    const Top = defineModule("Top", () => {
      const io = ports({ a: input(UInt(4)), y: output(UInt(4)) });
      const first = instance("first", Leaf, { width: 4 });
      const second = instance("second", Leaf, { width: 4 });
      first.a.set(io.a);
      second.a.set(first.y);
      io.y.set(second.y);
      return io;
    });
    elaborate(Top, undefined);
    expect(calls).toEqual(["validate", "name", "body"]);
    calls.length = 0;
    expect(() => elaborate(Leaf, { width: 0 })).toThrow(/width 0/);
    expect(calls).toEqual(["validate"]);
  });
});

/** A request/acknowledge channel: `ack` flows back, and is not called "ready". */
const Channel = Bundle({ req: Bool, ack: flipped(Bool), data: UInt(8) });

const Responder = defineModule("Responder", () => {
  const io = ports({ in: input(Channel) });
  const held = reg("held", UInt(8), { init: 0 }) as Signal;
  io.in.ack.set(io.in.req);
  held.next(io.in.data);
  return io;
});

describe("connect()", () => {
  it("takes each field's direction from the declared type, whatever the field is called", () => {
    const Top = defineModule("ChannelTop", () => {
      const io = ports({ in: input(Channel) });
      const r = instance("responder", Responder, undefined);
      connect(r.in, io.in);
      return io;
    });
    const sim = new Simulator(elaborate(Top, undefined));
    sim.poke("in_req", 1);
    expect(sim.peek("in_ack")).toBe(1n);
    sim.poke("in_req", 0);
    expect(sim.peek("in_ack")).toBe(0n);
  });

  it("asks for a declaration when neither side says which way a hand-built field flows", () => {
    const Top = defineModule("Ambiguous", () => {
      const io = ports({ a: output(Bool), b: output(Bool) });
      connect({ x: io.a }, { x: io.b });
      return io;
    });
    expect(() => elaborate(Top, undefined)).toThrow(/cannot tell which way "x" flows/);
  });
});
