// Runs a job of `loom emit` in a worker thread, so that a design which never finishes can be
// stopped: a synchronous infinite loop in the design's TypeScript blocks the thread that runs it,
// and only another thread can end it. The worker gets a wall-clock limit and a heap limit; either
// one ends it with one clear line instead of a hang or a V8 out-of-memory abort.
import { Worker } from "node:worker_threads";
import { UserError } from "./user-error.js";

export interface WorkerLimits {
  /** Wall-clock seconds before the worker is stopped. */
  timeoutSeconds: number;
  /** Largest old-generation heap of the worker, in MB. */
  heapMb: number;
  /** What the worker does, for the messages ("elaboration of design.ts"). */
  what: string;
}

/** The worker's answer: its result, or the error it threw (message, and whether it is a user error). */
export type WorkerReply<R> =
  | { ok: true; result: R }
  | { ok: false; message: string; stack?: string; user: boolean };

// The worker starts as plain JavaScript: it registers tsx (which the main thread registered for
// itself; Node 20 does not pass loader hooks on to workers), then imports the TypeScript entry.
const BOOTSTRAP = `const { workerData } = require("node:worker_threads");
import(workerData.tsx).then((tsx) => { tsx.register(); return import(workerData.entry); });`;

/** Runs module `entry` (a file URL; it reads `workerData.job` and posts one WorkerReply) under `limits`. */
export function runInWorker<J, R>(entry: URL, job: J, limits: WorkerLimits): Promise<R> {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { tsx: import.meta.resolve("tsx/esm/api"), entry: entry.href, job },
    resourceLimits: { maxOldGenerationSizeMb: limits.heapMb },
  });
  return new Promise<R>((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      reject(
        new UserError(
          `${limits.what} did not finish within ${limits.timeoutSeconds} s; does a loop in it never end? (raise the limit with --timeout)`,
        ),
      );
      void worker.terminate();
    }, limits.timeoutSeconds * 1000);
    const settle = () => clearTimeout(timer);
    worker.once("message", (reply: WorkerReply<R>) => {
      settle();
      void worker.terminate();
      if (reply.ok) resolvePromise(reply.result);
      else if (reply.user) reject(new UserError(reply.message));
      else reject(Object.assign(new Error(reply.message), { stack: reply.stack }));
    });
    worker.once("error", (err: Error & { code?: string }) => {
      settle();
      reject(
        err.code === "ERR_WORKER_OUT_OF_MEMORY"
          ? new UserError(
              `${limits.what} ran out of memory (the heap limit is ${limits.heapMb} MB; raise it with --heap)`,
            )
          : err,
      );
    });
    worker.once("exit", (code) => {
      settle();
      reject(new Error(`${limits.what} stopped (worker exit code ${code}) without an answer`));
    });
  });
}
