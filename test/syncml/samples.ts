/** Paths of the real SyncML samples (SyncEvolution captures, vphone fixtures). */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const ROOTS = [
  '/work/shared/peers/samples/syncml11-wbxml',
  '/work/shared/peers/samples/syncml12-wbxml',
  '/work/shared/peers/samples/syncml11-xml',
  '/work/shared/peers/samples/syncml12-xml',
  '/work/shared/peers/vphone/fixtures',
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
