// The pump in process: our own ObexClient plays the phone over a real TCP link, a stub HTTP
// server plays the upstream. Covers what the e2e run cannot look into: debug dumps and their
// redaction, the OBEX error on an unreachable upstream, the resend cache across links, shutdown.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { SAMPLES } from '../helpers/peers.js';
import { ObexClient, type ObexClientAction } from '../../src/obex/index.js';
import { connectTcp, listenTcp, type TcpLinkListener } from '../../src/transport/tcp.js';
import type { Link } from '../../src/transport/link.js';
import { createLogger } from '../../src/daemon/log.js';
import { LinkPump } from '../../src/daemon/pump.js';
import { SessionRegistry } from '../../src/daemon/session-registry.js';
import { decodeMessage } from '../../src/syncml/index.js';

const WBXML = 'application/vnd.syncml+wbxml';
const XML = 'application/vnd.syncml+xml';
const sample = (name: string): Uint8Array => new Uint8Array(readFileSync(join(SAMPLES, 'syncml12-wbxml', name)));
const CLIENT1 = sample('slow-001-client.wbxml');
const SERVER1 = sample('slow-001-server.wbxml');

const closers: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of closers.reverse()) await c();
});

/** A phone built on our ObexClient over one TCP link: each call resolves with the relevant action. */
class TestPhone {
  readonly #client = new ObexClient({ maxPacketLength: 512, timeoutMs: 30_000 });
  readonly #link: Link;
  #waiting: ((a: ObexClientAction) => boolean) | undefined;
  #closed = false;

