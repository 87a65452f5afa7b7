// Markdown report with two SVG figures (confusion matrix, training curve) written next to a model.
import type { BinaryMetrics } from "./metrics.js";
import type { EpochRecord } from "./trainer.js";

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const pct = (v: number) => `${(100 * v).toFixed(2)}%`;

export function confusionSvg(m: BinaryMetrics, classes: string[], title: string): string {
  const cell = 110;
  const left = 130;
  const top = 60;
  const max = Math.max(1, ...m.confusion.flat());
  const parts: string[] = [];
  m.confusion.forEach((row, t) => {
    row.forEach((v, p) => {
      const shade = Math.round(245 - (v / max) * 175);
      const x = left + p * cell;
      const y = top + t * cell;
      parts.push(
        `<rect x="${x}" y="${y}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#333"/>`,
        `<text x="${x + cell / 2}" y="${y + cell / 2 + 6}" text-anchor="middle" font-size="20">${v}</text>`,
      );
    });
  });
  classes.forEach((c, k) => {
    parts.push(
      `<text x="${left + k * cell + cell / 2}" y="${top - 8}" text-anchor="middle" font-size="13">${esc(c)}</text>`,
    );
    parts.push(
      `<text x="${left - 8}" y="${top + k * cell + cell / 2 + 5}" text-anchor="end" font-size="13">${esc(c)}</text>`,
    );
  });
  const w = left + 2 * cell + 20;
  const h = top + 2 * cell + 50;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif">`,
    `<text x="${w / 2}" y="22" text-anchor="middle" font-size="15">${esc(title)}</text>`,
    `<text x="${left + cell}" y="42" text-anchor="middle" font-size="12">predicted</text>`,
    `<text x="16" y="${top + cell}" font-size="12" transform="rotate(-90 16 ${top + cell})" text-anchor="middle">true</text>`,
    ...parts,
    `<text x="${w / 2}" y="${h - 15}" text-anchor="middle" font-size="12">accuracy ${pct(m.accuracy)}, n = ${m.n}</text>`,
    "</svg>",
  ].join("\n");
}

/** Training loss, validation loss and validation accuracy per epoch. */
export function curveSvg(history: EpochRecord[], bestEpoch: number): string {
  const W = 560;
  const H = 300;
  const L = 50;
  const R = 50;
  const T = 30;
  const Bm = 40;
  const n = Math.max(2, history.length);
  const maxLoss = Math.max(0.1, ...history.flatMap((h) => [h.trainLoss, h.valLoss]));
  const x = (e: number) => L + ((e - 1) / (n - 1)) * (W - L - R);
  const yLoss = (v: number) => T + (1 - v / maxLoss) * (H - T - Bm);
  const yAcc = (v: number) => T + (1 - v) * (H - T - Bm);
  const line = (pts: Array<[number, number]>, color: string, dash = "") =>
    `<polyline fill="none" stroke="${color}" stroke-width="2" ${dash ? `stroke-dasharray="${dash}"` : ""} points="${pts
      .map(([a, b]) => `${a.toFixed(1)},${b.toFixed(1)}`)
      .join(" ")}"/>`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="11">`,
    `<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - Bm}" fill="none" stroke="#999"/>`,
    line(
      history.map((h) => [x(h.epoch), yLoss(h.trainLoss)]),
      "#d62728",
    ),
    line(
      history.map((h) => [x(h.epoch), yLoss(h.valLoss)]),
      "#d62728",
      "5,3",
    ),
    line(
      history.map((h) => [x(h.epoch), yAcc(h.valAccuracy)]),
      "#1f77b4",
    ),
    line(
      history.map((h) => [x(h.epoch), yAcc(h.valBalancedAccuracy)]),
      "#1f77b4",
      "5,3",
    ),
    `<line x1="${x(bestEpoch)}" x2="${x(bestEpoch)}" y1="${T}" y2="${H - Bm}" stroke="#2ca02c" stroke-dasharray="2,2"/>`,
    `<text x="${L}" y="${H - 22}">epoch 1</text><text x="${W - R}" y="${H - 22}" text-anchor="end">epoch ${history.length}</text>`,
    `<text x="${L - 5}" y="${T + 4}" text-anchor="end">${maxLoss.toFixed(2)}</text><text x="${L - 5}" y="${H - Bm}" text-anchor="end">0</text>`,
    `<text x="${W - R + 5}" y="${T + 4}">100%</text><text x="${W - R + 5}" y="${H - Bm}">0%</text>`,
    `<text x="${L}" y="12">red: train loss (solid), validation loss (dashed); green: kept epoch</text>`,
    `<text x="${L}" y="25">blue: validation accuracy (solid), validation balanced accuracy (dashed)</text>`,
    "</svg>",
  ].join("\n");
}

export function metricsTable(rows: Array<[string, BinaryMetrics]>): string {
  const lines = [
    "| split | n | accuracy | sensitivity | specificity | balanced acc. | ROC AUC | confusion [[TN, FP], [FN, TP]] |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const [name, m] of rows) {
    lines.push(
      `| ${name} | ${m.n} | ${pct(m.accuracy)} | ${pct(m.sensitivity)} | ${pct(m.specificity)} | ${pct(m.balancedAccuracy)} | ${m.auc.toFixed(4)} | ${JSON.stringify(m.confusion)} |`,
    );
  }
  return lines.join("\n");
}
