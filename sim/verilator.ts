// Verilator backend: builds an emitted design plus a generated C++ testbench into a cached
// executable, then runs cycle or stream stimulus through files.
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, utimes, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import type { EmittedDesign } from "../src/rtl/emit.js";
import { cachedBuild, hashKey } from "./cache.js";
import { decodeCycleResults, encodeCycleStimulus } from "./cycles.js";
import { runTool } from "./process.js";
import { withRunDir } from "./rundir.js";
import { simulatorSources } from "./sources.js";
import { planStreams } from "./stream-plan.js";
import { decodeStreamResult } from "./stream-result.js";
import type {
  CycleOutputs,
  CycleVector,
  RunOptions,
  SimModel,
  StreamResult,
  StreamSpec,
  TraceFormat,
} from "./types.js";
import { drivenInputs, outputPorts } from "./values.js";
import { verilatorStreamScript } from "./verilator-script.js";
import { verilatorTestbench } from "./verilator-tb.js";

export interface VerilatorOptions {
  /**
   * Compile in tracing (true means VCD) so runs can take a `vcd` path. A traced build is a separate
   * cache entry, slower to build and to run; untraced runs never pay for it.
   */
  trace?: boolean | TraceFormat;
  /** Levels of hierarchy traced (Verilator's --trace-depth; 1 = the top module's own signals); default all. */
  traceDepth?: number;
}

export interface VerilatorModel extends SimModel {
  readonly simulator: "verilator";
  /** The cache entry holding the executable and the design files. */
  readonly dir: string;
  /** Wall time of buildVerilator, cache hits included. */
  readonly buildMs: number;
}

const VERILATOR_FLAGS = [
  "--cc",
  "--exe",
  "-O2",
  "-Wno-fatal",
  "--x-assign",
  "fast",
  "--x-initial",
  "fast",
  "--no-timing",
];
// The model's hot code at -O1 compiles much faster than -O2/-O3 with most of the speed; the
// one-off initialisation code is not worth optimising at all.
const MAKE_FLAGS = ["-j", "2", "OPT_FAST=-O1", "OPT_SLOW=-O0"];
const EXE = "loom_sim";
/** Generated C++ beyond this size is compiled with -O0 (see buildVerilator). */
const LARGE_MODEL_BYTES = 2_000_000;

async function cppBytes(objDir: string): Promise<number> {
  let total = 0;
  for (const f of await readdir(objDir)) if (f.endsWith(".cpp")) total += (await stat(join(objDir, f))).size;
  return total;
}
const DEFAULT_RUN_TIMEOUT_MS = 10 * 60_000;
const BUILD_TIMEOUT_MS = 30 * 60_000;

let versionPromise: Promise<string> | undefined;
function verilatorVersion(): Promise<string> {
  versionPromise ??= runTool("verilator", ["--version"], {
    cwd: process.cwd(),
    what: "verilator --version",
  }).then((s) => s.trim());
  return versionPromise;
}

