// ModeBDriver (bridge = OBEX client + SyncML server) paired with our ObexServer machine playing the phone.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  OBEX_HEADER, OBEX_OPCODE, OBEX_RESPONSE, ObexServer, SYNCML_CONTENT_TYPE, decodeRequest, encodePacket, encodeSan, findType,
  type ObexServerAction,
} from '../../src/obex/index.js';
import { MODE_B_ERR, ModeBDriver, SAN_FALLBACK_RESPONSES, type ModeBAction } from '../../src/obex/mode-b.js';
import { encodeMessage } from '../../src/syncml/index.js';
import { legacySanMessage } from '../../src/syncml/san-legacy.js';

const BINARY_SAN = encodeSan({ version: 12, uiMode: 0, initiator: 1, sessionId: 1, serverId: 'PC Suite', syncs: [{ syncType: 206, contentType: 7, serverUri: 'Contacts' }], vendor: new Uint8Array(0) });
const LEGACY_SAN = encodeMessage(legacySanMessage({ version: '1.1', sessionId: '1', serverId: 'PC Suite', syncs: [{ alert: 206, serverUri: 'Contacts', contentType: 'text/x-vcard' }] }), 'wbxml');

/** Deterministic bytes of one size, tagged so messages differ. */
function blob(size: number, tag: number): Uint8Array {
  const b = new Uint8Array(size);
  for (let i = 0; i < size; i++) b[i] = (i * 31 + tag * 7) & 0xff;
  return b;
}

interface Phone {
  /** Bodies the phone received by PUT, with their Type. */
  readonly received: Array<{ type: string | undefined; body: Uint8Array }>;
  /** Server actions other than send. */
  readonly events: ObexServerAction[];
  disconnected: boolean;
}

interface Run {
  readonly phone: Phone;
  readonly driver: ModeBAction[];
  readonly requestCodes: number[];
  /** Raw values of every Type header the driver sent. */
  readonly typeHeaders: Uint8Array[];
}

/**
 * Run a session: `phoneMessages[i]` is what the phone answers its i-th GET with; the bridge
 * replies to phone message i with `replies[i]`, the last one flagged `last`. `refuse(type)` returns
 * a response code to answer a PUT with instead of the server machine (a phone refusing a Type).
 */
function run(driver: ModeBDriver, server: ObexServer, phoneMessages: Uint8Array[], replies: Uint8Array[], refuse?: (type: string | undefined) => number | undefined): Run {
  const phone: Phone = { received: [], events: [], disconnected: false };
  const log: ModeBAction[] = [];
  const requestCodes: number[] = [];
  const typeHeaders: Uint8Array[] = [];
  let gets = 0;
  let replyIdx = 0;
  let now = 0;
  let toPhone = driver.start(now);
  for (let round = 0; round < 100_000 && toPhone.length > 0; round++) {
    now++;
    const fromPhone: Uint8Array[] = [];
    const next: ModeBAction[] = [];
    for (const a of toPhone) {
      log.push(a);
      if (a.kind === 'phone-message') {
        const r = replies[replyIdx++];
        assert.ok(r, 'more phone messages than replies');
        next.push(...driver.reply(r, { last: replyIdx === replies.length }, now));
        continue;
      }
      if (a.kind !== 'send') continue;
      const req = decodeRequest(a.bytes);
      requestCodes.push(req.code);
      for (const h of req.headers) if (h.id === OBEX_HEADER.TYPE && h.kind === 'bytes') typeHeaders.push(h.value);
      const refusal = (req.code & 0x7f) === OBEX_OPCODE.PUT ? refuse?.(findType(req.headers)?.type) : undefined;
      if (refusal !== undefined) { fromPhone.push(encodePacket({ code: refusal, headers: [] })); continue; }
      // split every packet in two writes to exercise both framers
      const mid = a.bytes.length >> 1;
      const acts = [...server.feed(a.bytes.subarray(0, mid), now), ...server.feed(a.bytes.subarray(mid), now)];
      for (const s of acts) {
        if (s.kind === 'send') { fromPhone.push(s.bytes); continue; }
        phone.events.push(s);
        if (s.kind === 'message') phone.received.push({ type: s.type, body: s.body });
        if (s.kind === 'disconnected') phone.disconnected = true;
        if (s.kind === 'waiting-for-reply') {
          const m = phoneMessages[gets++];
          for (const r of m === undefined ? server.replyError(OBEX_RESPONSE.SERVICE_UNAVAILABLE, now) : server.reply(m, now)) {
            if (r.kind === 'send') fromPhone.push(r.bytes);
          }
        }
      }
    }
    for (const bytes of fromPhone) next.push(...driver.feed(bytes, now));
    toPhone = next;
    // a retry after 0xC3 waits for its time: the clock jumps there (one early tick sends nothing)
    if (toPhone.length === 0 && driver.state === 'san-wait') {
      const wait = log.findLast((a) => a.kind === 'san-forbidden');
      assert.ok(wait?.kind === 'san-forbidden');
      assert.deepEqual(driver.tick(wait.retryAt - 1), []);
      now = wait.retryAt;
      toPhone = driver.tick(now);
    }
  }
  return { phone, driver: log, requestCodes, typeHeaders };
}

