// The `loom train` command line as recorded in models and checkpoints: every option spelled
// out (defaults included), so a run can be repeated exactly, and read back to check that an
// export from a checkpoint repeats the options the network was trained with.
import type { Command, Option } from "commander";

/** The option's text in the recorded command: its value, "" for a flag that is set, undefined when absent. */
function optionText(opt: Option, o: Record<string, unknown>): string | undefined {
  const v = o[opt.attributeName()];
  if (opt.negate) return v === false ? "" : undefined;
  if (opt.isBoolean()) return v === true ? "" : undefined;
  return v === undefined ? undefined : String(v);
}

/** The command with every option spelled out (defaults included), so the run can be repeated exactly. */
export function canonicalCommand(cmd: Command, o: Record<string, unknown>): string {
  const parts = ["loom", "train"];
  for (const opt of cmd.options) {
    const text = optionText(opt, o);
    if (text === undefined) continue;
    parts.push(opt.long!);
    if (text !== "") parts.push(text);
  }
  return parts.join(" ");
}

/**
 * The options of a recorded canonical command: long name → value ("" for a flag). A value runs
 * to the next known option name, so values with spaces (a JSON --arch) read back whole.
 */
export function recordedOptions(command: string, cmd: Command): Map<string, string> {
  const known = new Set(cmd.options.map((opt) => opt.long!));
  const tokens = command.split(" ").slice(2);
  const out = new Map<string, string>();
  for (let i = 0; i < tokens.length; ) {
    const name = tokens[i]!;
    let j = i + 1;
    while (j < tokens.length && !known.has(tokens[j]!)) j++;
    out.set(name, tokens.slice(i + 1, j).join(" "));
    i = j;
  }
  return out;
}

/**
 * The first option (other than `skip`) whose value differs between a recorded command and this
 * one, as "--lr 0.01 (this command: --lr 0.001)"; options the recorded command predates are not
 * compared.
 */
export function commandDifference(
  recorded: string,
  cmd: Command,
  o: Record<string, unknown>,
  skip: readonly string[],
): string | undefined {
  const then = recordedOptions(recorded, cmd);
  const shown = (name: string, v: string | undefined) =>
    v === undefined ? `no ${name}` : v === "" ? name : `${name} ${v}`;
  for (const opt of cmd.options) {
    const name = opt.long!;
    if (skip.includes(name)) continue;
    const now = optionText(opt, o);
    const before = then.get(name);
    const flag = opt.negate || opt.isBoolean();
    if (!flag && before === undefined) continue;
    if (before !== now) return `${shown(name, before)} (this command: ${shown(name, now)})`;
  }
  return undefined;
}