export async function buildVerilator(
  emitted: EmittedDesign,
  opts: VerilatorOptions = {},
): Promise<VerilatorModel> {
  const started = performance.now();
  const trace = opts.trace === true ? "vcd" : opts.trace || undefined;
  const testbench = verilatorTestbench(emitted, trace);
  const version = await verilatorVersion();
  // The depth only changes the generated model, not the runtime library seeded into the build.
  const runtimeFlags = [...VERILATOR_FLAGS, ...(trace ? [trace === "fst" ? "--trace-fst" : "--trace"] : [])];
  const depth = trace && opts.traceDepth !== undefined ? ["--trace-depth", `${opts.traceDepth}`] : [];
  const flags = [...runtimeFlags, ...depth];
  const { files, verilogFiles } = simulatorSources(emitted);
  const key = hashKey([
    version,
    flags.join(" "),
    MAKE_FLAGS.join(" "),
    emitted.topName,
    verilogFiles.join(" "),
    testbench,
    ...files.flat(),
  ]);
  const entry = await cachedBuild("verilator", key, async (dir) => {
    for (const [name, text] of files) await writeFile(join(dir, name), text);
    await writeFile(join(dir, "tb.cpp"), testbench);
    const what = `Verilator build of ${emitted.topName}`;
    const args = [
      ...flags,
      "--top-module",
      emitted.topName,
      "-Mdir",
      "obj",
      "-o",
      EXE,
      ...verilogFiles,
      "tb.cpp",
    ];
    await runTool("verilator", args, { cwd: dir, what, timeoutMs: BUILD_TIMEOUT_MS });
    await seedRuntime(join(dir, "obj"), version, runtimeFlags);
    // Large models (a whole accelerator with wide SIMD) compile about 3x faster unoptimised;
    // the simulation then runs slower, but for test-sized runs the build dominates.
    const generated = await cppBytes(join(dir, "obj"));
    const makeFlags =
      generated > LARGE_MODEL_BYTES
        ? MAKE_FLAGS.map((f) => (f === "OPT_FAST=-O1" ? "OPT_FAST=-O0" : f))
        : MAKE_FLAGS;
    await runTool("make", ["-C", "obj", "-f", `V${emitted.topName}.mk`, ...makeFlags], {
      cwd: dir,
      what: `${what} (C++ compile)`,
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    // Only the executable is needed later; the object files would bloat the cache.
    await rename(join(dir, "obj", EXE), join(dir, EXE));
    await rm(join(dir, "obj"), { recursive: true, force: true });
  });
  return new VerilatorSim(emitted, entry.dir, entry.hit, performance.now() - started);
}

/**
 * Verilator's runtime library (verilated.cpp and friends) is the same for every design built
 * with the same flags, and compiling it takes most of a small design's build time. It is built
 * once per flag set into the cache and its objects are copied into each design's make directory,
 * dated after the generated makefile so make treats them as up to date.
 */
async function seedRuntime(objDir: string, version: string, flags: string[]): Promise<void> {
  const key = hashKey(["runtime-v1", version, flags.join(" ")]);
  const runtime = await cachedBuild("verilator-runtime", key, async (dir) => {
    await writeFile(
      join(dir, "loom_rt.v"),
      "module loom_rt(input wire a, output wire b);\n  assign b = a;\nendmodule\n",
    );
    const what = "Verilator runtime library build";
    await runTool(
      "verilator",
      [...flags.filter((f) => f !== "--exe"), "--top-module", "loom_rt", "-Mdir", "obj", "loom_rt.v"],
      {
        cwd: dir,
        what,
        timeoutMs: BUILD_TIMEOUT_MS,
      },
    );
    const mk = await readFile(join(dir, "obj", "Vloom_rt_classes.mk"), "utf8");
    const objects = [...makeList(mk, "VM_GLOBAL_FAST"), ...makeList(mk, "VM_GLOBAL_SLOW")].map(
      (g) => `${g}.o`,
    );
    await runTool("make", ["-C", "obj", "-f", "Vloom_rt.mk", ...MAKE_FLAGS, ...objects], {
      cwd: dir,
      what,
      timeoutMs: BUILD_TIMEOUT_MS,
    });
    await mkdir(join(dir, "lib"));
    for (const o of objects) await copyFile(join(dir, "obj", o), join(dir, "lib", o));
    await rm(join(dir, "obj"), { recursive: true, force: true });
  });
  const later = new Date(Date.now() + 2000);
  for (const o of await readdir(join(runtime.dir, "lib"))) {
    await copyFile(join(runtime.dir, "lib", o), join(objDir, o));
    await utimes(join(objDir, o), later, later);
  }
}

/** Words of a `NAME += a \\ b \\ ...` assignment (with continuation lines) in a makefile. */
function makeList(mk: string, name: string): string[] {
  const start = mk.indexOf(`${name} +=`);
  if (start < 0) return [];
  const words: string[] = [];
  for (const line of mk.slice(start + name.length + 3).split("\n")) {
    words.push(...line.replace("\\", "").trim().split(/\s+/).filter(Boolean));
    if (!line.trimEnd().endsWith("\\")) break;
  }
  return words;
}

class VerilatorSim implements VerilatorModel {
  readonly simulator = "verilator" as const;
  readonly topName: string;
  readonly ports: EmittedDesign["topPorts"];

  constructor(
    private readonly emitted: EmittedDesign,
    readonly dir: string,
    readonly cacheHit: boolean,
    readonly buildMs: number,
  ) {
    this.topName = emitted.topName;
    this.ports = emitted.topPorts;
  }

  async runCycles(vectors: CycleVector[], options: RunOptions = {}): Promise<CycleOutputs[]> {
    const stimulus = encodeCycleStimulus(drivenInputs(this.ports, this.emitted.clock), vectors);
    const text = await this.run("cycles", stimulus, options);
    return decodeCycleResults(outputPorts(this.ports), text, vectors.length).rows;
  }

  async runStreams(spec: StreamSpec, options: RunOptions = {}): Promise<StreamResult> {
    const plan = planStreams(this.emitted, spec);
    const text = await this.run("stream", verilatorStreamScript(this.ports, plan), options);
    return decodeStreamResult(plan, text, `Verilator (${this.topName})`);
  }

  private run(mode: "cycles" | "stream", stimulus: string, options: RunOptions): Promise<string> {
    return withRunDir(this.emitted, this.dir, async (runDir) => {
      await writeFile(join(runDir, "stimulus.txt"), stimulus);
      const args = [mode, "stimulus.txt", "results.txt", ...traceArgs(options)];
      const timeoutMs = options.timeoutMs ?? DEFAULT_RUN_TIMEOUT_MS;
      await runTool(join(this.dir, EXE), args, {
        cwd: runDir,
        what: `Verilator simulation of ${this.topName}`,
        timeoutMs,
      });
      return readFile(join(runDir, "results.txt"), "utf8");
    });
  }
}

/** The executable's trailing arguments: trace file, first traced cycle, traced cycle count. */
function traceArgs(o: RunOptions): string[] {
  if (!o.vcd) {
    if (o.traceFromCycle !== undefined || o.traceCycles !== undefined)
      throw new Error("traceFromCycle and traceCycles need a trace file (vcd)");
    return [];
  }
  const cycles = o.traceCycles !== undefined ? [`${o.traceCycles}`] : [];
  return [resolve(o.vcd), `${o.traceFromCycle ?? 0}`, ...cycles];
}
