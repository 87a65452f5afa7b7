import { describe, expect, it } from "vitest";
import { BOARDS, BoardError, getBoard } from "../../src/fold/boards.js";

describe("boards", () => {
  it("has the semantics table", () => {
    expect(getBoard("zcu104")).toMatchObject({
      part: "xczu7ev-ffvc1156-2-e",
      lut: 230400,
      bram36: 312,
      uram: 96,
      dsp: 1728,
    });
    expect(getBoard("ZCU102").family).toBe("ultrascale+");
    expect(getBoard("Ultra96-V2")).toMatchObject({ name: "ultra96", part: "xczu3eg-sbva484-1-i", dsp: 360 });
    expect(getBoard("pynq-z2")).toMatchObject({
      family: "7series",
      lut: 53200,
      ff: 106400,
      bram36: 140,
      dsp: 220,
    });
    expect(BOARDS.filter((b) => !b.ice40).every((b) => b.defaultClockMHz === 100)).toBe(true);
  });

  it("has the iCE40 boards with their memories and serial pins", () => {
    expect(getBoard("icebreaker")).toMatchObject({
      family: "ice40",
      part: "iCE40UP5K-SG48",
      lut: 5280,
      dsp: 8,
      defaultClockMHz: 12,
      ice40: { device: "up5k", ebr: 30, spram: 4, pins: { clk: "35", uartRx: "6", uartTx: "9" } },
    });
    expect(getBoard("iCE40-HX8K")).toMatchObject({
      name: "hx8k-breakout",
      lut: 7680,
      dsp: 0,
      ice40: { device: "hx8k", package: "ct256", ebr: 32, pins: { clk: "J3", uartRx: "B10", uartTx: "B12" } },
    });
  });

  it("lists the known boards on an unknown name", () => {
    expect(() => getBoard("de10")).toThrow(BoardError);
    expect(() => getBoard("de10")).toThrow(
      /unknown board "de10": known boards are zcu104, zcu102, ultra96, pynq-z1, pynq-z2, kv260, icebreaker, hx8k-breakout/,
    );
  });
});
