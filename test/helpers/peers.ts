// Where the shared peers live: `../shared` beside the checkout (as on developer machines and in CI).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROOT } from './cli.js';

export const SHARED = resolve(ROOT, '../shared');
export const PEERS = resolve(SHARED, 'peers');
export const SAMPLES = resolve(PEERS, 'samples');
export const VPHONE_FIXTURES = resolve(PEERS, 'vphone/fixtures');

if (!existsSync(SAMPLES)) {
  throw new Error(`the shared peers are missing: expected ${SAMPLES} (../shared beside the checkout)`);
}
