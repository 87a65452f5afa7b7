import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { patientKey, stratifiedHoldOut } from "../../src/data/split.js";

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