for (const size of [255, 1024, 65535]) {
  test(`three round trips at packet size ${size}: SAN, GET, PUT, ..., DISCONNECT after the last PUT`, () => {
    const phoneMessages = [blob(3000, 1), blob(40, 2), blob(5000, 3)];
    const replies = [blob(2500, 11), blob(7000, 12), blob(10, 13)];
    const driver = new ModeBDriver({ san: { binary: BINARY_SAN, legacy: LEGACY_SAN }, client: { maxPacketLength: size } });
    const server = new ObexServer({ maxPacketLength: size });
    const { phone, driver: log, requestCodes, typeHeaders } = run(driver, server, phoneMessages, replies);
    // what the phone got: the 1.2 SAN with the notification Type, then each reply in the GET's encoding
    assert.equal(phone.received.length, 4);
    assert.equal(phone.received[0]!.type, SYNCML_CONTENT_TYPE.DS_NOTIFICATION);
    // every Type header went out NUL-terminated
    assert.ok(typeHeaders.length >= 7);
    for (const t of typeHeaders) assert.equal(t.at(-1), 0, new TextDecoder().decode(t));
    assert.deepEqual(phone.received[0]!.body, BINARY_SAN);
    for (let i = 0; i < 3; i++) {
      assert.equal(phone.received[i + 1]!.type, SYNCML_CONTENT_TYPE.WBXML);
      assert.deepEqual(phone.received[i + 1]!.body, replies[i]);
    }
    // what the bridge got: each phone message once, in order
    const got = log.filter((a) => a.kind === 'phone-message');
    assert.deepEqual(got.map((a) => a.body), phoneMessages);
    assert.ok(log.some((a) => a.kind === 'san-accepted' && a.version === '1.2'));
    assert.equal(log.at(-1)?.kind, 'done');
    assert.equal(driver.state, 'done');
    assert.ok(phone.disconnected);
    // no GET after the last PUT: the request before DISCONNECT is the final PUT
    assert.equal(requestCodes.at(-1), OBEX_OPCODE.DISCONNECT);
    assert.equal(requestCodes.at(-2), OBEX_OPCODE.PUT_FINAL);
    assert.equal(requestCodes.filter((c) => c === OBEX_OPCODE.GET_FINAL).length >= 3, true);
    assert.ok(!log.some((a) => a.kind === 'error'));
  });
}

test('SAN fallback: the phone refuses the notification Type, the legacy SAN goes out with the SyncML Type', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN, legacy: LEGACY_SAN } });
  const server = new ObexServer();
  const refuse = (t: string | undefined): number | undefined => (t === SYNCML_CONTENT_TYPE.DS_NOTIFICATION ? OBEX_RESPONSE.UNSUPPORTED_MEDIA_TYPE : undefined);
  const { phone, driver: log } = run(driver, server, [blob(100, 1)], [blob(100, 2)], refuse);
  assert.ok(log.some((a) => a.kind === 'san-fallback' && a.response === OBEX_RESPONSE.UNSUPPORTED_MEDIA_TYPE));
  assert.ok(log.some((a) => a.kind === 'san-accepted' && a.version === 'legacy'));
  assert.equal(phone.received[0]!.type, SYNCML_CONTENT_TYPE.WBXML);
  assert.deepEqual(phone.received[0]!.body, LEGACY_SAN);
  assert.equal(log.at(-1)?.kind, 'done');
});

