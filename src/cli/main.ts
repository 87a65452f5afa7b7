// The `loom` command line: each subcommand lives in its own file and registers itself here.
import { Command } from "commander";
import { commands } from "./commands.js";

const program = new Command("loom")
  .description("Loom: quantized neural networks to streaming FPGA accelerators in Verilog")
  .showHelpAfterError();

for (const register of commands) register(program);

await program.parseAsync(process.argv);
