/** DevInf generator for the SyncML arbitraries (the DevInf tests' arbitraries). */
import type fc from 'fast-check';
import type { DevInf } from '../../src/syncml/devinf.js';
import type { SyncmlVersion } from '../../src/syncml/constants.js';
import { arbDevInf } from './devinf-arbitraries.js';

/** The DevInf arbitrary for embedded DevInf items (DevInf version = SyncML version). */
export function devInfArbitrary(): ((v: SyncmlVersion) => fc.Arbitrary<DevInf>) | undefined {
  return arbDevInf;
}
