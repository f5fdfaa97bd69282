// The live feed over a real HTTP server on port 0 with real `ws` clients.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setImmediate as tick } from 'node:timers/promises';
import { WebSocket } from 'ws';
import { LiveFeed, engineEventToFeed, makeFeedEvent, type FeedContext, type FeedMessage, type LiveFeedOptions } from '../../src/daemon/feed.js';
import type { EngineEvent } from '../../src/ds/types.js';

const CTX: FeedContext = { device: 'IMEI:351234567890123', session: 's1', link: 'serial:/dev/ttyACM0' };
const T0 = Date.UTC(2024, 4, 1, 12, 0, 0);

async function withFeed(options: LiveFeedOptions, body: (feed: LiveFeed, url: string, server: Server) => Promise<void>): Promise<void> {
  const feed = new LiveFeed({ pingIntervalMs: 0, ...options });
  const server = createServer((_req, res) => res.writeHead(404).end());
  feed.attach(server);
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const { port } = server.address() as AddressInfo;
  try {
    await body(feed, `ws://127.0.0.1:${port}`, server);
  } finally {
    await feed.close();
    server.closeAllConnections();
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  }
}

/** A subscriber that records every message; `live` resolves with the backlog once `feed:live` arrives. */
function subscribe(url: string, headers: Record<string, string> = {}): { ws: WebSocket; messages: FeedMessage[]; live: Promise<FeedMessage[]>; next: (channel: string) => Promise<FeedMessage> } {
  const ws = new WebSocket(url, { headers });
  const messages: FeedMessage[] = [];
  const waiters: { channel: string; resolve: (m: FeedMessage) => void }[] = [];
  ws.on('message', (data: Buffer) => {
    const m = JSON.parse(data.toString()) as FeedMessage;
    messages.push(m);
    for (const w of waiters.splice(0)) {
      if (w.channel === m.channel) w.resolve(m);
      else waiters.push(w);
    }
  });
  const next = (channel: string): Promise<FeedMessage> => new Promise((resolveNext, reject) => {
    waiters.push({ channel, resolve: resolveNext });
    ws.once('close', () => reject(new Error(`closed before ${channel}`)));
  });
  const live = next('feed:live').then(() => messages.slice(0, -1));
  live.catch(() => undefined);
  return { ws, messages, live, next };
}

test('engine events map to feed channels with the context, the datastore and the payload', () => {
  const cases: [EngineEvent, string, string | null, Record<string, unknown>][] = [
    [{ type: 'auth', ok: true, user: 'anna', method: 'md5', status: 212 }, 'session:auth', null, { ok: true, user: 'anna', method: 'md5', status: 212 }],
    [{ type: 'locked-out', key: 'anna', until: T0 + 60_000 }, 'session:locked-out', null, { key: 'anna', until: '2024-05-01T12:01:00.000Z' }],
    [{ type: 'devinf', man: 'Nokia', mod: '6230i', changed: true }, 'device:seen', null, { man: 'Nokia', mod: '6230i', changed: true }],
    [{ type: 'alert', kind: 'contacts', uri: 'Contacts', requested: 200, mode: 'slow', status: 508, reason: 'no anchors' }, 'datastore:alert', 'contacts', { uri: 'Contacts', requested: 200, mode: 'slow', status: 508, reason: 'no anchors' }],
    [{ type: 'item', kind: 'calendar', direction: 'to-client', op: 'add', status: 201, label: 'Dentist' }, 'datastore:item', 'calendar', { direction: 'to-client', op: 'add', status: 201, label: 'Dentist' }],
    [{ type: 'conflict', kind: 'contacts', guid: 'g1', resolution: 'server-wins' }, 'datastore:conflict', 'contacts', { guid: 'g1', resolution: 'server-wins' }],
    [{ type: 'progress', kind: 'contacts', direction: 'from-client', done: 3, expected: 10 }, 'session:progress', 'contacts', { direction: 'from-client', done: 3, expected: 10 }],
    [{ type: 'backup', kind: 'notes', name: undefined }, 'datastore:backup', 'notes', { name: undefined }],
    [{ type: 'refused', status: 406, reason: 'no such store' }, 'session:refused', null, { status: 406, reason: 'no such store' }],
    [{ type: 'end', ok: true, reason: 'done', datastores: [] }, 'session:end', null, { ok: true, reason: 'done', datastores: [] }],
  ];
  for (const [event, channel, datastore, payload] of cases) {
    const f = engineEventToFeed(event, CTX, T0);
    assert.deepEqual({ ...f }, {
      ...payload, channel, datastore, time: '2024-05-01T12:00:00.000Z',
      device: CTX.device, session: 's1', link: 'serial:/dev/ttyACM0',
    }, event.type);
    assert.equal('type' in f, false, `${event.type}: no engine type field`);
  }
  // A newer engine's event type still reaches the page.
  const odd = engineEventToFeed({ type: 'suspend', why: 'x' } as unknown as EngineEvent, {}, T0);
  assert.equal(odd.channel, 'engine:suspend');
  assert.equal(odd.why, 'x');
  assert.equal(odd.device, null);
  // The envelope wins over a payload field of the same name.
  assert.equal(makeFeedEvent('session:start', CTX, { channel: 'x', device: 'y' }, T0).channel, 'session:start');
});

