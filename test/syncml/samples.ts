/** Paths of the real SyncML samples (SyncEvolution captures, vphone fixtures). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES, VPHONE_FIXTURES } from '../helpers/peers.js';

const ROOTS = [
  `${SAMPLES}/syncml11-wbxml`,
  `${SAMPLES}/syncml12-wbxml`,
  `${SAMPLES}/syncml11-xml`,
  `${SAMPLES}/syncml12-xml`,
  VPHONE_FIXTURES,
];

/** Every `.wbxml` / `.xml` SyncML sample file (DevInf-only samples excluded). */
export function samplePaths(): string[] {
  const out: string[] = [];
  for (const dir of ROOTS) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir).sort()) if (/\.(wbxml|xml)$/.test(f)) out.push(join(dir, f));
  }
  return out;
}
