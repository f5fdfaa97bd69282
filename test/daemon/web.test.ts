// The web side of `serve --http` without a browser: routes, who may use them (loopback by
// default, a client on the machine's network address refused), backup downloads that trust no
// URL segment (traversal, encoded slashes, planted symlinks), /api/state, and the feed's
// cross-origin refusal. Real SQLite, real HTTP listener, real WebSocket client.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { pino } from 'pino';
import { LocalEngine } from '../../src/daemon/local-engine.js';
import { WebUi, isLoopback, transportOf } from '../../src/daemon/web.js';
import type { WebClients } from '../../src/daemon/config.js';
import { listenHttp, type HttpListener } from '../../src/transport/http-listener.js';
import { SAMPLES } from '../helpers/peers.js';

const STAMP = '2026-12-03T101500Z';
const VCARD = 'BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Anna Berg\r\nN:Berg;Anna;;;\r\nEND:VCARD\r\n';
let dir: string;
let local: LocalEngine;
const log = pino({ level: 'silent' });

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'sb-web-'));
  local = new LocalEngine({ dataDir: dir, conflictPolicy: 'merge', sessionTimeoutMs: 300_000 }, log);
  local.store.saveDevice({ id: 'IMEI:351234', user: 'local', devinf: { VerDTD: '1.2', Man: 'NOKIA', Mod: '6230i', DevID: 'IMEI:351234', DevTyp: 'phone', DataStores: [] }, devinfDigest: null, profile: 'nokia', lastSeen: Date.UTC(2026, 11, 3, 10, 15) });
  const b = join(dir, 'backups', 'IMEI_351234', STAMP);
  mkdirSync(b, { recursive: true });
  writeFileSync(join(b, 'contacts.vcf'), VCARD);
  writeFileSync(join(b, 'notes.txt'), '');
  writeFileSync(join(b, 'tasks.ics.tmp'), 'half written');
  // planted: a symlink to a file outside, a symlinked directory, a file beside the backups
  writeFileSync(join(dir, 'secret.txt'), 'not for download');
  symlinkSync(join(dir, 'secret.txt'), join(b, 'calendar.ics'));
  symlinkSync(b, join(dir, 'backups', 'IMEI_351234', '2026-12-04T000000Z'));
  symlinkSync(dir, join(dir, 'backups', 'evil'));
});
after(() => {
  local.close();
  rmSync(dir, { recursive: true, force: true });
});

async function withWeb(clients: WebClients, host: string, body: (port: number, http: HttpListener) => Promise<void>): Promise<void> {
  const web = new WebUi(local, { dataDir: dir, log, clients, defaultMetrics: false, pingIntervalMs: 0 });
  const http = await listenHttp({ host, port: 0, path: '/sync', onMessage: () => Promise.reject(new Error('no SyncML here')), onOtherRequest: (req, res) => web.handle(req, res) });
  web.attach(http.server);
  try {
    await body(Number(http.address.slice(http.address.lastIndexOf(':') + 1)), http);
  } finally {
    await web.close();
    await http.close(100);
  }
}

test('isLoopback and transportOf', () => {
  for (const a of ['127.0.0.1', '127.9.8.7', '::1', '::ffff:127.0.0.1']) assert.equal(isLoopback(a), true, a);
  for (const a of ['192.0.2.2', '::ffff:192.0.2.2', '10.0.0.1', 'fe80::1', '', undefined]) assert.equal(isLoopback(a), false, String(a));
  assert.equal(transportOf('bt:00:11:22:33:44:55'), 'bluetooth');
  assert.equal(transportOf('tcp:127.0.0.1:6650<-127.0.0.1:5000'), 'tcp');
  assert.equal(transportOf('serial:/dev/ttyACM0'), 'serial');
});