test('a subscriber gets the backlog, then feed:live, then live events', async () => {
  await withFeed({}, async (feed, url) => {
    feed.publish(makeFeedEvent('session:start', CTX, { transport: 'serial' }, T0));
    feed.publish(engineEventToFeed({ type: 'devinf', man: 'Nokia', mod: '6230i', changed: false }, CTX, T0));
    feed.publish(engineEventToFeed({ type: 'progress', kind: 'contacts', direction: 'from-client', done: 1, expected: 2 }, CTX, T0));
    const a = subscribe(`${url}/feed`);
    const backlog = await a.live;
    assert.deepEqual(backlog.map((m) => [m.seq, m.channel]), [[1, 'session:start'], [2, 'device:seen'], [3, 'session:progress']]);
    assert.equal(backlog[0]!.transport, 'serial');
    assert.equal(a.messages.at(-1)!.backlog, 3);
    assert.equal(feed.clients, 1);

    const b = subscribe(`${url}/feed?since=0`); // a query does not change the path
    await b.live;
    const gotA = a.next('session:end');
    const gotB = b.next('session:end');
    feed.publish(engineEventToFeed({ type: 'end', ok: true, reason: 'done', datastores: [] }, CTX, T0));
    for (const m of [await gotA, await gotB]) {
      assert.equal(m.seq, 4);
      assert.equal(m.session, 's1');
      assert.equal(m.time, '2024-05-01T12:00:00.000Z');
    }
    a.ws.close();
    b.ws.close();
  });
});

test('the backlog is bounded, and keeps what an open session is about', async () => {
  await withFeed({ backlog: 5 }, async (feed, url) => {
    feed.publish(makeFeedEvent('session:start', CTX, {}, T0));
    feed.publish(engineEventToFeed({ type: 'alert', kind: 'contacts', uri: 'Contacts', requested: 200, mode: 'two-way', status: 200, reason: 'ok' }, CTX, T0));
    feed.publish(makeFeedEvent('session:start', { session: 's2' }, {}, T0));
    feed.publish(engineEventToFeed({ type: 'end', ok: false, reason: 'link lost', datastores: [] }, { session: 's2' }, T0));
    for (let i = 0; i < 20; i++) feed.publish(engineEventToFeed({ type: 'item', kind: 'contacts', direction: 'to-client', op: 'add', status: 201 }, CTX, T0));
    const backlog = feed.backlog();
    // s1 is open: its start and alert stay; s2 ended: gone with the ring; then the last 5.
    assert.deepEqual(backlog.map((m) => m.seq), [1, 2, 20, 21, 22, 23, 24]);
    const a = subscribe(`${url}/feed`);
    assert.deepEqual((await a.live).map((m) => m.seq), [1, 2, 20, 21, 22, 23, 24]);
    feed.publish(engineEventToFeed({ type: 'end', ok: true, reason: 'done', datastores: [] }, CTX, T0));
    assert.deepEqual(feed.backlog().map((m) => m.seq), [21, 22, 23, 24, 25]);
    a.ws.close();
  });
});

test('upgrades of other paths are destroyed; a foreign Origin is refused', async () => {
  await withFeed({}, async (feed, url) => {
    const other = new WebSocket(`${url}/other`);
    const err = await new Promise<Error>((resolveErr) => other.once('error', resolveErr));
    assert.match(err.message, /socket hang up|ECONNRESET/);

    const foreign = new WebSocket(`${url}/feed`, { origin: 'http://evil.example' });
    const status = await new Promise<number>((resolveStatus) => {
      foreign.once('unexpected-response', (_req, res) => resolveStatus(res.statusCode ?? 0));
      foreign.once('error', () => resolveStatus(-1));
    });
    assert.equal(status, 403);

    const own = subscribe(`${url}/feed`, { origin: url.replace('ws:', 'http:') });
    assert.deepEqual(await own.live, []);
    assert.equal(feed.clients, 1);
    own.ws.close();
  });
});

test('a subscriber that stops reading is dropped; the others keep their feed', async () => {
  await withFeed({ maxBufferedBytes: 1024 * 1024 }, async (feed, url) => {
    const slow = subscribe(`${url}/feed`);
    const fast = subscribe(`${url}/feed`);
    await Promise.all([slow.live, fast.live]);
    slow.ws.pause(); // stops reading its socket: the kernel buffers fill, then the server's
    const slowClosed = new Promise<number>((resolveClose) => slow.ws.once('close', (code) => resolveClose(code)));
    // Events well below the limit: a subscriber that reads never gets near it.
    const big = 'x'.repeat(64 * 1024);
    let sent = 0;
    while (feed.clients === 2 && sent < 4000) {
      feed.publish(makeFeedEvent('session:progress', CTX, { big }, T0));
      sent++;
      await tick();
    }
    assert.equal(feed.clients, 1, `slow subscriber still there after ${sent} events of 64 KiB`);
    slow.ws.resume();
    assert.equal(await slowClosed, 1006); // terminated, no close frame
    const last = fast.next('session:end');
    const seq = feed.publish(makeFeedEvent('session:end', CTX, {}, T0));
    assert.equal((await last).seq, seq);
    assert.equal(fast.messages.filter((m) => m.channel === 'session:progress').length, sent);
    fast.ws.close();
  });
});

test('close() says goodbye (1001) to every subscriber and stops serving', async () => {
  const feed = new LiveFeed();
  const server = createServer();
  feed.attach(server);
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  const url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/feed`;
  const a = subscribe(url);
  await a.live;
  const code = new Promise<number>((resolveClose) => a.ws.once('close', (c) => resolveClose(c)));
  await feed.close();
  assert.equal(await code, 1001);
  assert.equal(server.listenerCount('upgrade'), 0);
  server.closeAllConnections();
  await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
});
