// The committed board constraints are what the generator writes at each board's default clock.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { boardXdc, clockPeriodNs } from "../../src/compiler/constraints.js";
import { BOARDS } from "../../src/nn/boards.js";

describe("constraints/", () => {
  it("holds one XDC per board, equal to the generator's output at the default clock", () => {
    for (const b of BOARDS) {
      expect(readFileSync(`constraints/${b.name}.xdc`, "utf8")).toBe(boardXdc(b, b.defaultClockMHz));
    }
  });

  it("turns a clock into its period", () => {
    expect(clockPeriodNs(100)).toBe(10);
    expect(clockPeriodNs(200)).toBe(5);
    expect(clockPeriodNs(300)).toBe(3.333);
  });
});
