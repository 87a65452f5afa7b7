// Reads `{"inputs": [[...], ...]}` one row at a time, so a file of 10,000 images is never held
// whole (as text, parsed JSON or BigInts). A small scanner finds each row of the "inputs" array
// (strings, escapes and nesting skipped correctly) and JSON-parses that row alone.
import { closeSync, openSync, readSync } from "node:fs";
import { StringDecoder } from "node:string_decoder";
import { UserError } from "./user-error.js";

export type RawRow = Array<number | string>;

const CHUNK = 1 << 20;
const EXPECTED = 'expected {"inputs": [[...], ...]}';

/** The file's text, a megabyte at a time. */
function* chunks(path: string): Generator<string> {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (e) {
    throw new UserError(`${path}: cannot read the inputs (${(e as Error).message})`);
  }
  try {
    const buf = Buffer.alloc(CHUNK);
    const dec = new StringDecoder("utf8");
    for (;;) {
      const n = readSync(fd, buf, 0, CHUNK, null);
      if (n === 0) break;
      yield dec.write(buf.subarray(0, n));
    }
    yield dec.end();
  } finally {
    closeSync(fd);
  }
}

function checkRow(path: string, i: number, text: string): RawRow {
  let row: unknown;
  try {
    row = JSON.parse(text);
  } catch (e) {
    throw new UserError(`${path}: inputs[${i}] is not valid JSON (${(e as Error).message})`);
  }
  if (!Array.isArray(row)) throw new UserError(`${path}: inputs[${i}]: expected an array; ${EXPECTED}`);
  row.forEach((v, j) => {
    const ok = (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && /^-?\d+$/.test(v));
    if (!ok) throw new UserError(`${path}: inputs[${i}][${j}]: expected a number or an integer string`);
  });
  return row as RawRow;
}

/** Each row of the file's "inputs" array, in order; a malformed file fails with one line. */
export function* inputRows(path: string): Generator<RawRow> {
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectKey = false;
  let key = "";
  let keyText: string | undefined;
  let inInputs = false;
  let sawInputs = false;
  /** Text of the row being read (pieces from earlier chunks), and where it starts in this chunk. */
  let row: string[] | undefined;
  let rowStart = 0;
  let rows = 0;
  let sawAny = false;
  const fail = (what: string): never => {
    throw new UserError(`${path}: ${what}; ${EXPECTED}`);
  };
  for (const text of chunks(path)) {
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (inString) {
        if (escaped) escaped = false;
        else if (c === "\\") escaped = true;
        else if (c === '"') {
          inString = false;
          if (keyText !== undefined) {
            key = JSON.parse(`"${keyText}"`) as string;
            keyText = undefined;
          }
        } else if (keyText !== undefined) keyText += c;
        continue;
      }
      if (c === " " || c === "\n" || c === "\r" || c === "\t") continue;
      if (!sawAny && c !== "{") fail("not a JSON object");
      sawAny = true;
      if (c === '"') {
        inString = true;
        if (depth === 1 && expectKey) keyText = "";
      } else if (c === "{" || c === "[") {
        depth++;
        if (depth === 1) expectKey = true;
        else if (depth === 2 && key === "inputs" && !expectKey) {
          if (c !== "[") fail('"inputs" is not an array');
          inInputs = true;
          sawInputs = true;
        } else if (depth === 3 && inInputs) {
          if (c !== "[") fail(`inputs[${rows}] is not an array`);
          row = [];
          rowStart = i;
        }
      } else if (c === "}" || c === "]") {
        depth--;
        if (depth < 0) fail("unbalanced brackets");
        if (depth === 2 && row) {
          row.push(text.slice(rowStart, i + 1));
          yield checkRow(path, rows++, row.join(""));
          row = undefined;
        } else if (depth === 1 && inInputs) inInputs = false;
      } else if (depth === 1 && c === ",") expectKey = true;
      else if (depth === 1 && c === ":") expectKey = false;
      else if (depth === 2 && inInputs && c !== ",") fail(`inputs[${rows}] is not an array`);
    }
    if (row) {
      row.push(text.slice(rowStart));
      rowStart = 0;
    }
  }
  if (!sawAny || depth !== 0 || inString) fail("truncated JSON");
  if (!sawInputs) fail('no "inputs" array');
  if (rows === 0) fail('"inputs" is empty');
}
