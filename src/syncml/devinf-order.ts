/**
 * Element-order memory for exact round trips.
 *
 * The encoder writes children in DTD order. Real peers do not always: SyncEvolution writes
 * `UTC, SupportNumberOfChanges, SupportLargeObjs` and puts `ValEnum` before `MaxOccur` in a 1.2
 * Property. So that decoding and re-encoding an unmodified DevInf gives the same tree, the decoder
 * remembers, per model object, the order of the child element names it saw. The memory is a
 * WeakMap: invisible to equality and serialisation, and lost on any copy, so a model that was
 * built or changed by code is written in DTD order.
 */
import type { XElement } from '../util/tree.js';

const ORDER = new WeakMap<object, readonly string[]>();

/** Remember the order of `e`'s child element names for the model object built from it. */
export function rememberOrder(model: object, e: XElement): void {
  const names: string[] = [];
  for (const c of e.children) if (c.kind === 'element' && names[names.length - 1] !== c.name) names.push(c.name);
  ORDER.set(model, names);
}

/**
 * Children in the order remembered for `model`, when there is one and it names every child;
 * otherwise unchanged (DTD order). Elements with the same name keep their relative order.
 */
export function inRememberedOrder(model: object, children: XElement[]): XElement[] {
  const names = ORDER.get(model);
  if (names === undefined) return children;
  const rank = new Map<string, number>();
  names.forEach((n, i) => { if (!rank.has(n)) rank.set(n, i); });
  if (!children.every((c) => rank.has(c.name))) return children;
  return children
    .map((c, i) => ({ c, i, r: rank.get(c.name)! }))
    .sort((a, b) => a.r - b.r || a.i - b.i)
    .map((x) => x.c);
}
