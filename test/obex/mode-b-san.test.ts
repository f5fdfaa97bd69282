// SAN fixture for DS 1.2 (the binary form Mode B sends first): encode, decode, digest by the formula.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import { SAN_CONTENT_TYPE, SAN_INITIATOR, SAN_UI_MODE, decodeSan, encodeSan, verifySanDigest, type San } from '../../src/obex/index.js';
import { loadHex } from '../helpers/hex.js';

const FIXTURE = loadHex(new URL('../fixtures/obex/san-12-two-stores.hex', import.meta.url));
const SAN: San = {
  version: 12, uiMode: SAN_UI_MODE.BACKGROUND, initiator: SAN_INITIATOR.SERVER, sessionId: 0x1234, serverId: 'PC Suite',
  syncs: [
    { syncType: 206, contentType: SAN_CONTENT_TYPE.TEXT_X_VCARD, serverUri: 'Contacts' },
    { syncType: 210, contentType: SAN_CONTENT_TYPE.TEXT_X_VCALENDAR, serverUri: 'Calendar' },
  ],
  vendor: Uint8Array.of(0xde, 0xad, 0x01),
};
const CREDS = { identity: 'PC Suite:secret', nonce: 'SyncEvolution' };

test('1.2 SAN with two stores and vendor bytes matches the annotated fixture both ways', () => {
  assert.deepEqual(encodeSan(SAN, CREDS), FIXTURE);
  const { digest, ...rest } = decodeSan(FIXTURE);
  assert.deepEqual(rest, SAN);
  assert.equal(digest.length, 16);
});

test('the fixture digest follows the spec formula, computed here independently', () => {
  const md5 = (x: Uint8Array | string): Buffer => createHash('md5').update(x).digest();
  const want = md5(`${md5(CREDS.identity).toString('base64')}:${CREDS.nonce}:${md5(FIXTURE.subarray(16)).toString('base64')}`);
  assert.deepEqual(FIXTURE.subarray(0, 16), new Uint8Array(want));
  assert.ok(verifySanDigest(FIXTURE, CREDS));
  assert.ok(!verifySanDigest(FIXTURE, { ...CREDS, identity: 'PC Suite:wrong' }));
});
