// Progress on long steps, always on stderr so stdout stays machine-readable. On a terminal one
// line is redrawn in place (spinner, counts, rate, elapsed, ETA); elsewhere (CI logs, pipes) a
// plain line is written when the step starts, every `intervalMs`, and when it ends.

export interface ProgressOptions {
  /** Known amount of work (images, modules…); without it only elapsed time is shown. */
  total?: number;
  /** What is counted, plural ("images"). */
  unit?: string;
  /** Write nothing at all (--quiet). */
  quiet?: boolean;
  /** Defaults to process.stderr and its isTTY. */
  write?: (text: string) => void;
  tty?: boolean;
  /** Plain-line period off a terminal (default: LOOM_PROGRESS_SECONDS, else 10 s); the terminal line redraws every 100 ms. */
  intervalMs?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export interface Progress {
  /** Work done so far (out of `total`). */
  update(done: number): void;
  /** What the step is doing now ("3.40 ABC pass: module fc0 (3 of 23)"), shown after the counts and elapsed time. */
  status(text: string): void;
  /** Writes a "loom: " message line without garbling the terminal's progress line. */
  log(line: string): void;
  /** Ends the step with a final line ("done in 12.3 s", or the given note). */
  stop(note?: string): void;
}

/** 75 → "1m 15s"; 4.2 → "4.2 s". */
export function formatSeconds(s: number): string {
  if (s < 60) return `${s.toFixed(1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${String(Math.floor(s % 60)).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h ${String(m % 60).padStart(2, "0")}m`;
}

/** The status text after the label: "120/1000 images, 3.4/s, 35.0 s elapsed, ETA 4m 19s". */
export function progressStatus(done: number, elapsedS: number, o: { total?: number; unit?: string }): string {
  const elapsed = `${formatSeconds(elapsedS)} elapsed`;
  if (o.total === undefined) return elapsed;
  const unit = o.unit ? ` ${o.unit}` : "";
  if (done === 0 || elapsedS <= 0) return `${done}/${o.total}${unit}, ${elapsed}`;
  const rate = done / elapsedS;
  const eta = done >= o.total ? "" : `, ETA ${formatSeconds((o.total - done) / rate)}`;
  return `${done}/${o.total}${unit}, ${rate.toFixed(rate < 10 ? 2 : 0)}/s, ${elapsed}${eta}`;
}

/**
 * ", ETA ≤ 3m 10s" for a training epoch line: the mean epoch time so far times the epochs left
 * (an upper bound: early stopping may end sooner); "" after the last epoch.
 */
export function epochEta(epoch: number, epochs: number, secondsSoFar: number): string {
  return epoch >= epochs ? "" : `, ETA ≤ ${formatSeconds((secondsSoFar / epoch) * (epochs - epoch))}`;
}

const SPINNER = ["|", "/", "-", "\\"];

/** The period of plain progress lines off a terminal: LOOM_PROGRESS_SECONDS (for CI logs), else 10 s. */
function plainIntervalMs(): number {
  const s = Number(process.env.LOOM_PROGRESS_SECONDS);
  return Number.isFinite(s) && s > 0 ? s * 1000 : 10_000;
}

function fitLine(line: string): string {
  const columns = process.stderr.columns || 80;
  return line.length < columns ? line : `${line.slice(0, columns - 2)}…`;
}

export function startProgress(label: string, o: ProgressOptions = {}): Progress {
  if (o.quiet) return { update() {}, status() {}, log() {}, stop() {} };
  const write = o.write ?? ((t: string) => process.stderr.write(t));
  const tty = o.tty ?? Boolean(process.stderr.isTTY);
  const now = o.now ?? (() => performance.now());
  const interval = o.intervalMs ?? plainIntervalMs();
  const started = now();
  let done = 0;
  let detail = "";
  let frame = 0;
  let lastLine = started;
  const elapsed = () => (now() - started) / 1000;
  // Elapsed time first: a long detail is what a narrow terminal cuts off.
  const status = () => `${progressStatus(done, elapsed(), o)}${detail === "" ? "" : `; ${detail}`}`;
  const draw = () => {
    // A terminal line must not wrap, or the next redraw would clear only its last row.
    if (tty) write(`\r\x1b[2K${fitLine(`${SPINNER[frame++ % SPINNER.length]} ${label}: ${status()}`)}`);
    else if (now() - lastLine >= interval) {
      lastLine = now();
      write(`loom: ${label}: ${status()}\n`);
    }
  };
  if (!tty) write(`loom: ${label}…\n`);
  const timer = setInterval(draw, tty ? 100 : Math.min(interval, 1000));
  timer.unref();
  return {
    update(n) {
      done = n;
      draw();
    },
    status(text) {
      detail = text;
    },
    log(line) {
      write(`${tty ? "\r\x1b[2K" : ""}loom: ${line}\n`);
    },
    stop(note) {
      clearInterval(timer);
      const end = `loom: ${label}: ${note ?? `done in ${formatSeconds(elapsed())}`}\n`;
      write(tty ? `\r\x1b[2K${end}` : end);
    },
  };
}

/** Shows a spinner and elapsed time while an opaque step (a Verilator build, a synthesis) runs. */
export async function withProgress<T>(label: string, step: Promise<T>, o: ProgressOptions = {}): Promise<T> {
  const p = startProgress(label, o);
  try {
    const r = await step;
    p.stop();
    return r;
  } catch (e) {
    p.stop("failed");
    throw e;
  }
}
