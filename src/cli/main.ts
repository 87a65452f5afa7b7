// The `loom` command line: each subcommand lives in its own file and registers itself in program.ts.
import { buildProgram } from "./program.js";

await buildProgram().parseAsync(process.argv);
