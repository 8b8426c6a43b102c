// Small plain-object helpers shared by the model builders and planners: drop undefined fields, sort
// keys. Not a deep-clone or merge library; both return a new object and leave the input alone.

/** The same object without its undefined fields (so golden JSON and deep-equal comparisons are stable). */
export function dropUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/** dropUndefined, with the keys in sorted order. */
export function sortKeys<T extends object>(o: T): T {
  return Object.fromEntries(
    Object.entries(o)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  ) as T;
}
