// A horizontal bar chart as an SVG document, for report.md: one panel of cycles per layer with
// the initiation interval marked, then one panel per resource with the estimate and (after
// `loom synth`) Yosys's count side by side as a percentage of the board, and the board's
// capacity as a line at 100 %. A document, not hardware: plain string building, deterministic
// (coordinates rounded to 0.1 px, no dates or random ids).

export interface ChartRow {
  label: string;
  estimate?: number;
  measured?: number;
}

export interface ResourcePanel {
  /** e.g. "LUT", "EBR (4 Kib)". */
  resource: string;
  /** The board's count of this resource (the 100 % line). */
  capacity: number;
  rows: ChartRow[];
}

export interface Chart {
  title: string;
  /** Cycles per image of each layer. */
  cycles: Array<{ label: string; cycles: number }>;
  /** Initiation interval (the slowest layer's cycles). */
  ii: number;
  /** Who measured the second bar ("Yosys synth_xilinx"), absent before `loom synth`. */
  measuredBy?: string;
  panels: ResourcePanel[];
}

const WIDTH = 760;
const LABEL_X = 8;
const BAR_X = 170;
const BAR_WIDTH = 470;
const ROW = 20;
/** Characters of a row name that fit left of the bars at 12 px. */
const LABEL_CHARS = 24;
const BAR = 12;
/** Each of a row's two bars (estimate, Yosys), tall enough for its 9 px note. */
const HALF_BAR = 10;
const COLOURS = {
  estimate: "#4e79a7",
  measured: "#f28e2b",
  cycles: "#59a14f",
  limit: "#e15759",
  axis: "#555",
};

const r1 = (x: number) => Math.round(x * 10) / 10;
const fmt = (x: number) => x.toLocaleString("en-US", { maximumFractionDigits: 1 });

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => `&${{ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" }[c]};`,
  );
}

