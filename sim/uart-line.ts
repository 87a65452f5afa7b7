// A bit-level model of an 8N1 serial line, independent of the hardware: the host's waveform
// (one level per clock cycle, idle gaps between frames) and a receiver that finds each frame's
// start edge and samples the middle of every bit, checking the stop bit.

/**
 * Line levels, one per cycle, for `bytes` sent with a bit period of `period` cycles (not
 * necessarily whole: a host's baud rate is never exactly the board's) and `gaps[i]` idle
 * cycles before byte i.
 */
export function uartWaveform(bytes: readonly number[], period: number, gaps: readonly number[]): number[] {
  const line: number[] = [];
  bytes.forEach((byte, i) => {
    for (let g = 0; g < (gaps[i % gaps.length] ?? 0); g++) line.push(1);
    const bits = [0, ...Array.from({ length: 8 }, (_, b) => (byte >> b) & 1), 1];
    const start = line.length;
    bits.forEach((bit, k) => {
      while (line.length < start + Math.round((k + 1) * period)) line.push(bit);
    });
  });
  return line;
}

/** Decodes bytes from a line sampled once per cycle; a frame with a low stop bit is an error. */
export class UartLineReceiver {
  readonly bytes: number[] = [];
  readonly errors: string[] = [];
  private cycle = 0;
  private frameStart = -1;
  private last = 1;
  private samples: number[] = [];

  constructor(private readonly clocksPerBit: number) {}

  sample(level: number): void {
    const n = this.clocksPerBit;
    if (this.frameStart < 0) {
      if (this.last === 1 && level === 0) {
        this.frameStart = this.cycle;
        this.samples = [];
      }
    } else {
      const offset = this.cycle - this.frameStart;
      if (offset % n === Math.floor(n / 2)) this.samples.push(level);
      if (this.samples.length === 10) {
        if (this.samples[0] !== 0) this.errors.push(`cycle ${this.cycle}: start bit not low at its middle`);
        if (this.samples[9] !== 1) this.errors.push(`cycle ${this.cycle}: stop bit low`);
        this.bytes.push(this.samples.slice(1, 9).reduce((v, b, i) => v | (b << i), 0));
        this.frameStart = -1;
      }
    }
    this.last = level;
    this.cycle++;
  }
}
