import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  blockHoldOut,
  patientKey,
  patientSeries,
  sourceHoldOut,
  stratifiedHoldOut,
} from "../../src/data/split.js";

describe("patientKey", () => {
  it("groups the chest X-ray naming schemes by patient", () => {
    expect(patientKey("train/PNEUMONIA/person1372_bacteria_3501.png")).toBe("person1372");
    expect(patientKey("person1372_virus_9.png")).toBe("person1372");
    expect(patientKey("NORMAL2-IM-0173-0001-0002.png")).toBe("NORMAL2-IM-0173");
    expect(patientKey("IM-0115-0001.png")).toBe("IM-0115");
    expect(patientKey("other.png")).toBe("other.png");
  });
});

describe("stratifiedHoldOut", () => {
  it("is disjoint, complete, stratified, deterministic, and never splits a patient", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 30 })), {
          minLength: 20,
          maxLength: 300,
        }),
        fc.integer(),
        (items, seed) => {
          const labels = items.map(([y]) => y);
          const names = items.map(([y, p], i) =>
            y ? `person${p}_bacteria_${i}.png` : `IM-${p}-000${i}.png`,
          );
          const h = stratifiedHoldOut(labels, names, 0.2, seed);
          expect([...h.train, ...h.val].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
          expect(stratifiedHoldOut(labels, names, 0.2, seed)).toEqual(h);
          const valKeys = new Set(h.val.map((i) => `${labels[i]}:${patientKey(names[i]!)}`));
          for (const i of h.train) expect(valKeys.has(`${labels[i]}:${patientKey(names[i]!)}`)).toBe(false);
        },
      ),
    );
  });

  it("holds out about the requested fraction of each class when patients are small", () => {
    const labels = Array.from({ length: 1000 }, (_, i) => (i < 250 ? 0 : 1));
    const names = labels.map((_, i) => `file${i}.png`);
    const h = stratifiedHoldOut(labels, names, 0.15, 7);
    expect(h.val.filter((i) => labels[i] === 0).length).toBe(38);
    expect(h.val.filter((i) => labels[i] === 1).length).toBe(113);
  });
});

describe("blockHoldOut", () => {
  it("parses patient series and numbers", () => {
    expect(patientSeries("train/PNEUMONIA/person1372_bacteria_3501.png")).toEqual({
      series: "person",
      id: 1372,
    });
    expect(patientSeries("NORMAL2-IM-0173-0001-0002.png")).toEqual({ series: "NORMAL2-IM", id: 173 });
    expect(patientSeries("IM-0115-0001.png")).toEqual({ series: "IM", id: 115 });
    expect(patientSeries("other.png")).toBeNull();
  });

  it("folds partition the items into contiguous patient-ID ranges per class and series", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1 }), fc.integer({ min: 0, max: 60 })), {
          minLength: 30,
          maxLength: 300,
        }),
        fc.integer({ min: 2, max: 5 }),
        (items, folds) => {
          const labels = items.map(([y]) => y);
          const names = items.map(([y, p], i) =>
            y
              ? `person${p}_bacteria_${i}.png`
              : i % 2
                ? `IM-${p}-0001-${i}.png`
                : `NORMAL2-IM-${p}-000${i}.png`,
          );
          const seen = new Array<number>(items.length).fill(0);
          for (let f = 0; f < folds; f++) {
            const h = blockHoldOut(labels, names, folds, f);
            expect([...h.train, ...h.val].sort((a, b) => a - b)).toEqual(items.map((_, i) => i));
            for (const i of h.val) seen[i]!++;
            // No patient straddles train and validation.
            const key = (i: number) => `${labels[i]}:${patientKey(names[i]!)}`;
            const valKeys = new Set(h.val.map(key));
            for (const i of h.train) expect(valKeys.has(key(i))).toBe(false);
            // Contiguity: per class and series, validation IDs form one range no training ID falls inside.
            const series = (i: number) => `${labels[i]}:${patientSeries(names[i]!)!.series}`;
            for (const s of new Set(items.map((_, i) => series(i)))) {
              const vid = h.val.filter((i) => series(i) === s).map((i) => patientSeries(names[i]!)!.id);
              if (vid.length === 0) continue;
              const lo = Math.min(...vid);
              const hi = Math.max(...vid);
              for (const i of h.train)
                if (series(i) === s) {
                  const id = patientSeries(names[i]!)!.id;
                  expect(id < lo || id > hi).toBe(true);
                }
            }
          }
          // Every item is validation in exactly one fold.
          expect(seen.every((c) => c === 1)).toBe(true);
        },
      ),
    );
  });

  it("holds out the lowest IDs in fold 0 and about 1/folds of each class", () => {
    const labels = Array.from({ length: 600 }, (_, i) => (i < 200 ? 0 : 1));
    const names = labels.map((y, i) => (y ? `person${i}_virus_${i}.png` : `IM-${1000 + i}-0001.png`));
    const h = blockHoldOut(labels, names, 4, 0);
    expect(h.val.filter((i) => labels[i] === 0)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(h.val.filter((i) => labels[i] === 1)).toEqual(Array.from({ length: 100 }, (_, i) => 200 + i));
    expect(() => blockHoldOut(labels, names, 3, 3)).toThrow();
    expect(() => blockHoldOut(labels, names, 1, 0)).toThrow();
  });
});

describe("sourceHoldOut", () => {
  it("holds out one whole NORMAL series per fold and an ID block of the single-series class", () => {
    const names = [
      ...Array.from({ length: 10 }, (_, i) => `train/NORMAL/IM-${100 + i}-0001.png`),
      ...Array.from({ length: 6 }, (_, i) => `train/NORMAL/NORMAL2-IM-${400 + i}-0001.png`),
      ...Array.from({ length: 20 }, (_, i) => `train/PNEUMONIA/person${i + 1}_bacteria_${i}.png`),
    ];
    const labels = names.map((n) => (n.includes("PNEUMONIA") ? 1 : 0));
    const f0 = sourceHoldOut(labels, names, 0);
    const f1 = sourceHoldOut(labels, names, 1);
    expect(f0.val.filter((i) => labels[i] === 0)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    expect(f1.val.filter((i) => labels[i] === 0)).toEqual(Array.from({ length: 6 }, (_, i) => 10 + i));
    expect(f0.val.filter((i) => labels[i] === 1)).toEqual(Array.from({ length: 10 }, (_, i) => 16 + i));
    expect(f1.val.filter((i) => labels[i] === 1)).toEqual(Array.from({ length: 10 }, (_, i) => 26 + i));
    for (const h of [f0, f1])
      expect([...h.train, ...h.val].sort((a, b) => a - b)).toEqual(names.map((_, i) => i));
    expect(() => sourceHoldOut(labels, names, 2)).toThrow();
  });
});