test('page, state and downloads on loopback; every path trick and planted symlink is a 404', async () => {
  await withWeb('loopback', '127.0.0.1', async (port) => {
    const base = `http://127.0.0.1:${port}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(page.headers.get('content-security-policy') ?? '', /default-src 'none'; script-src 'self'/);
    assert.match(await page.text(), /<script src="\/app.js"/);
    assert.equal((await fetch(`${base}/app.js`)).headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal((await fetch(`${base}/nope.js`)).status, 404);
    assert.equal((await fetch(`${base}/`, { method: 'POST', body: 'x' })).status, 405);

    const state = await (await fetch(`${base}/api/state`)).json() as { devices: Array<{ id: string; man: string; mod: string; profile: string; backups: Array<{ id: string; files: Array<{ name: string; url: string; bytes: number }> }> }> };
    assert.equal(state.devices.length, 1);
    const dev = state.devices[0]!;
    assert.deepEqual([dev.id, dev.man, dev.mod, dev.profile], ['IMEI:351234', 'NOKIA', '6230i', 'nokia']);
    // the symlinked backup directory and file, and the .tmp file, are not listed
    assert.deepEqual(dev.backups.map((b) => b.id), [STAMP]);
    assert.deepEqual(dev.backups[0]!.files.map((f) => [f.name, f.bytes, f.url]), [
      ['contacts.vcf', VCARD.length, `/backups/IMEI_351234/${STAMP}/contacts.vcf`],
      ['notes.txt', 0, `/backups/IMEI_351234/${STAMP}/notes.txt`],
    ]);

    const dl = await fetch(`${base}/backups/IMEI_351234/${STAMP}/contacts.vcf`);
    assert.equal(dl.status, 200);
    assert.equal(dl.headers.get('content-type'), 'text/vcard; charset=utf-8');
    assert.equal(dl.headers.get('content-disposition'), `attachment; filename="IMEI_351234_${STAMP}_contacts.vcf"`);
    assert.equal(await dl.text(), VCARD);
    const head = await fetch(`${base}/backups/IMEI_351234/${STAMP}/contacts.vcf`, { method: 'HEAD' });
    assert.equal(head.headers.get('content-length'), String(VCARD.length));
    const empty = await fetch(`${base}/backups/IMEI_351234/${STAMP}/notes.txt`);
    assert.equal(empty.status, 200);
    assert.equal(await empty.text(), '');

    const refused = [
      `/backups/IMEI_351234/${STAMP}/calendar.ics`, // symlink to a file outside
      '/backups/IMEI_351234/2026-12-04T000000Z/contacts.vcf', // symlinked directory
      '/backups/evil/backups/secret.txt', '/backups/evil/IMEI_351234/secret.txt', // symlink to the data dir
      `/backups/IMEI_351234/${STAMP}/tasks.ics.tmp`.replace('.tmp', '.tmpx'),
      `/backups/IMEI_351234/${STAMP}/../../../secret.txt`,
      `/backups/IMEI_351234/${STAMP}/..%2f..%2f..%2fsecret.txt`,
      `/backups/IMEI_351234/%2e%2e/${STAMP}/contacts.vcf`,
      `/backups/IMEI_351234/${STAMP}%2fcontacts.vcf`,
      `/backups/IMEI_351234/${STAMP}/contacts.vcf/more`,
      `/backups/IMEI_351234/${STAMP}`,
      '/backups/',
      `/backups/IMEI_351234/${STAMP}/.hidden`,
    ];
    for (const path of refused) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 404, path);
      assert.doesNotMatch(await r.text(), /not for download/, path);
    }
    assert.equal((await fetch(`${base}/backups/IMEI_351234/${STAMP}/%zz`)).status, 400);
  });
});

test('the feed refuses another site\'s page (Origin) and serves the same origin', async () => {
  await withWeb('loopback', '127.0.0.1', async (port) => {
    const open = (origin: string | undefined): Promise<number | 'open'> => new Promise((resolveOpen) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}/feed`, origin === undefined ? {} : { origin });
      ws.once('open', () => { ws.close(); resolveOpen('open'); });
      ws.once('unexpected-response', (_req, res) => { resolveOpen(res.statusCode ?? 0); ws.terminate(); });
      ws.once('error', () => undefined);
    });
    assert.equal(await open('http://evil.invalid'), 403);
    assert.equal(await open(`http://127.0.0.1:${port}`), 'open');
    assert.equal(await open(undefined), 'open');
  });
});

