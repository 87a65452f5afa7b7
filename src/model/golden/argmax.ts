// Arg-max as the hardware's label select does it: the first (lowest) index wins ties.

export function argmax<T extends bigint | number>(values: readonly T[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i]! > values[best]!) best = i;
  return best;
}
