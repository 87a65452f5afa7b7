import { describe, expect, it } from "vitest";
import { BOARDS, BoardError, getBoard } from "../../src/nn/boards.js";

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
    expect(BOARDS.every((b) => b.defaultClockMHz === 100)).toBe(true);
  });

  it("lists the known boards on an unknown name", () => {
    expect(() => getBoard("de10")).toThrow(BoardError);
    expect(() => getBoard("de10")).toThrow(
      /unknown board "de10": known boards are zcu104, zcu102, ultra96, pynq-z1, pynq-z2/,
    );
  });
});
