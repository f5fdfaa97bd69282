// Every error class checked the same way (undici's test/errors.js pattern): name, default
// code, wire status, offset, cause, and instanceof across the tree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  BridgeError, WbxmlError, XmlError, SyncmlError, ObexError, TransportError, StoreError, ConfigError,
} from '../src/errors.js';

const CASES = [
  { cls: BridgeError, code: 'SB_ERR', status: undefined },
  { cls: WbxmlError, code: 'SB_ERR_WBXML', status: 400 },
  { cls: XmlError, code: 'SB_ERR_XML', status: 400 },
  { cls: SyncmlError, code: 'SB_ERR_SYNCML', status: 400 },
  { cls: ObexError, code: 'SB_ERR_OBEX', status: undefined },
  { cls: TransportError, code: 'SB_ERR_TRANSPORT', status: undefined },
  { cls: StoreError, code: 'SB_ERR_STORE', status: 510 },
  { cls: ConfigError, code: 'SB_ERR_CONFIG', status: undefined },
] as const;

for (const { cls, code, status } of CASES) {
  test(`${cls.name}: name, default code, default status`, () => {
    const e = new cls('boom');
    assert.equal(e.name, cls.name);
    assert.equal(e.code, code);
    assert.equal(e.message, 'boom');
    assert.equal(e.syncmlStatus, status);
    assert.ok(e instanceof BridgeError);
    assert.ok(e instanceof Error);
    assert.ok(e instanceof cls);
  });

  test(`${cls.name}: code, offset, statuses and cause are carried`, () => {
    const cause = new Error('inner');
    const e = new cls('boom', 'SB_ERR_X', { offset: 17, syncmlStatus: 412, obexResponse: 0xc0, cause });
    assert.equal(e.code, 'SB_ERR_X');
    assert.equal(e.offset, 17);
    assert.equal(e.syncmlStatus, 412);
    assert.equal(e.obexResponse, 0xc0);
    assert.equal(e.cause, cause);
  });
}

test('instanceof separates sibling classes', () => {
  assert.ok(!(new WbxmlError('x') instanceof XmlError));
  assert.ok(!(new Error('x') instanceof BridgeError));
  assert.ok(!({} instanceof BridgeError));
});
