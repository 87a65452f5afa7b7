// Which `synth_xilinx -family` a board's part belongs to.
import type { Board } from "../fold/boards.js";
import type { XilinxFamily } from "./yosys.js";

/** UltraScale+ parts (Zynq UltraScale+ MPSoC) → `xcup`; 7-series (Zynq-7000) → `xc7`. */
export function familyForBoard(board: Pick<Board, "family" | "name">): XilinxFamily {
  switch (board.family) {
    case "ultrascale+":
      return "xcup";
    case "7series":
      return "xc7";
    default:
      throw new Error(`board ${board.name}: no Yosys family for "${String(board.family)}"`);
  }
}