/** The smallest 1, 2, 2.5 or 5 × 10^k at or above x (an axis end a reader can divide by 4). */
export function niceCeiling(x: number): number {
  if (!(x > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].map((m) => m * p).find((v) => v >= x * (1 - 1e-12))!;
}

type Attrs = Record<string, string | number>;
const tag = (name: string, attrs: Attrs, body?: string) => {
  const a = Object.entries(attrs)
    .map(([k, v]) => ` ${k}="${typeof v === "number" ? r1(v) : escapeXml(v)}"`)
    .join("");
  return body === undefined ? `<${name}${a}/>` : `<${name}${a}>${body}</${name}>`;
};
const text = (x: number, y: number, s: string, attrs: Attrs = {}) =>
  tag("text", { x, y, ...attrs }, escapeXml(s));

/** One panel: bars from BAR_X, `scale` is the value at the right end of the axis. */
class Panel {
  readonly parts: string[] = [];
  constructor(
    public y: number,
    readonly scale: number,
  ) {}
  x(value: number): number {
    return BAR_X + (BAR_WIDTH * value) / this.scale;
  }
  /** A row's name left of its bars; a long one is shortened, whole in its tooltip. */
  rowLabel(label: string): void {
    const shown = label.length > LABEL_CHARS ? `${label.slice(0, LABEL_CHARS - 1)}…` : label;
    this.parts.push(
      tag(
        "text",
        { x: LABEL_X, y: this.y + BAR - 1 },
        `${tag("title", {}, escapeXml(label))}${escapeXml(shown)}`,
      ),
    );
  }
  heading(s: string): void {
    this.parts.push(text(LABEL_X, this.y + 14, s, { "font-weight": "bold" }));
    this.y += 24;
  }
  /** A bar `length` long in axis units, for `value` (its label, in `data-value` and the note). */
  bar(
    kind: string,
    label: string,
    value: number,
    length: number,
    y: number,
    height: number,
    note: string,
  ): void {
    this.parts.push(
      tag("rect", {
        class: `bar ${kind}`,
        "data-label": label,
        "data-value": value,
        x: BAR_X,
        y,
        width: this.x(length) - BAR_X,
        height,
        fill: COLOURS[kind as keyof typeof COLOURS],
      }),
      text(this.x(length) + 4, y + height - 1.5, note, { "font-size": height < BAR ? 9 : 10 }),
    );
  }
  /** Axis with five ticks below the rows, labelled by `tickText`, and its title. */
  axis(title: string, tickText: (v: number) => string): void {
    const y = this.y + 4;
    this.parts.push(tag("line", { x1: BAR_X, y1: y, x2: BAR_X + BAR_WIDTH, y2: y, stroke: COLOURS.axis }));
    for (let i = 0; i <= 4; i++) {
      const v = (this.scale * i) / 4;
      this.parts.push(
        tag("line", { x1: this.x(v), y1: y, x2: this.x(v), y2: y + 4, stroke: COLOURS.axis }),
        text(this.x(v), y + 15, tickText(v), { "font-size": 10, "text-anchor": "middle" }),
      );
    }
    this.parts.push(text(BAR_X + BAR_WIDTH / 2, y + 29, title, { "font-size": 11, "text-anchor": "middle" }));
    this.y = y + 44;
  }
  /** A vertical limit line from `top` to the axis, labelled at its top. */
  limit(kind: string, value: number, top: number, label: string): void {
    const x = this.x(value);
    this.parts.push(
      tag("line", {
        class: kind,
        "data-value": value,
        x1: x,
        y1: top - 4,
        x2: x,
        y2: this.y + 4,
        stroke: COLOURS.limit,
        "stroke-dasharray": "4 3",
      }),
      text(x, top - 6, label, { "font-size": 10, "text-anchor": "middle", fill: COLOURS.limit }),
    );
  }
}

function cyclesPanel(c: Chart, y: number): Panel {
  const p = new Panel(y, niceCeiling(Math.max(c.ii, ...c.cycles.map((l) => l.cycles))));
  p.heading("Cycles per image, per layer (the slowest sets the initiation interval, II)");
  const top = p.y + 10;
  p.y += 12;
  for (const l of c.cycles) {
    p.rowLabel(l.label);
    p.bar("cycles", l.label, l.cycles, l.cycles, p.y, BAR, fmt(l.cycles));
    p.y += ROW;
  }
  p.limit("ii", c.ii, top, `II = ${fmt(c.ii)}`);
  p.axis("cycles per image", fmt);
  return p;
}

function resourcePanel(r: ResourcePanel, y: number): Panel {
  const pct = (v: number) => (100 * v) / r.capacity;
  const values = r.rows.flatMap((row) => [row.estimate ?? 0, row.measured ?? 0]);
  const p = new Panel(y, niceCeiling(Math.max(100, ...values.map(pct))));
  p.heading(`${r.resource}: % of the board's ${fmt(r.capacity)}`);
  const top = p.y + 10;
  p.y += 12;
  const note = (v: number) => `${fmt(v)} (${pct(v).toFixed(1)}%)`;
  for (const row of r.rows) {
    p.rowLabel(row.label);
    const both = row.estimate !== undefined && row.measured !== undefined;
    const h = both ? HALF_BAR : BAR;
    if (row.estimate !== undefined)
      p.bar("estimate", row.label, row.estimate, pct(row.estimate), p.y, h, note(row.estimate));
    if (row.measured !== undefined)
      p.bar(
        "measured",
        row.label,
        row.measured,
        pct(row.measured),
        p.y + (both ? h : 0),
        h,
        note(row.measured),
      );
    p.y += both ? 2 * HALF_BAR + 6 : ROW;
  }
  p.limit("capacity", 100, top, `board: ${fmt(r.capacity)}`);
  p.axis(`% of ${r.resource}`, (v) => `${fmt(v)}%`);
  return p;
}

function legend(c: Chart, y: number): string {
  const items: Array<[string, string]> = [
    [COLOURS.estimate, "estimate (analytic model)"],
    ...(c.measuredBy ? ([[COLOURS.measured, c.measuredBy]] as Array<[string, string]>) : []),
  ];
  return items
    .map(([colour, label], i) => {
      const x = BAR_X + i * 230;
      return tag("rect", { x, y, width: 12, height: 12, fill: colour }) + text(x + 16, y + 11, label);
    })
    .join("");
}

/** The chart as a standalone SVG document. */
export function chartSvg(c: Chart): string {
  const parts = [text(LABEL_X, 20, c.title, { "font-size": 14, "font-weight": "bold" }), legend(c, 32)];
  let y = 56;
  for (const panel of [
    (at: number) => cyclesPanel(c, at),
    ...c.panels.map((r) => (at: number) => resourcePanel(r, at)),
  ]) {
    const p = panel(y);
    parts.push(tag("g", {}, p.parts.join("\n")));
    y = p.y;
  }
  const height = r1(y);
  return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">
${tag("rect", { width: WIDTH, height, fill: "white" })}
${parts.join("\n")}
</svg>
`;
}
