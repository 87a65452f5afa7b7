// Loads a user's TypeScript design file for `loom emit`, wherever it lives. Outside a package
// with "type": "module", tsx classifies a .ts file as CommonJS, and Node then refuses the ES
// module syntax inside it ("Cannot require() ES Module … in a cycle"). A resolve hook marks
// TypeScript files outside node_modules as ES modules, which is what design files are.
import { register } from "node:module";
import { pathToFileURL } from "node:url";

const HOOK = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  return /^file:.*\\.(ts|mts|tsx)$/.test(r.url) && !r.url.includes("/node_modules/") ? { ...r, format: "module" } : r;
}`;

let registered = false;

/** Imports the design file as an ES module and returns its exports. */
export async function importDesign(file: string): Promise<Record<string, unknown>> {
  if (!registered) {
    register(`data:text/javascript,${encodeURIComponent(HOOK)}`);
    registered = true;
  }
  return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
}
