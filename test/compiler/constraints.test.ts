// The committed board constraints are what the generator writes at each board's default clock.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boardPcf, boardXdc, clockPeriodNs } from "../../src/compiler/constraints.js";
import { BOARDS } from "../../src/fold/boards.js";

describe("constraints/", () => {
  it("holds one XDC per Xilinx board and one pin file per iCE40 board, equal to the generator's output", () => {
    for (const b of BOARDS) {
      if (b.ice40) expect(readFileSync(`constraints/${b.name}.pcf`, "utf8")).toBe(boardPcf(b));
      else expect(readFileSync(`constraints/${b.name}.xdc`, "utf8")).toBe(boardXdc(b, b.defaultClockMHz));
    }
  });

  it("turns a clock into its period", () => {
    expect(clockPeriodNs(100)).toBe(10);
    expect(clockPeriodNs(200)).toBe(5);
    expect(clockPeriodNs(300)).toBe(3.333);
  });
});
