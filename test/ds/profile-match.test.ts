// The engine picks a device's profile from its DevInf with every identity field the profiles can
// match on (Man, Mod, SwV, FwV, HwV): a model profile told apart by HwV alone wins over its family,
// whether the DevInf arrives in the session (Put) or is the one the store kept from an earlier one.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { createContentHandlers } from '../../src/ds/content/index.js';
import { Lockout } from '../../src/ds/auth.js';
import { SyncEngine } from '../../src/ds/engine.js';
import { MemoryDatastoreLocks } from '../../src/ds/locks.js';
import type { ProfileLookup } from '../../src/ds/types.js';
import { buildProfileSet, matchProfile, type ProfileDocument } from '../../src/quirks/index.js';
import { openMemoryStore } from '../../src/store/index.js';
import { make } from '../../src/syncml/index.js';
import { childDoc, rootDoc } from '../quirks/docs.js';
import { CONFIG, Client, type Rig } from './helpers.js';

const DOCS: ProfileDocument[] = [
  rootDoc(),
  childDoc('10-generic', '00-default', { fallback: true }, { examples: [{ at: { manufacturer: 'Nobody' } }] }),
  childDoc('acme/00-family', '00-default', {}, { devinf: { Man: '^ACME$' }, examples: [{ devinf: { Man: 'ACME', Mod: 'X1' } }] }),
  childDoc('acme/10-rev2', 'acme/00-family', {}, { devinf: { HwV: '^R2' }, examples: [{ devinf: { Man: 'ACME', Mod: 'X1', HwV: 'R2B' } }] }),
];

const DEVINF = {
  VerDTD: '1.2', Man: 'ACME', Mod: 'X1', HwV: 'R2B', FwV: 'F1', SwV: 'S1', DevID: 'IMEI:1', DevTyp: 'phone',
  DataStores: [{ SourceRef: './contacts', RxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, TxPref: { CTType: 'text/x-vcard', VerCT: '2.1' }, SyncCap: ['1', '2'] }],
};

/** An engine whose profile lookup records the name of every profile it chose. */
function profiledRig(): Rig & { chosen: string[] } {
  const set = buildProfileSet(DOCS.map((json) => ({ file: `${json.name}.json`, json })));
  const chosen: string[] = [];
  const profiles: ProfileLookup = {
    has: (n) => set.has(n),
    resolve: (n) => set.resolve(n),
    match: (input) => {
      const p = matchProfile(set, input).profile;
      chosen.push(p.name);
      return p;
    },
  };
  const store = openMemoryStore();
  const engine = new SyncEngine({
    store, content: createContentHandlers(), config: CONFIG, profiles,
    random: (n) => new Uint8Array(n),
    shared: { locks: new MemoryDatastoreLocks(), lockout: new Lockout() },
    userNames: () => store.listUsers().map((u) => u.name),
  });
  return { store, engine, chosen };
}

describe('the engine matches profiles on DevInf HwV', () => {
  test('a DevInf Put selects the model profile its HwV names', () => {
    const r = profiledRig();
    const c = new Client(r);
    const put = make.put([make.item({ source: './devinf12', data: DEVINF as never })], { Meta: { Type: 'application/vnd.syncml-devinf+wbxml' } });
    c.send([put, c.alert(201, undefined, 'n1')]);
    assert.equal(r.chosen.at(-1), 'acme/10-rev2');
    // and the store records the profile this DevInf selected, not the one before it
    assert.equal(r.store.getDevice(c.device)?.profile, 'acme/10-rev2');
  });

  test('the DevInf the store kept selects it in the next session', () => {
    const r = profiledRig();
    r.store.saveDevice({ id: 'IMEI:1', user: 'local', devinf: DEVINF, devinfDigest: 'd', profile: null, lastSeen: 1 });
    const c = new Client(r);
    c.send([c.alert(201, undefined, 'n1')]);
    assert.deepEqual(r.chosen, ['acme/10-rev2']);
  });
});
