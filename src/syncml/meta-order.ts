/**
 * Remembered child order of decoded Meta objects. The MetInf DTD fixes an order (Format, Type,
 * ...), but peers and the spec's own examples write `Type` before `Format` and the like. To
 * re-encode a decoded message to the same tree (pass-through relay, round-trip tests), the
 * decoder records the order it saw per Meta object; the encoder uses it for the fields still
 * present and DTD order for the rest. A copied or new Meta object gets DTD order. The record is
 * a WeakMap: invisible to equality checks and never keeps a model alive.
 */
const ORDER = new WeakMap<object, readonly string[]>();

/** Remember the order of MetInf child names seen for `meta` (first occurrence of each). */
export function rememberMetaOrder(meta: object, names: readonly string[]): void {
  const seen: string[] = [];
  for (const n of names) if (!seen.includes(n)) seen.push(n);
  ORDER.set(meta, seen);
}

/**
 * Order `groups` (element name -> encoded children, given in DTD order) as remembered for
 * `meta`; names not remembered follow in their given order.
 */
export function inMetaOrder<T>(meta: object, groups: ReadonlyArray<readonly [string, T[]]>): T[] {
  const order = ORDER.get(meta);
  if (order === undefined) return groups.flatMap(([, v]) => v);
  const out: T[] = [];
  const done = new Set<string>();
  for (const name of order) {
    const g = groups.find(([n]) => n === name);
    if (g === undefined) continue;
    out.push(...g[1]);
    done.add(name);
  }
  for (const [n, v] of groups) if (!done.has(n)) out.push(...v);
  return out;
}
