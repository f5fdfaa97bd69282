/** The real captured WBXML messages under ../shared/peers (SyncEvolution/Synthesis). */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { SAMPLES, VPHONE_FIXTURES } from '../helpers/peers.js';

/** Sample folders (read-only peers tree). */
export const DIRS = [
  `${SAMPLES}/devinf`,
  `${SAMPLES}/syncml11-wbxml`,
  `${SAMPLES}/syncml12-wbxml`,
  VPHONE_FIXTURES,
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

