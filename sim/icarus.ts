// Icarus backend: the same two run modes as Verilator, through generated Verilog testbenches.
// Icarus runs roughly 20k cycles/s, so it is for small cross-checks and X/Z hunting.
import { readFile, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EmittedDesign } from "../src/rtl/emit.js";
import { cachedBuild, hashKey } from "./cache.js";
import { decodeCycleResults, encodeCycleStimulus } from "./cycles.js";
import { icarusCycleTestbench, icarusStreamFiles, icarusStreamTestbench } from "./icarus-tb.js";
import { runTool } from "./process.js";
import { withRunDir } from "./rundir.js";
import { simulatorSources } from "./sources.js";
import { planStreams } from "./stream-plan.js";
import { decodeStreamResult } from "./stream-result.js";
import type { CycleOutputs, CycleVector, RunOptions, SimModel, StreamResult, StreamSpec } from "./types.js";
import { drivenInputs, outputPorts } from "./values.js";

export interface IcarusCycleOptions extends RunOptions {
  /** Throw when an output holds X/Z bits instead of reading them as 0 (the default, like Verilator). */
  strictX?: boolean;
}

export interface IcarusModel extends SimModel {
  readonly simulator: "icarus";
  runCycles(vectors: CycleVector[], options?: IcarusCycleOptions): Promise<CycleOutputs[]>;
}

const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;

let versionPromise: Promise<string> | undefined;
function icarusVersion(): Promise<string> {
  versionPromise ??= runTool("iverilog", ["-V"], { cwd: process.cwd(), what: "iverilog -V" }).then(
    (s) => s.split("\n")[0] ?? "",
    // iverilog -V exits non-zero without input files on some versions; its first line still names it.
    (e: Error) => /Icarus Verilog version[^\n]*/.exec(e.message)?.[0] ?? "icarus",
  );
  return versionPromise;
}

/**
 * Prepares a design for Icarus. Compilation happens per testbench (cycle mode once per design,
 * stream mode once per distinct stream plan), each cached like Verilator builds.
 */
export async function buildIcarus(emitted: EmittedDesign): Promise<IcarusModel> {
  const model = new IcarusSim(emitted);
  // Compile the cycle testbench now so a broken design fails here, as with buildVerilator.
  await model.compile(icarusCycleTestbench(emitted));
  return model;
}

class IcarusSim implements IcarusModel {
  readonly simulator = "icarus" as const;
  readonly topName: string;
  readonly ports: EmittedDesign["topPorts"];
  cacheHit = false;

  constructor(private readonly emitted: EmittedDesign) {
    this.topName = emitted.topName;
    this.ports = emitted.topPorts;
  }

  async compile(testbench: string): Promise<string> {
    const { files, verilogFiles } = simulatorSources(this.emitted);
    const key = hashKey([
      await icarusVersion(),
      "-g2005",
      verilogFiles.join(" "),
      testbench,
      ...files.flat(),
    ]);
    const entry = await cachedBuild("icarus", key, async (dir) => {
      for (const [name, text] of files) await writeFile(join(dir, name), text);
      await writeFile(join(dir, "loom_tb.v"), testbench);
      const args = ["-g2005", "-o", "sim.vvp", "-s", "loom_tb", "loom_tb.v", ...verilogFiles];
      await runTool("iverilog", args, { cwd: dir, what: `Icarus compile of ${this.topName}` });
    });
    this.cacheHit = entry.hit;
    return entry.dir;
  }

  async runCycles(vectors: CycleVector[], options: IcarusCycleOptions = {}): Promise<CycleOutputs[]> {
    const stimulus = encodeCycleStimulus(drivenInputs(this.ports, this.emitted.clock), vectors);
    const dir = await this.compile(icarusCycleTestbench(this.emitted));
    const text = await this.run(dir, new Map([["stimulus.txt", stimulus]]), options);
    const { rows, unknown } = decodeCycleResults(outputPorts(this.ports), text, vectors.length);
    if (options.strictX && unknown.length > 0) {
      throw new Error(
        `Icarus (${this.topName}): X/Z on outputs (port@cycle): ${unknown.slice(0, 20).join(", ")}`,
      );
    }
    return rows;
  }

  async runStreams(spec: StreamSpec, options: RunOptions = {}): Promise<StreamResult> {
    const plan = planStreams(this.emitted, spec);
    const dir = await this.compile(icarusStreamTestbench(this.emitted, plan));
    const text = await this.run(dir, icarusStreamFiles(plan), options);
    return decodeStreamResult(plan, text, `Icarus (${this.topName})`);
  }

  private run(buildDir: string, inputs: Map<string, string>, options: RunOptions): Promise<string> {
    if (options.traceFromCycle !== undefined || options.traceCycles !== undefined)
      throw new Error("Icarus traces whole runs: traceFromCycle and traceCycles are Verilator-only");
    return withRunDir(this.emitted, buildDir, async (runDir) => {
      for (const [name, text] of inputs) await writeFile(join(runDir, name), text);
      const args = [
        "-n",
        join(buildDir, "sim.vvp"),
        ...(options.vcd ? [`+vcd=${resolve(options.vcd)}`] : []),
      ];
      const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
      const log = await runTool("vvp", args, {
        cwd: runDir,
        what: `Icarus simulation of ${this.topName}`,
        timeoutMs,
      });
      // vvp exits 0 even when the testbench could not open a file; surface its complaints.
      const text = await readFile(join(runDir, "results.txt"), "utf8").catch(() => {
        throw new Error(`Icarus simulation of ${this.topName} wrote no results:\n${log}`);
      });
      return text;
    });
  }
}
