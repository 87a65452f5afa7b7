import type { Command } from "commander";

/** Every subcommand's registration function, in the order `loom --help` lists them. */
export const commands: Array<(program: Command) => void> = [];
