// Joint choice of one option per layer under a cap on every resource at once: keep each layer's
// Pareto-optimal options, seed with a Lagrangian price loop, then branch and bound for the
// cheapest selection that fits. Layers are few (2–6), so the exact search is affordable; a node
// budget keeps a pathological case bounded (the best selection found so far is then returned).

/** One way to build a layer: what it uses of each capped resource and what it costs. */
export interface SelectOption<T> {
  item: T;
  /** Usage per capped resource, in the order of the caps. */
  use: readonly number[];
  cost: number;
}

export interface Selection<T> {
  picks: T[];
  use: number[];
  cost: number;
}

/** Search nodes after which branch and bound stops and keeps the best selection so far. */
const NODE_BUDGET = 200_000;
/** Price-loop rounds seeding the branch and bound with a fitting selection. */
const PRICE_ROUNDS = 40;

const dominates = (a: SelectOption<unknown>, b: SelectOption<unknown>) =>
  a.cost <= b.cost && a.use.every((u, k) => u <= b.use[k]!);

/**
 * The options no other option beats in cost and every resource at once, cheapest first. The
 * input's order breaks ties (of two equal options the earlier is kept), so callers put their
 * preferred option first among equals; options over a cap on their own are dropped.
 */
export function paretoFront<T>(
  options: readonly SelectOption<T>[],
  caps: readonly number[],
): SelectOption<T>[] {
  const sorted = options
    .map((o, i) => ({ o, i }))
    .filter(({ o }) => o.use.every((u, k) => u <= caps[k]!))
    .sort((a, b) => a.o.cost - b.o.cost || a.i - b.i);
  const front: SelectOption<T>[] = [];
  for (const { o } of sorted) if (!front.some((f) => dominates(f, o))) front.push(o);
  return front;
}

/**
 * The cheapest selection of one option per layer whose summed usage stays within every cap, or
 * null when none does (or none was found within the node budget). Deterministic.
 */
export function selectJoint<T>(
  layers: readonly (readonly SelectOption<T>[])[],
  caps: readonly number[],
): Selection<T> | null {
  const fronts = layers.map((l) => paretoFront(l, caps));
  if (fronts.some((f) => f.length === 0)) return null;
  const n = fronts.length;
  const dims = caps.length;
  // Suffix bounds: the least cost and the least usage of each resource the remaining layers need.
  const minCost = Array<number>(n + 1).fill(0);
  const minUse = Array.from({ length: n + 1 }, () => Array<number>(dims).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    minCost[i] = minCost[i + 1]! + Math.min(...fronts[i]!.map((o) => o.cost));
    for (let k = 0; k < dims; k++)
      minUse[i]![k] = minUse[i + 1]![k]! + Math.min(...fronts[i]!.map((o) => o.use[k]!));
  }
  if (minUse[0]!.some((u, k) => u > caps[k]!)) return null;

  let best = priceLoop(fronts, caps);
  const chosen: SelectOption<T>[] = [];
  const used = Array<number>(dims).fill(0);
  let nodes = 0;
  const visit = (i: number, cost: number): void => {
    if (i === n) {
      if (!best || cost < best.cost) best = selectionOf(chosen);
      return;
    }
    for (const o of fronts[i]!) {
      if (++nodes > NODE_BUDGET) return;
      // Cheapest first: once the bound reaches the best, so does every later option.
      if (best && cost + o.cost + minCost[i + 1]! >= best.cost) return;
      if (o.use.some((u, k) => used[k]! + u + minUse[i + 1]![k]! > caps[k]!)) continue;
      for (let k = 0; k < dims; k++) used[k]! += o.use[k]!;
      chosen.push(o);
      visit(i + 1, cost + o.cost);
      chosen.pop();
      for (let k = 0; k < dims; k++) used[k]! -= o.use[k]!;
    }
  };
  visit(0, 0);
  return best;
}

function selectionOf<T>(chosen: readonly SelectOption<T>[]): Selection<T> {
  const use = chosen[0]!.use.map((_, k) => chosen.reduce((s, o) => s + o.use[k]!, 0));
  return { picks: chosen.map((o) => o.item), use, cost: chosen.reduce((s, o) => s + o.cost, 0) };
}

/**
 * Lagrangian relaxation: each layer takes its cheapest option at the current prices (cost plus,
 * per resource, its price times its share of the cap); a resource over its cap gets dearer, one
 * under it cheaper, and the cheapest fitting selection seen is kept.
 */
function priceLoop<T>(
  fronts: readonly (readonly SelectOption<T>[])[],
  caps: readonly number[],
): Selection<T> | null {
  const prices = caps.map(() => 0);
  let best: Selection<T> | null = null;
  for (let round = 0; round < PRICE_ROUNDS; round++) {
    const picks = fronts.map((front) => {
      let pick = front[0]!;
      let value = Number.POSITIVE_INFINITY;
      for (const o of front) {
        const v = o.cost + o.use.reduce((s, u, k) => s + (caps[k]! > 0 ? (prices[k]! * u) / caps[k]! : 0), 0);
        if (v < value) {
          value = v;
          pick = o;
        }
      }
      return pick;
    });
    const s = selectionOf(picks);
    const over = s.use.map((u, k) => (caps[k]! > 0 ? u / caps[k]! - 1 : 0));
    if (over.every((x) => x <= 0)) {
      if (!best || s.cost < best.cost) best = s;
    }
    const step = 2 / (round + 1);
    prices.forEach((p, k) => {
      prices[k] = Math.max(0, p + step * over[k]!);
    });
  }
  return best;
}
