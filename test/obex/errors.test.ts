// Every OBEX error code is stable, unique and carries a response code.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObexError } from '../../src/errors.js';
import { OBEX_ERR, obexError } from '../../src/obex/index.js';

test('OBEX_ERR codes are unique and SB_ERR_OBEX_ prefixed', () => {
  const codes = Object.values(OBEX_ERR);
  assert.equal(new Set(codes).size, codes.length);
  for (const c of codes) assert.match(c, /^SB_ERR_OBEX_[A-Z_]+$/);
});

test('obexError builds an ObexError with response and offset', () => {
  const e = obexError(OBEX_ERR.TRUNCATED, 'x', undefined, 4);
  assert.ok(e instanceof ObexError);
  assert.equal(e.name, 'ObexError');
  assert.equal(e.obexResponse, 0xc0);
  assert.equal(e.offset, 4);
  const f = obexError(OBEX_ERR.MESSAGE_TOO_LARGE, 'y', 0xcd);
  assert.equal(f.obexResponse, 0xcd);
  assert.equal(f.offset, undefined);
});
