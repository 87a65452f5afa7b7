// The streaming reader of `loom sim --inputs` files gives exactly the rows JSON.parse gives, across
// read-chunk boundaries, whatever the layout, and refuses malformed files with one message.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { inputRows } from "../../src/cli/inputs-file.js";

const dir = mkdtempSync(join(tmpdir(), "loom-inputs-"));
let n = 0;
function file(text: string): string {
  const path = join(dir, `f${n++}.json`);
  writeFileSync(path, text);
  return path;
}

const row = fc.array(
  fc.oneof(
    fc.integer({ min: -1000, max: 1000 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
  ),
  { maxLength: 8 },
);

describe("inputRows", () => {
  it("yields the rows of the inputs array, whatever else the object holds and however it is laid out", () => {
    fc.assert(
      fc.property(
        fc.array(row, { minLength: 1, maxLength: 6 }),
        fc.jsonValue(),
        fc.jsonValue(),
        fc.nat(3),
        (inputs, before, after, indent) => {
          const text = JSON.stringify({ 'in"puts[': before, inputs, "x]": after }, null, indent);
          expect([...inputRows(file(text))]).toEqual(JSON.parse(text).inputs);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("reads rows that straddle the 1 MiB read chunks", () => {
    const inputs = Array.from({ length: 700 }, (_, i) =>
      Array.from({ length: 512 }, (_, j) => (i * 31 + j * 7) % 256),
    );
    const text = JSON.stringify({ inputs });
    expect(text.length).toBeGreaterThan(2 ** 20);
    expect([...inputRows(file(text))]).toEqual(inputs);
  });

  it("refuses malformed files with a message naming the problem", () => {
    const cases: Array<[string, RegExp]> = [
      ["[[1,2]]", /not a JSON object/],
      ['{"inputs": [[1,2], [3,', /truncated JSON|not valid JSON/],
      ['{"inputs": []}', /"inputs" is empty/],
      ['{"rows": [[1]]}', /no "inputs" array/],
      ['{"inputs": [[1, true]]}', /inputs\[0\]\[1\]: expected a number/],
      ['{"inputs": [[1], 5]}', /inputs\[1\] is not an array/],
      ['{"inputs": {"a": 1}}', /"inputs" is not an array/],
      ['{"inputs": [[1,,2]]}', /inputs\[0\] is not valid JSON/],
    ];
    for (const [text, message] of cases) expect(() => [...inputRows(file(text))], text).toThrow(message);
    expect(() => [...inputRows(join(dir, "absent.json"))]).toThrow(/cannot read the inputs/);
  });
});