test('every fallback code triggers the legacy SAN; 0xC3 Forbidden does not and hints at a dialog', () => {
  for (const code of [...SAN_FALLBACK_RESPONSES, OBEX_RESPONSE.FORBIDDEN]) {
    const driver = new ModeBDriver({ san: { binary: BINARY_SAN, legacy: LEGACY_SAN } });
    const refuse = (t: string | undefined): number | undefined => (t === SYNCML_CONTENT_TYPE.DS_NOTIFICATION ? code : undefined);
    const { driver: log } = run(driver, new ObexServer(), [blob(10, 1)], [blob(10, 2)], refuse);
    if (code === OBEX_RESPONSE.FORBIDDEN) {
      const err = log.find((a) => a.kind === 'error');
      assert.ok(err?.kind === 'error');
      assert.equal(err.stage, 'san');
      assert.equal(err.error.obexResponse, 0xc3);
      assert.match(err.error.message, /dialog/);
      assert.equal(log.at(-1)?.kind, 'close');
    } else {
      assert.ok(log.some((a) => a.kind === 'san-fallback'), `0x${code.toString(16)}`);
      assert.equal(log.at(-1)?.kind, 'done', `0x${code.toString(16)}`);
    }
  }
});

test('0xC3 to the SAN (a dialog on the phone): the same SAN again after the delay, then the session runs', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN, legacy: LEGACY_SAN }, forbiddenRetry: { attempts: 3, delayMs: 5000 } });
  let refusals = 0;
  const refuse = (t: string | undefined): number | undefined => (t === SYNCML_CONTENT_TYPE.DS_NOTIFICATION && refusals++ < 2 ? OBEX_RESPONSE.FORBIDDEN : undefined);
  const { phone, driver: log } = run(driver, new ObexServer(), [blob(10, 1)], [blob(10, 2)], refuse);
  assert.deepEqual(log.filter((a) => a.kind === 'san-forbidden').map((a) => a.kind === 'san-forbidden' && a.attempt), [1, 2]);
  assert.ok(!log.some((a) => a.kind === 'san-fallback'), 'a dialog is not a reason for the legacy SAN');
  assert.ok(log.some((a) => a.kind === 'san-accepted' && a.version === '1.2'));
  assert.deepEqual(phone.received[0]!.body, BINARY_SAN);
  assert.equal(log.at(-1)?.kind, 'done');
});

test('0xC3 to the SAN more often than the retries allow: a dialog error that counts the tries', () => {
  const driver = new ModeBDriver({ san: { legacy: LEGACY_SAN }, forbiddenRetry: { attempts: 2, delayMs: 1000 } });
  const { phone, driver: log } = run(driver, new ObexServer(), [blob(10, 1)], [blob(10, 2)], () => OBEX_RESPONSE.FORBIDDEN);
  assert.equal(log.filter((a) => a.kind === 'san-forbidden').length, 2);
  const err = log.find((a) => a.kind === 'error');
  assert.ok(err?.kind === 'error');
  assert.equal(err.stage, 'san');
  assert.equal(err.error.obexResponse, 0xc3);
  assert.match(err.error.message, /3 times.*dialog/);
  assert.equal(phone.received.length, 0);
  assert.equal(log.at(-1)?.kind, 'close');
});

test('SAN refused both ways: one error naming both, with the phone response code', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN, legacy: LEGACY_SAN } });
  const { driver: log } = run(driver, new ObexServer(), [], [], () => OBEX_RESPONSE.NOT_ACCEPTABLE);
  const errs = log.filter((a) => a.kind === 'error');
  assert.equal(errs.length, 1);
  const e = errs[0]!;
  assert.ok(e.kind === 'error');
  assert.equal(e.error.code, MODE_B_ERR.SAN_REFUSED);
  assert.equal(e.error.obexResponse, OBEX_RESPONSE.NOT_ACCEPTABLE);
  assert.match(e.error.message, /both the 1\.2 and the legacy SAN/);
  assert.equal(driver.state, 'failed');
});

