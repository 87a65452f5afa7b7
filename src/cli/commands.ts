import type { Command } from "commander";
import { register as emit } from "./emit.js";
import { register as gen } from "./gen.js";
import { register as sim } from "./sim.js";

/** Every subcommand's registration function, in the order `loom --help` lists them. */
export const commands: Array<(program: Command) => void> = [gen, sim, emit];
