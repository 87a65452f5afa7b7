// The `loom` program: every subcommand registered on one commander instance. The binary parses
// process.argv with it; tests build their own (with exitOverride) to run the CLI in-process.
import { Command } from "commander";
import { commands } from "./commands.js";

export function buildProgram(configure?: (program: Command) => void): Command {
  const program = new Command("loom")
    .description("Loom: quantized neural networks to streaming FPGA accelerators in Verilog")
    // One line after a usage error, not the whole help text.
    .showHelpAfterError("(add --help for usage)");
  // Settings made before the subcommands are added are inherited by them.
  configure?.(program);
  for (const register of commands) register(program);
  return program;
}
