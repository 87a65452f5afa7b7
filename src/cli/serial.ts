// `loom serial`: classify images on an iCE40 board running `loom synth`'s bitstream, over its
// USB serial port (framing: docs/ice40.md). The port is set up with `stty` (Linux, macOS) and
// then read and written as a file, so no native module is needed.
import { execFileSync } from "node:child_process";
import { closeSync, existsSync, openSync, readSync, writeSync } from "node:fs";
import type { Command } from "commander";
import { compileModel } from "../compiler/generate.js";
import { loadModelSource } from "../compiler/model-source.js";
import { classesFromReply, serialReplyBytes, serialRequest } from "../compiler/serial-host.js";
import { getBoard } from "../fold/boards.js";
import { DEFAULT_BAUD } from "../synth/ice40-build.js";
import { readInputs } from "./sim.js";
import { runCommand, UserError } from "./user-error.js";

interface SerialOpts {
  port: string;
  board: string;
  model: string;
  inputs: string;
  folding?: string;
  baud: string;
  timeout: string;
}

export function register(program: Command): void {
  program
    .command("serial")
    .description("send images to an iCE40 board over its USB serial port and print the classes it returns")
    .requiredOption("--port <device>", "serial device, e.g. /dev/ttyUSB1 (the FTDI's second channel)")
    .requiredOption("--model <file>", "the model the bitstream was built from")
    .requiredOption("--inputs <file>", 'JSON: {"inputs": [[...], ...]} in the model\'s input datatype')
    .option("--board <name>", "icebreaker or hx8k-breakout", "icebreaker")
    .option("--folding <file>", "the folding the bitstream was built with (its folding.json)")
    .option("--baud <rate>", "line rate the bitstream was built for", String(DEFAULT_BAUD))
    .option("--timeout <seconds>", "give up when an answer takes longer", "5")
    .action((opts: SerialOpts) => runCommand(() => serialCommand(opts)));
}

export async function serialCommand(opts: SerialOpts): Promise<void> {
  const board = getBoard(opts.board);
  if (!board.ice40) throw new UserError(`${board.name} has a processor: use its driver, not the serial link`);
  if (!existsSync(opts.port)) throw new UserError(`serial port ${opts.port} does not exist`);
  const baud = Number(opts.baud);
  const timeout = Number(opts.timeout);
  if (!Number.isInteger(baud) || baud <= 0)
    throw new UserError(`--baud must be a positive integer, got ${opts.baud}`);
  if (!(timeout > 0)) throw new UserError(`--timeout must be positive, got ${opts.timeout}`);
  const compiled = compileModel(loadModelSource(opts.model).model, {
    board: board.name,
    folding: opts.folding,
  });
  const images = readInputs(opts.inputs);
  const flag = process.platform === "darwin" ? "-f" : "-F";
  try {
    execFileSync("stty", [
      flag,
      opts.port,
      String(baud),
      "raw",
      "-echo",
      "cs8",
      "-cstopb",
      "-parenb",
      "min",
      "0",
      "time",
      "1",
    ]);
  } catch (e) {
    throw new UserError(`cannot set up ${opts.port} at ${baud} baud: ${(e as Error).message.split("\n")[0]}`);
  }
  const fd = openSync(opts.port, "r+");
  try {
    const replyBytes = serialReplyBytes(compiled.plan);
    for (const image of images) {
      // One image at a time: the board's receive FIFO is small, and a lost byte would shift every answer.
      writeSync(fd, Buffer.from(serialRequest(compiled.plan, [image])));
      const reply: number[] = [];
      const deadline = Date.now() + timeout * 1000;
      const buf = Buffer.alloc(64);
      while (reply.length < replyBytes) {
        if (Date.now() > deadline)
          throw new UserError(
            `no answer from ${opts.port} within ${timeout} s (is the bitstream loaded at ${baud} baud?)`,
          );
        const n = readSync(fd, buf, 0, replyBytes - reply.length, null);
        for (let i = 0; i < n; i++) reply.push(buf[i]!);
      }
      process.stdout.write(`${classesFromReply(compiled.plan, reply)[0]}\n`);
    }
  } finally {
    closeSync(fd);
  }
}
