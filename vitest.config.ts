import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Verilator builds use both cores themselves; two files at a time keeps the machine busy without thrashing.
    maxWorkers: 2,
  },
});
