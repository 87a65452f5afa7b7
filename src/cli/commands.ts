import type { Command } from "commander";
import { register as emit } from "./emit.js";
import { register as evaluate } from "./eval.js";
import { register as gen } from "./gen.js";
import { register as inspect } from "./inspect.js";
import { register as serial } from "./serial.js";
import { register as sim } from "./sim.js";
import { register as synth } from "./synth.js";
import { register as train } from "./train.js";

/** Every subcommand's registration function, in the order `loom --help` lists them. */
export const commands: Array<(program: Command) => void> = [
  gen,
  inspect,
  sim,
  synth,
  serial,
  train,
  evaluate,
  emit,
];
