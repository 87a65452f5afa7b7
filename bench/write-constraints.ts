// Writes constraints/<board>.xdc for every known board at its default clock (the files `gen`
// copies into DIR/constraints/, at the clock the user asks for).
// Run: npx tsx bench/write-constraints.ts
import { writeFileSync } from "node:fs";
import { boardXdc } from "../src/compiler/constraints.js";
import { BOARDS } from "../src/nn/boards.js";

for (const b of BOARDS) writeFileSync(`constraints/${b.name}.xdc`, boardXdc(b, b.defaultClockMHz));
