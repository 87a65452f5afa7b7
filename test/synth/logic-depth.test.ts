// Logic depth from a Yosys JSON netlist: LUT levels and carry cells on the deepest path
// between path ends (flip-flops, ports, submodules), on hand-built netlists.
import { describe, expect, it } from "vitest";
import { hierarchicalDepth, moduleDepth, netlistDepths } from "../../src/synth/logic-depth.js";

const lut = (ins: number[], out: number) => ({
  type: "LUT2",
  port_directions: { I0: "input", I1: "input", O: "output" } as const,
  connections: { I0: [ins[0]!], I1: [ins[1] ?? "0"], O: [out] },
});
const ff = (d: number, q: number) => ({
  type: "FDRE",
  port_directions: { D: "input", Q: "output", C: "input" } as const,
  connections: { D: [d], Q: [q], C: [1] },
});
const carry = (ci: number, s: number, co: number) => ({
  type: "CARRY8",
  port_directions: { CI: "input", S: "input", CO: "output" } as const,
  connections: { CI: [ci], S: [s], CO: [co] },
});

describe("logic depth", () => {
  it("counts LUTs on the longest path and resets at flip-flops", () => {
    // q10 → LUT → LUT → LUT → FF(q20) → LUT → out; and a side path of one LUT.
    const m = {
      cells: {
        a: lut([10, 11], 12),
        b: lut([12, 10], 13),
        c: lut([13], 14),
        r: ff(14, 20),
        d: lut([20], 21),
        side: lut([11], 22),
      },
    };
    expect(moduleDepth(m)).toEqual({ lutLevels: 3, carryCells: 0 });
  });

  it("counts chained carry cells separately from LUT levels", () => {
    const m = {
      cells: { s: lut([1], 2), c0: carry(3, 2, 4), c1: carry(4, 2, 5), c2: carry(5, 2, 6), e: lut([6], 7) },
    };
    expect(moduleDepth(m)).toEqual({ lutLevels: 2, carryCells: 3 });
  });

  it("rejects a combinational loop", () => {
    expect(() => moduleDepth({ cells: { a: lut([2], 1), b: lut([1], 2) } })).toThrow(/loop/);
  });

  it("takes the deepest module under a top", () => {
    const json = JSON.stringify({
      modules: {
        "\\top": { cells: { x: lut([1], 2), u: { type: "sub", connections: {} } } },
        "\\sub": { cells: { a: lut([1], 2), b: lut([2], 3) } },
      },
    });
    const depths = netlistDepths(json);
    expect(depths.get("top")).toEqual({ lutLevels: 1, carryCells: 0 });
    const modules = new Map<string, Record<string, number>>([
      ["top", { sub: 1, LUT2: 1 }],
      ["sub", { LUT2: 2 }],
    ]);
    expect(hierarchicalDepth(depths, modules, "top")).toEqual({ lutLevels: 2, carryCells: 0 });
  });
});
