import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SAMPLES } from '../helpers/peers.js';
import { PassthroughSession, countSyncItems, endsSession } from '../../src/relay/index.js';
import { adaptMessageForEncoding, decodeMessage } from '../../src/syncml/index.js';

const WBXML = 'application/vnd.syncml+wbxml';
const XML = 'application/vnd.syncml+xml';
const sample = (dir: string, name: string): Uint8Array => new Uint8Array(readFileSync(join(SAMPLES, dir, name)));
const w = (name: string): Uint8Array => sample('syncml12-wbxml', `${name}.wbxml`);
const x = (name: string): Uint8Array => sample('syncml12-xml', `${name}.xml`);

describe('PassthroughSession: bytes as the phone sent them', () => {
  test('no conversion: the same bytes and the phone\'s Type go upstream and come back', () => {
    const s = new PassthroughSession();
    const body = w('slow-001-client');
    const up = s.fromPhone(body, `${WBXML}; charset=UTF-8`);
    assert.equal(up.body, body, 'the very same bytes');
    assert.equal(up.contentType, `${WBXML}; charset=UTF-8`);
    const reply = w('slow-001-server');
    const back = s.toPhone(reply, WBXML, WBXML);
    assert.equal(back.body, reply);
    assert.equal(back.contentType, WBXML);
    assert.equal(back.respUri, 'http://127.0.0.1:9104/syncevolution?sessionid=5092574751795314022');
  });

  test('a phone message that is not SyncML is refused with 415', () => {
    const s = new PassthroughSession();
    assert.throws(() => s.fromPhone(new TextEncoder().encode('BEGIN:VCARD'), 'text/x-vcard'), (e: Error & { syncmlStatus?: number }) => e.syncmlStatus === 415);
  });
});

describe('PassthroughSession: converting between WBXML and XML', () => {
  test('XML phone, WBXML upstream: the model survives both ways', () => {
    const s = new PassthroughSession({ upstreamEncoding: 'wbxml' });
    const phoneMsg = x('slow-002-client');
    const up = s.fromPhone(phoneMsg, XML);
    assert.equal(up.contentType, WBXML);
    const sent = decodeMessage(up.body, { contentType: WBXML });
    assert.equal(sent.encoding, 'wbxml');
    const original = decodeMessage(phoneMsg, { contentType: XML }).message;
    assert.deepEqual(sent.message, adaptMessageForEncoding(original, 'wbxml'));

    // The upstream answers WBXML; the phone's GET asks for XML.
    const upReply = w('slow-002-server');
    const back = s.toPhone(upReply, WBXML, XML);
    assert.equal(back.contentType, XML);
    const got = decodeMessage(back.body, { contentType: XML });
    assert.equal(got.encoding, 'xml');
    assert.deepEqual(got.message, adaptMessageForEncoding(decodeMessage(upReply).message, 'xml'));
  });

  test('without a GET Type the reply goes back in the encoding of the phone\'s PUT', () => {
    const s = new PassthroughSession({ upstreamEncoding: 'xml' });
    s.fromPhone(w('slow-001-client'), WBXML);
    const back = s.toPhone(x('slow-001-server'), XML);
    assert.equal(back.contentType, WBXML);
    assert.equal(decodeMessage(back.body).encoding, 'wbxml');
  });

  test('a reply that does not decode cannot be converted: an error, not garbage', () => {
    const s = new PassthroughSession({ upstreamEncoding: 'xml' });
    s.fromPhone(w('slow-001-client'), WBXML);
    assert.throws(() => s.toPhone(new TextEncoder().encode('<?xml version="1.0"?><SyncML><broken'), XML));
  });
});

describe('PassthroughSession: session facts for the outcome line', () => {
  test('a real slow sync: device, session, messages, items both ways, end', () => {
    const s = new PassthroughSession();
    for (let i = 1; i <= 3; i++) {
      s.fromPhone(w(`slow-00${i}-client`), WBXML);
      assert.equal(s.facts.ended, false);
      s.toPhone(w(`slow-00${i}-server`), WBXML, WBXML);
    }
    const f = s.facts;
    const first = decodeMessage(w('slow-001-client')).message;
    assert.equal(f.device, first.SyncHdr.Source.LocURI);
    assert.equal(f.sessionId, first.SyncHdr.SessionID);
    assert.equal(f.messages, 3);
    assert.equal(f.itemsFromPhone, 3, 'three Adds from the phone');
    assert.equal(f.itemsToPhone, 0);
    assert.equal(f.ended, true, 'the last server message is final and holds only Status');
  });

  test('a reply served again for a resent message does not count twice', () => {
    const s = new PassthroughSession();
    s.fromPhone(w('twoway-002-client'), WBXML);
    s.toPhone(w('twoway-002-server'), WBXML, WBXML);
    s.toPhone(w('twoway-002-server'), WBXML, WBXML, false);
    assert.equal(s.facts.itemsToPhone, 1);
    assert.equal(s.facts.messages, 1);
  });

  test('countSyncItems counts Add/Replace/Delete inside Sync only; endsSession needs Final and only Status', () => {
    const twoWayServer = decodeMessage(w('twoway-002-server')).message;
    assert.equal(countSyncItems(twoWayServer.SyncBody.commands), 1, 'the server edit');
    assert.equal(countSyncItems(decodeMessage(w('slow-001-client')).message.SyncBody.commands), 0, 'Put/Get/Alert are not items');
    assert.equal(endsSession(decodeMessage(w('slow-001-server')).message), false);
    assert.equal(endsSession(decodeMessage(w('slow-003-server')).message), true);
  });
});
