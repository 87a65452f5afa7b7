// Runs the generated drivers' packing outside TypeScript: driver.py's pack/unpack under
// /usr/bin/python3 with numpy, and loom_pack.c compiled with cc. Each takes a list of requests
// (pack images → bytes, or unpack bytes → images) and answers them in one process.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { C_PACK, cHeader } from "../../src/compiler/driver/c.js";
import type { DriverIo, StreamFormat } from "../../src/compiler/driver/index.js";
import { pythonDriver } from "../../src/compiler/driver/python.js";

export const PYTHON = "/usr/bin/python3";
export const hasNumpy = existsSync(PYTHON) && spawnSync(PYTHON, ["-c", "import numpy"]).status === 0;
export const hasCc = spawnSync("cc", ["--version"]).status === 0;

export type Request =
  | { op: "pack"; f: StreamFormat; images: readonly (readonly bigint[])[] }
  | { op: "unpack"; f: StreamFormat; bytes: Uint8Array; count: number };

/** pack → bytes; unpack → values. */
export type Answer = { bytes?: number[]; values?: bigint[][] };

export function runPython(io: DriverIo, requests: readonly Request[]): Answer[] {
  const dir = mkdtempSync(join(tmpdir(), "loom-py-"));
  writeFileSync(join(dir, "driver.py"), pythonDriver(io));
  const jobs = requests.map((r) =>
    r.op === "pack"
      ? { op: "pack", f: r.f, images: r.images.map((im) => im.map(String)) }
      : { op: "unpack", f: r.f, bytes: [...r.bytes], count: r.count },
  );
  writeFileSync(join(dir, "jobs.json"), JSON.stringify(jobs));
  const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(dir)})
import driver
out = []
for j in json.load(open(${JSON.stringify(join(dir, "jobs.json"))})):
    if j["op"] == "pack":
        out.append({"bytes": [int(x) for x in driver.pack([[int(v) for v in im] for im in j["images"]], j["f"])]})
    else:
        u = driver.unpack(j["bytes"], j["f"], j["count"])
        out.append({"values": [[str(v) for v in row] for row in u.tolist()]})
print(json.dumps(out))
`;
  const got = JSON.parse(
    execFileSync(PYTHON, ["-c", script], { encoding: "utf8", maxBuffer: 1 << 26 }),
  ) as Array<{
    bytes?: number[];
    values?: string[][];
  }>;
  return got.map((a) => ({ bytes: a.bytes, values: a.values?.map((row) => row.map(BigInt)) }));
}

const kindCode = (f: StreamFormat) => (f.datatype === "BIPOLAR" ? 2 : f.datatype.startsWith("INT") ? 1 : 0);

/** The C driver holds values in int64_t: formats up to INT64 and UINT63. */
export function runC(io: DriverIo, requests: readonly Request[]): Answer[] {
  const dir = mkdtempSync(join(tmpdir(), "loom-c-"));
  writeFileSync(join(dir, "loom_driver.h"), cHeader(io));
  writeFileSync(join(dir, "loom_pack.c"), C_PACK);
  // Per request on stdin: "P|U bits kind k beats beatBytes images" then values or bytes.
  writeFileSync(
    join(dir, "main.c"),
    `#include <stdio.h>
#include <stdlib.h>
#include "loom_driver.h"
int main(void) {
  char op; LoomStream f; size_t images;
  while (scanf(" %c %d %d %d %d %d %zu", &op, &f.bits, &f.kind, &f.elems_per_beat, &f.beats_per_image, &f.beat_bytes, &images) == 7) {
    size_t n = images * f.elems_per_beat * f.beats_per_image, nb = images * loom_image_bytes(&f);
    int64_t* v = malloc(n * sizeof *v);
    uint8_t* b = malloc(nb);
    if (op == 'P') {
      for (size_t i = 0; i < n; i++) if (scanf("%lld", (long long*)&v[i]) != 1) return 1;
      if (loom_pack(&f, v, images, b) != 0) { printf("reject\\n"); continue; }
      for (size_t i = 0; i < nb; i++) printf(i ? " %u" : "%u", b[i]);
    } else {
      for (size_t i = 0; i < nb; i++) { unsigned x; if (scanf("%u", &x) != 1) return 1; b[i] = (uint8_t)x; }
      loom_unpack(&f, b, images, v);
      for (size_t i = 0; i < n; i++) printf(i ? " %lld" : "%lld", (long long)v[i]);
    }
    printf("\\n");
    free(v); free(b);
  }
  return 0;
}
`,
  );
  execFileSync(
    "cc",
    ["-std=c99", "-Wall", "-Wextra", "-Werror", "-O1", "-o", "packtest", "main.c", "loom_pack.c"],
    {
      cwd: dir,
    },
  );
  const head = (op: string, f: StreamFormat, images: number) =>
    `${op} ${f.bits} ${kindCode(f)} ${f.elemsPerBeat} ${f.beatsPerImage} ${f.beatBytes} ${images}`;
  const input = requests
    .map((r) =>
      r.op === "pack"
        ? `${head("P", r.f, r.images.length)} ${r.images.flat().join(" ")}`
        : `${head("U", r.f, r.count)} ${[...r.bytes].join(" ")}`,
    )
    .join("\n");
  const lines = execFileSync(join(dir, "packtest"), { input, encoding: "utf8", maxBuffer: 1 << 26 })
    .trim()
    .split("\n");
  return requests.map((r, k) => {
    const words = lines[k]!.trim().split(" ");
    if (r.op === "pack") return { bytes: words.map(Number) };
    const per = r.f.elemsPerBeat * r.f.beatsPerImage;
    const flat = words.map(BigInt);
    return { values: Array.from({ length: r.count }, (_, n) => flat.slice(n * per, (n + 1) * per)) };
  });
}
