// Writes constraints/<board>.xdc for every known Xilinx board at its default clock (the files
// `gen` copies into DIR/constraints/, at the clock the user asks for), and the iCE40 boards'
// pin files (constraints/<board>.pcf).
// Run: npx tsx bench/write-constraints.ts
import { writeFileSync } from "node:fs";
import { boardPcf, boardXdc } from "../src/compiler/constraints.js";
import { BOARDS } from "../src/fold/boards.js";

for (const b of BOARDS) {
  if (b.ice40) writeFileSync(`constraints/${b.name}.pcf`, boardPcf(b));
  else writeFileSync(`constraints/${b.name}.xdc`, boardXdc(b, b.defaultClockMHz));
}
