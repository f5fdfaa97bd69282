/** First difference between two trees, as a path and a description (for assertion messages). */
import { sameTree, type XNode } from '../../src/util/tree.js';

function show(n: XNode | undefined): string {
  if (n === undefined) return '(nothing)';
  if (n.kind === 'element') return `<${n.name} ns=${n.ns}>`;
  if (n.kind === 'text') return JSON.stringify(n.value.slice(0, 60));
  return `opaque(${n.bytes.length})`;
}

/** Undefined when the trees are the same (sameTree), else where they first differ. */
export function treeDiff(a: XNode, b: XNode, path = ''): string | undefined {
  if (sameTree(a, b)) return undefined;
  if (a.kind !== 'element' || b.kind !== 'element' || a.name !== b.name || a.ns !== b.ns) return `${path}: ${show(a)} != ${show(b)}`;
  const ea = a.children.filter((c) => c.kind === 'element');
  const eb = b.children.filter((c) => c.kind === 'element');
  const here = `${path}/${a.name}`;
  for (let i = 0; i < Math.max(ea.length, eb.length); i++) {
    const x = ea[i];
    const y = eb[i];
    if (x === undefined || y === undefined) return `${here}[${i}]: ${show(x)} != ${show(y)}`;
    const d = treeDiff(x, y, `${here}[${i}]`);
    if (d !== undefined) return d;
  }
  return `${here}: text ${show(a.children.find((c) => c.kind !== 'element'))} != ${show(b.children.find((c) => c.kind !== 'element'))}`;
}
