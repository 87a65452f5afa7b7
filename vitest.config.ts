import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 300_000,
    hookTimeout: 600_000,
    // Verilator builds use both cores themselves; two files at a time keeps the machine busy without thrashing.
    maxWorkers: 2,
    // The JSON report is what .ci/run counts (CI does not read vitest's own summary).
    reporters: ["default", "json"],
    outputFile: { json: ".loom-cache/vitest-report.json" },
  },
});
