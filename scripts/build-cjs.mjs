// Bundles the ESM build (dist/src) into one CommonJS file, so `require("loom-hdl")` works
// synchronously. Dependencies stay external; import.meta.url becomes the bundle's own file URL.
import { writeFileSync } from "node:fs";
import { build } from "esbuild";

await build({
  entryPoints: ["dist/src/index.js"],
  outfile: "dist/cjs/index.cjs",
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  packages: "external",
  define: { "import.meta.url": "__loomModuleUrl" },
  banner: { js: 'const __loomModuleUrl = require("node:url").pathToFileURL(__filename).href;' },
  logLevel: "warning",
});
// Types for CommonJS consumers: the same declarations, re-exported from a .d.cts.
writeFileSync("dist/cjs/index.d.cts", 'export * from "../src/index.js";\n');