test('a profile forcing the legacy SAN sends only it; forcing 1.2 gets no fallback', () => {
  const legacyOnly = new ModeBDriver({ san: { legacy: LEGACY_SAN }, getType: SYNCML_CONTENT_TYPE.XML });
  const a = run(legacyOnly, new ObexServer(), [blob(10, 1)], [blob(10, 2)]);
  assert.equal(a.phone.received[0]!.type, SYNCML_CONTENT_TYPE.XML);
  assert.deepEqual(a.phone.received[0]!.body, LEGACY_SAN);
  assert.equal(a.driver.at(-1)?.kind, 'done');

  const binaryOnly = new ModeBDriver({ san: { binary: BINARY_SAN } });
  const b = run(binaryOnly, new ObexServer(), [], [], () => OBEX_RESPONSE.BAD_REQUEST);
  assert.ok(!b.driver.some((x) => x.kind === 'san-fallback'));
  const e = b.driver.find((x) => x.kind === 'error');
  assert.ok(e?.kind === 'error');
  assert.match(e.error.message, /refused the 1\.2 SAN/);
});

test('refused CONNECT (phone has no SYNCML-SYNC service) is an error with the response code', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN } });
  const { driver: log } = run(driver, new ObexServer({ targets: ['SYNCML-DM'] }), [], []);
  const e = log.find((a) => a.kind === 'error');
  assert.ok(e?.kind === 'error');
  assert.equal(e.stage, 'connect');
  assert.equal(e.error.obexResponse, OBEX_RESPONSE.NOT_FOUND);
  assert.match(e.error.message, /refused CONNECT/);
});

test('the phone answering a GET with an error ends the session with that code', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN } });
  // no phone message: the server machine answers the GET 0xD3
  const { driver: log } = run(driver, new ObexServer(), [], []);
  const e = log.find((a) => a.kind === 'error');
  assert.ok(e?.kind === 'error');
  assert.equal(e.stage, 'get');
  assert.equal(e.error.obexResponse, OBEX_RESPONSE.SERVICE_UNAVAILABLE);
  assert.equal(log.at(-1)?.kind, 'close');
});

test('timeout via tick, link closed, and bounds', () => {
  const driver = new ModeBDriver({ san: { binary: BINARY_SAN }, client: { timeoutMs: 1000 } });
  driver.start(0);
  assert.deepEqual(driver.tick(999), []);
  const t = driver.tick(1000);
  assert.ok(t[0]?.kind === 'error');
  assert.equal(t[0].stage, 'connect');
  assert.equal(t.at(-1)?.kind, 'close');
  assert.deepEqual(driver.linkClosed(), [], 'nothing more after the session failed');

  const d2 = new ModeBDriver({ san: { binary: BINARY_SAN } });
  d2.start(0);
  const c = d2.linkClosed();
  assert.ok(c[0]?.kind === 'error');
  assert.equal(c[0].error.code, MODE_B_ERR.LINK_CLOSED);
  assert.deepEqual(d2.reply(blob(10, 1), { last: true }, 1), [], 'a late reply after failure is dropped');

  assert.throws(() => new ModeBDriver({ san: {} }), /needs a SAN/);
  assert.throws(() => new ModeBDriver({ san: { binary: blob(200, 1) }, maxMessageBytes: 100 }), /SAN of 200 bytes/);
  // a phone message over the bound is refused, and a reply over it throws
  const small = new ModeBDriver({ san: { binary: BINARY_SAN }, maxMessageBytes: 1000 });
  const { driver: log } = run(small, new ObexServer(), [blob(5000, 1)], [blob(10, 1)]);
  const e = log.find((a) => a.kind === 'error');
  assert.ok(e?.kind === 'error');
  assert.equal(e.stage, 'get');
  assert.match(e.error.code, /MESSAGE_TOO_LARGE/);
  const d3 = new ModeBDriver({ san: { binary: BINARY_SAN }, maxMessageBytes: 1000 });
  assert.throws(() => d3.reply(blob(10, 1), { last: true }, 0), /reply in state idle/);
});