const external = Object.values(networkInterfaces()).flat().find((i) => i !== undefined && !i.internal && i.family === 'IPv4')?.address;

test('a client on the network: refused by default (403), /metrics still answers; --web any opens the page', { skip: external === undefined ? 'this machine has no non-loopback IPv4 address to connect from' : false }, async () => {
  await withWeb('loopback', '0.0.0.0', async (port) => {
    const base = `http://${external}:${port}`;
    for (const path of ['/', '/app.js', '/api/state', `/backups/IMEI_351234/${STAMP}/contacts.vcf`]) {
      const r = await fetch(`${base}${path}`);
      assert.equal(r.status, 403, path);
      assert.match(await r.text(), /--web any/);
    }
    const m = await fetch(`${base}/metrics`);
    assert.equal(m.status, 200);
    assert.match(await m.text(), /syncml_bridge_sessions_total/);
    const ws = new WebSocket(`ws://${external}:${port}/feed`);
    const status = await new Promise<number>((r) => { ws.once('unexpected-response', (_q, res) => r(res.statusCode ?? 0)); ws.once('open', () => r(101)); ws.once('error', () => r(-1)); });
    ws.terminate();
    assert.equal(status, 403);
  });
  await withWeb('any', '0.0.0.0', async (port) => {
    assert.equal((await fetch(`http://${external}:${port}/`)).status, 200);
    assert.equal(await (await fetch(`http://${external}:${port}/backups/IMEI_351234/${STAMP}/contacts.vcf`)).text(), VCARD);
  });
});

test('--web off: no page, state, downloads or feed; /metrics stays', async () => {
  await withWeb('off', '127.0.0.1', async (port) => {
    const base = `http://127.0.0.1:${port}`;
    assert.equal((await fetch(`${base}/`)).status, 404);
    assert.equal((await fetch(`${base}/api/state`)).status, 404);
    assert.equal((await fetch(`${base}/backups/IMEI_351234/${STAMP}/contacts.vcf`)).status, 404);
    assert.equal((await fetch(`${base}/metrics`)).status, 200);
    const ws = new WebSocket(`ws://127.0.0.1:${port}/feed`);
    const outcome = await new Promise<string>((r) => { ws.once('open', () => r('open')); ws.once('error', () => r('refused')); ws.once('unexpected-response', () => r('refused')); });
    ws.terminate();
    assert.equal(outcome, 'refused');
  });
});

test('the feed names a session by a stable id that is not its key (the key routes HTTP messages into it)', async () => {
  const web = new WebUi(local, { dataDir: dir, log, defaultMetrics: false, pingIntervalMs: 0 });
  try {
    const body = readFileSync(join(SAMPLES, 'syncml12-xml/slow-001-client.xml'));
    const r = local.handle(body, 'application/vnd.syncml+xml', { transport: 'http', link: 'http:127.0.0.1:5000', auth: 'none', respUriBase: 'http://127.0.0.1:8280/sync' });
    const events = web.feed.backlog().filter((e) => e.channel !== 'feed:live');
    assert.equal(events[0]?.channel, 'session:start');
    const ids = new Set(events.map((e) => e.session));
    assert.equal(ids.size, 1, 'one session id from start on');
    const id = [...ids][0]!;
    assert.match(id, /^[A-Za-z0-9_-]{16}$/);
    assert.notEqual(id, r.session.key);
    for (const e of events) assert.ok(!JSON.stringify(e).includes(r.session.key), `${e.channel} carries the session key`);
    local.end(r.session, 'test over', 'http:127.0.0.1:5000');
    const end = web.feed.backlog().find((e) => e.channel === 'session:end');
    assert.equal(end?.session, id);
  } finally {
    await web.close();
  }
});
