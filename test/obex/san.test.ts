// DS 1.2 binary SAN: fixture from protocol-notes 2.4, digests cross-checked with vphone.py build_san.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecCase, decodeCase, nvalCase, type Codec } from '../helpers/codec-cases.js';
import { hex, loadHex } from '../helpers/hex.js';
import {
  OBEX_ERR, SAN_CONTENT_TYPE, SAN_INITIATOR, SAN_UI_MODE, decodeSan, encodeSan, verifySanDigest, type DecodedSan, type San,
} from '../../src/obex/index.js';

const codec: Codec<DecodedSan> = { decode: decodeSan, encode: (s) => { const out = encodeSan(s); out.set(s.digest); return out; } };

const pcSuite: DecodedSan = {
  digest: new Uint8Array(16), version: 12, uiMode: SAN_UI_MODE.NOT_SPECIFIED, initiator: SAN_INITIATOR.SERVER, sessionId: 1,
  serverId: 'PC Suite', syncs: [{ syncType: 206, contentType: SAN_CONTENT_TYPE.TEXT_X_VCARD, serverUri: 'Contacts' }], vendor: new Uint8Array(0),
};
codecCase(codec, 'SAN 1.2 PC Suite, one vCard datastore', pcSuite, loadHex(new URL('../fixtures/obex/san-pc-suite.hex', import.meta.url)));

test('header bytes match protocol-notes 2.4', () => {
  const bytes = encodeSan({ ...pcSuite, syncs: [] });
  assert.deepEqual(Array.from(bytes.subarray(16, 32)), Array.from(hex(`03 08 00 00 00 00 01 08 50 43 20 53 75 69 74 65`)));
  assert.deepEqual(Array.from(bytes.subarray(0, 16)), new Array(16).fill(0), 'no credentials: 16 zero bytes (SYN)');
});

// vphone.py: build_san('PC Suite', [(206, 7, 'Contacts')], password='secret', nonce=b'SyncEvolution')
const VPHONE_1 = 'eef8a64e56653b5f77a8af2e6edd87b3 03080000000001085043205375697465106000000708436f6e7461637473';
// build_san('vphone-host', [(206, 7, 'addressbook'), (210, 0x0305, 'calendar')], session_id=0x1234, ui_mode=2, password='pw', nonce=b'n0nce')
const VPHONE_2 = '3515d4f7ccb94b13c4a8119dc7af9702 032800000012340b7670686f6e652d686f737420600000070b61646472657373626f6f6ba00003050863616c656e646172';

test('digest MD5(B64(MD5(id:pw)):nonce:B64(MD5(notification))) equals vphone build_san', () => {
  assert.deepEqual(encodeSan(pcSuite, { identity: 'PC Suite:secret', nonce: 'SyncEvolution' }), hex(VPHONE_1));
  const san: San = {
    version: 12, uiMode: SAN_UI_MODE.INFORMATIVE, initiator: 1, sessionId: 0x1234, serverId: 'vphone-host', vendor: new Uint8Array(0),
    syncs: [{ syncType: 206, contentType: 7, serverUri: 'addressbook' }, { syncType: 210, contentType: SAN_CONTENT_TYPE.TEXT_CALENDAR, serverUri: 'calendar' }],
  };
  assert.deepEqual(encodeSan(san, { identity: 'vphone-host:pw', nonce: new TextEncoder().encode('n0nce') }), hex(VPHONE_2));
  const d = decodeSan(hex(VPHONE_2));
  assert.deepEqual({ ...d, digest: undefined }, { ...san, digest: undefined });
  assert.equal(verifySanDigest(hex(VPHONE_2), { identity: 'vphone-host:pw', nonce: 'n0nce' }), true);
  assert.equal(verifySanDigest(hex(VPHONE_2), { identity: 'vphone-host:px', nonce: 'n0nce' }), false);
});

codecCase(codec, 'SAN 1.1 version field, zero syncs, vendor bytes', {
  digest: Uint8Array.from({ length: 16 }, (_, i) => i), version: 11, uiMode: 3, initiator: 0, sessionId: 0xfffe, serverId: '',
  syncs: [], vendor: Uint8Array.of(0xde, 0xad),
}, `00 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f   # any digest is accepted
    02 f0 00 00 00   # version 11 (0000001011), ui-mode 3, initiator user
    ff fe 00         # session 0xFFFE, empty server id
    00               # 0 syncs = all datastores
    de ad            # vendor specific`);
decodeCase(codec, 'SAN ending after the server id reads as no syncs', `${'00 '.repeat(16)} 02 80 00 00 00  00 01  00`, {
  digest: new Uint8Array(16), version: 10, uiMode: 0, initiator: 0, sessionId: 1, serverId: '', syncs: [], vendor: new Uint8Array(0),
});

nvalCase(codec, 'SAN shorter than its header', `${'00 '.repeat(16)} 03 08 00 00 00 00 01`, OBEX_ERR.SAN_TRUNCATED, 0);
nvalCase(codec, 'SAN version 13', `${'00 '.repeat(16)} 03 48 00 00 00 00 01 00`, OBEX_ERR.SAN_VERSION, 16);
nvalCase(codec, 'SAN server id past end', `${'00 '.repeat(16)} 03 08 00 00 00 00 01 05 41`, OBEX_ERR.SAN_TRUNCATED, 24);
nvalCase(codec, 'SAN sync entry truncated', `${'00 '.repeat(16)} 03 08 00 00 00 00 01 00 10 60 00 00`, OBEX_ERR.SAN_TRUNCATED, 25);
nvalCase(codec, 'SAN sync URI past end', `${'00 '.repeat(16)} 03 08 00 00 00 00 01 00 10 60 00 00 07 04 41`, OBEX_ERR.SAN_TRUNCATED, 30);

test('encodeSan refuses fields that do not fit their bits', () => {
  assert.throws(() => encodeSan({ ...pcSuite, sessionId: 0x10000 }), { code: OBEX_ERR.SAN_VALUE });
  assert.throws(() => encodeSan({ ...pcSuite, syncs: [{ syncType: 199, contentType: 7, serverUri: 'x' }] }), { code: OBEX_ERR.SAN_VALUE });
  assert.throws(() => encodeSan({ ...pcSuite, syncs: Array.from({ length: 16 }, () => ({ syncType: 206, contentType: 7, serverUri: 'x' })) }), { code: OBEX_ERR.SAN_VALUE });
  assert.throws(() => encodeSan({ ...pcSuite, serverId: 'x'.repeat(256) }), { code: OBEX_ERR.SAN_VALUE });
});
