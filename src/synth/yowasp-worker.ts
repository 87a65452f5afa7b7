// Runs a YoWASP tool (Yosys, nextpnr, icepack) in a worker thread. The tools are WebAssembly that
// runs synchronously once started, so in the main thread a synthesis of many minutes would block
// the event loop: no progress timer could tick. In a worker the main thread stays free, and the
// tool's output arrives line by line as it is written. One worker per tool package and lane is kept
// (idle workers do not keep the process alive) so the 30 MB Yosys WebAssembly is compiled once
// per lane; lanes let independent runs (split.ts) use several cores.
import { createRequire } from "node:module";
import { StringDecoder } from "node:string_decoder";
import { pathToFileURL } from "node:url";
import { Worker } from "node:worker_threads";

export type Tree = Record<string, unknown>;

export interface ToolRun {
  /** The package that exports the command: "@yowasp/yosys" or "@yowasp/nextpnr-ice40". */
  pkg: string;
  /** Its exported command: "runYosys", "runNextpnrIce40", "runIcepack". */
  command: string;
  args: string[];
  files: Tree;
  /** Runs with the same lane (default 0) go one after another in one worker; other lanes run beside them. */
  lane?: number;
  /** Called with each line the tool writes (stdout and stderr), as it writes it. */
  onLine?: (line: string) => void;
}

/** The tool ended with an error (a non-zero exit or a crash); `output` is everything it wrote. */
export class ToolFailure extends Error {
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

type Reply = { output: Uint8Array } | { out: Tree } | { error: string };

// Plain CommonJS, so the worker needs no TypeScript loader: it imports the tool package by file
// URL and runs one job per message, posting the tool's output as it comes and then the result.
const WORKER = `const { parentPort, workerData } = require("node:worker_threads");
const tool = import(workerData.url);
parentPort.on("message", async ({ command, args, files }) => {
  const output = (b) => { if (b) parentPort.postMessage({ output: b.slice() }); };
  try {
    const run = (await tool)[command];
    const out = await run(args, files, { stdout: output, stderr: output });
    parentPort.postMessage({ out });
  } catch (e) {
    parentPort.postMessage({ error: String((e && e.message) || e) });
  }
});`;

interface Idle {
  worker: Worker;
  queue: Promise<unknown>;
}

const workers = new Map<string, Idle>();

function workerFor(pkg: string, key: string): Idle {
  let w = workers.get(key);
  if (!w) {
    const url = pathToFileURL(createRequire(import.meta.url).resolve(pkg)).href;
    const worker = new Worker(WORKER, { eval: true, workerData: { url } });
    worker.unref();
    w = { worker, queue: Promise.resolve() };
    workers.set(key, w);
  }
  return w;
}

/** Runs one tool command in its package's worker for the lane; jobs of one lane run one after another. */
export function runTool(run: ToolRun): Promise<{ out: Tree; output: string }> {
  const key = `${run.pkg}#${run.lane ?? 0}`;
  const w = workerFor(run.pkg, key);
  const job = w.queue.then(() => runJob(w.worker, run, () => workers.delete(key)));
  w.queue = job.catch(() => undefined);
  return job;
}

function runJob(worker: Worker, run: ToolRun, forget: () => void): Promise<{ out: Tree; output: string }> {
  const chunks: Buffer[] = [];
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const lines = (text: string) => {
    const all = (partial + text).split("\n");
    partial = all.pop()!;
    for (const line of all) run.onLine?.(line);
  };
  return new Promise((resolve, reject) => {
    const finish = () => {
      worker.off("message", onMessage);
      worker.off("error", onError);
      worker.unref();
      if (partial !== "") run.onLine?.(partial);
    };
    const onMessage = (m: Reply) => {
      if ("output" in m) {
        const b = Buffer.from(m.output);
        chunks.push(b);
        lines(decoder.write(b));
        return;
      }
      finish();
      const output = Buffer.concat(chunks).toString("utf8");
      if ("out" in m) resolve({ out: m.out, output });
      else reject(new ToolFailure(m.error, output));
    };
    // A crash of the worker itself (out of memory in the WebAssembly): start a fresh one next time.
    const onError = (e: Error) => {
      finish();
      forget();
      void worker.terminate();
      reject(new ToolFailure(e.message, Buffer.concat(chunks).toString("utf8")));
    };
    worker.on("message", onMessage);
    worker.once("error", onError);
    worker.ref();
    worker.postMessage({ command: run.command, args: run.args, files: run.files });
  });
}
