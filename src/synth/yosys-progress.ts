// What Yosys is doing now, read from the section headers it prints with `-v 3` ("3.40. Executing
// ABC pass …", "3.40.2. Extracting gate netlist of module `\fc0…' …"), for a progress line:
// the current pass and, in the passes that go module by module, which module of how many.

/**
 * The Yosys options: section headers down to this depth (and otherwise only warnings and errors),
 * and no footer (-T): the footer goes to stdout at exit, before the netlist that WRITE_NETLIST
 * (yosys.ts) sent there has been flushed, and would land inside it.
 */
export const YOSYS_HEADER_ARGS = ["-v", "3", "-T"];

const HEADER = /^(\d+(?:\.\d+)*)\.\s+(.*?)\.*$/;
const MODULE = /module `\\?([^']+)'/;

export class YosysProgress {
  private pass = "";
  private module = "";
  private moduleCount = 0;

  /** @param modules how many modules the design has (shown as "module 3 of 23"). */
  constructor(private readonly modules?: number) {}

  /** Takes one line of Yosys's output; returns whether the status changed. */
  line(text: string): boolean {
    const m = HEADER.exec(text.trim());
    if (!m) return false;
    const [, number, title] = m as unknown as [string, string, string];
    const depth = number.split(".").length;
    const named = MODULE.exec(title);
    if (named) {
      this.module = named[1]!;
      this.moduleCount++;
      return true;
    }
    // Headers below a pass (its sub-passes, techmap's library files) do not change what is shown.
    if (depth > 2) return false;
    this.pass = `${number} ${title.replace(/^Executing /, "")}`;
    this.module = "";
    this.moduleCount = 0;
    return true;
  }

  /** "3.40 ABC pass (technology mapping using ABC): module fc0_mw1024… (3 of 23)", or "" before the first header. */
  get status(): string {
    if (this.module === "") return this.pass;
    const of = this.modules !== undefined && this.moduleCount <= this.modules ? ` of ${this.modules}` : "";
    return `${this.pass}: module ${this.module} (${this.moduleCount}${of})`;
  }
}
