/** The real captured WBXML messages under /work/shared/peers (SyncEvolution/Synthesis). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Sample folders (read-only peers tree). */
export const DIRS = [
  '/work/shared/peers/samples/devinf',
  '/work/shared/peers/samples/syncml11-wbxml',
  '/work/shared/peers/samples/syncml12-wbxml',
  '/work/shared/peers/vphone/fixtures',
];

/** Every sample as [label, bytes]. */
export function loadSamples(): Array<[string, Uint8Array]> {
  const out: Array<[string, Uint8Array]> = [];
  for (const d of DIRS) {
    if (!existsSync(d)) continue;
    for (const f of readdirSync(d).filter((n) => n.endsWith('.wbxml')).sort()) {
      out.push([`${d.split('/').pop()}/${f}`, new Uint8Array(readFileSync(`${d}/${f}`))]);
    }
  }
  return out;
}