  constructor(link: Link) {
    this.#link = link;
    link.stream.on('data', (b: Buffer) => this.#handle(this.#client.feed(new Uint8Array(b), Date.now())));
    link.stream.on('close', () => { this.#closed = true; this.#waiting?.({ kind: 'close', reason: 'protocol' }); });
  }

  get closed(): boolean {
    return this.#closed;
  }

  #handle(actions: ObexClientAction[]): void {
    for (const a of actions) {
      if (a.kind === 'send') this.#link.stream.write(a.bytes);
      else if (this.#waiting?.(a) === true) this.#waiting = undefined;
    }
  }

  #until(start: () => ObexClientAction[], done: (a: ObexClientAction) => boolean): Promise<ObexClientAction> {
    return new Promise((resolveAction) => {
      this.#waiting = (a) => {
        if (a.kind === 'error' || a.kind === 'close' || done(a)) { resolveAction(a); return true; }
        return false;
      };
      this.#handle(start());
    });
  }

  connect(): Promise<ObexClientAction> { return this.#until(() => this.#client.connect(Date.now()), (a) => a.kind === 'connected'); }
  put(type: string, body: Uint8Array): Promise<ObexClientAction> { return this.#until(() => this.#client.put(type, body, Date.now()), (a) => a.kind === 'put-done'); }
  get(type: string): Promise<ObexClientAction> { return this.#until(() => this.#client.get(type, Date.now()), (a) => a.kind === 'message'); }
  disconnect(): Promise<ObexClientAction> { return this.#until(() => this.#client.disconnect(Date.now()), (a) => a.kind === 'disconnected'); }
  drop(): void { this.#link.stream.destroy(); }
}

/** Stub upstream: answers every POST with `reply` (WBXML) and records the requests. */
async function stubUpstream(reply: Uint8Array): Promise<{ url: URL; posts: { type: string; body: Buffer; url: string }[]; port: number }> {
  const posts: { type: string; body: Buffer; url: string }[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      posts.push({ type: String(req.headers['content-type']), body: Buffer.concat(chunks), url: req.url ?? '' });
      res.writeHead(200, { 'content-type': WBXML, 'content-length': reply.length });
      res.end(reply);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  closers.push(() => new Promise<void>((r) => { server.closeAllConnections(); server.close(() => r()); }));
  const port = (server.address() as AddressInfo).port;
  return { url: new URL(`http://127.0.0.1:${port}/syncevolution`), posts, port };
}

/** A listener whose links are pumped; log lines collected as JSON objects. */
async function bridge(upstream: URL, extra: { retries?: number } = {}): Promise<{ listener: TcpLinkListener; pumps: LinkPump[]; lines: () => Record<string, unknown>[] }> {
  const sink = new PassThrough();
  let text = '';
  sink.on('data', (b: Buffer) => { text += b.toString(); });
  const log = createLogger({ level: 'debug', format: 'json', destination: sink });
  const registry = new SessionRegistry({ agent: { upstream, retries: extra.retries ?? 0, retryDelayMs: 1 } });
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  const pumps: LinkPump[] = [];
  listener.onLink((link) => pumps.push(new LinkPump({ link, log, registry })));
  closers.push(async () => { for (const p of pumps) p.close(); await listener.close(); });
  return { listener, pumps, lines: () => text.split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function phoneOn(listener: TcpLinkListener): Promise<TestPhone> {
  const phone = new TestPhone(await connectTcp('127.0.0.1', listener.port));
  closers.push(() => phone.drop());
  return phone;
}

describe('LinkPump with a stub upstream', () => {
  test('one exchange: bytes relayed, reply served in the GET Type\'s encoding, debug dumps with Cred redacted', async () => {
    const up = await stubUpstream(SERVER1);
    const b = await bridge(up.url);
    const phone = await phoneOn(b.listener);
    assert.equal((await phone.connect()).kind, 'connected');
    assert.equal((await phone.put(WBXML, CLIENT1)).kind, 'put-done');
    const got = await phone.get(XML);
    assert.equal(got.kind, 'message');
    assert.equal(up.posts.length, 1);
    assert.deepEqual(new Uint8Array(up.posts[0]!.body), CLIENT1, 'the phone\'s bytes, untouched');
    assert.equal(up.posts[0]!.type, WBXML);
    const xml = decodeMessage((got as { body: Uint8Array }).body);
    assert.equal(xml.encoding, 'xml', 'the GET asked for XML');
    assert.equal(xml.message.SyncHdr.SessionID, decodeMessage(SERVER1).message.SyncHdr.SessionID);
    assert.equal((await phone.disconnect()).kind, 'disconnected');

    const lines = b.lines();
    const all = JSON.stringify(lines);
    assert.ok(lines.some((l) => String(l.msg).startsWith('OBEX packet in\n00000000  ')), 'hexdump of packets in');
    assert.ok(lines.some((l) => String(l.msg).startsWith('OBEX packet out\n00000000  ')), 'hexdump of packets out');
    assert.ok(lines.some((l) => String(l.msg).includes('<SyncML') && String(l.msg).includes('<Cred>')), 'the SyncML message as XML');
    const cred = decodeMessage(CLIENT1).message.SyncHdr.Cred!.Data;
    assert.equal(typeof cred, 'string');
    assert.ok(!all.includes(cred as string), 'the Cred data never reaches the log');
    assert.ok(all.includes('[redacted]'));
    const outcome = lines.find((l) => l.outcome !== undefined)?.outcome as Record<string, unknown>;
    assert.equal(outcome.device, decodeMessage(CLIENT1).message.SyncHdr.Source.LocURI);
    assert.equal(outcome.mode, 'passthrough');
    assert.equal(outcome.messages, 1);
    assert.equal(outcome.result, 'disconnected', 'the SyncML session did not end');
    const withContext = lines.find((l) => l.msg === 'POST upstream')!;
    assert.equal(withContext.device, outcome.device);
    assert.equal(typeof withContext.link, 'string');
    assert.equal(withContext.session, decodeMessage(CLIENT1).message.SyncHdr.SessionID);
  });

  test('upstream unreachable: the GET is answered 0xD3, the link stays usable, the outcome says why', async () => {
    const up = await stubUpstream(SERVER1);
    const deadUrl = new URL(`http://127.0.0.1:${up.port}/x`);
    await closers.pop()!(); // stop the stub: connections are refused now
    const b = await bridge(deadUrl, { retries: 1 });
    const phone = await phoneOn(b.listener);
    await phone.connect();
    assert.equal((await phone.put(WBXML, CLIENT1)).kind, 'put-done');
    const got = await phone.get(WBXML);
    assert.equal(got.kind, 'error');
    assert.equal((got as { error: { obexResponse?: number } }).error.obexResponse, 0xd3);
    assert.equal(phone.closed, false);
    assert.equal((await phone.put(WBXML, CLIENT1)).kind, 'put-done', 'the OBEX session goes on');
    assert.equal((await phone.get(WBXML)).kind, 'error');
    await phone.disconnect();
    const lines = b.lines();
    assert.equal(lines.filter((l) => String(l.msg).startsWith('upstream POST failed before any reply byte')).length, 2, 'one resend per message');
    const outcome = lines.find((l) => l.outcome !== undefined)?.outcome as Record<string, unknown>;
    assert.equal(outcome.result, 'upstream-unreachable');
  });

  test('a message resent on a new link after the old one dropped is answered without a second POST', async () => {
    const up = await stubUpstream(SERVER1);
    const b = await bridge(up.url);
    const first = await phoneOn(b.listener);
    await first.connect();
    await first.put(WBXML, CLIENT1);
    first.drop();
    await b.pumps[0]!.done;
    const second = await phoneOn(b.listener);
    await second.connect();
    await second.put(WBXML, CLIENT1);
    const got = await second.get(WBXML);
    assert.equal(got.kind, 'message');
    assert.deepEqual((got as { body: Uint8Array }).body, SERVER1);
    assert.equal(up.posts.length, 1, 'nothing duplicated upstream');
    const lines = b.lines();
    assert.ok(lines.some((l) => String(l.msg).startsWith('phone resent a message')));
    const results = lines.filter((l) => l.outcome !== undefined).map((l) => (l.outcome as Record<string, unknown>).result);
    assert.deepEqual(results, ['link closed']);
  });

  test('shutdown closes a link mid-session without DISCONNECT and logs its outcome', async () => {
    const up = await stubUpstream(SERVER1);
    const b = await bridge(up.url);
    const phone = await phoneOn(b.listener);
    await phone.connect();
    await phone.put(WBXML, CLIENT1);
    b.pumps[0]!.close('shutdown');
    await b.pumps[0]!.done;
    assert.deepEqual(b.pumps[0]!.outcomes.map((o) => o.result), ['shutdown']);
    assert.equal(b.pumps[0]!.outcomes[0]!.messages, 1);
  });
});
