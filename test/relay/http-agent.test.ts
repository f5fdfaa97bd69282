import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HTTP_AGENT_ERR, HttpAgent, displayUrl, type HttpAgentEvent } from '../../src/relay/index.js';
import { TransportError } from '../../src/errors.js';

const WBXML = 'application/vnd.syncml+wbxml';
const BODY = new Uint8Array([0x02, 0xa4, 0x01, 0x6a, 0x00, 0x6d, 0x01]);

interface Seen { url: string; type: string; body: Buffer }

/** An HTTP server whose handler gets the request number (1-based) and the body. */
async function upstream(handler: (n: number, req: IncomingMessage, res: ServerResponse, body: Buffer) => void): Promise<{ server: Server; port: number; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createHttpServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      seen.push({ url: req.url ?? '', type: String(req.headers['content-type']), body });
      handler(seen.length, req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  servers.push(server);
  return { server, port: (server.address() as AddressInfo).port, seen };
}

const servers: Server[] = [];
after(() => {
  for (const s of servers) { s.closeAllConnections(); s.close(); }
});

const reply = (res: ServerResponse, type = WBXML, body: Uint8Array = BODY): void => {
  res.writeHead(200, { 'content-type': type, 'content-length': body.length });
  res.end(body);
};

async function rejectsWith(p: Promise<unknown>, code: string, obex?: number): Promise<TransportError> {
  let caught: unknown;
  await p.then(() => assert.fail('expected a rejection'), (e: unknown) => { caught = e; });
  assert.ok(caught instanceof TransportError, String(caught));
  assert.equal(caught.code, code, caught.message);
  if (obex !== undefined) assert.equal(caught.obexResponse, obex);
  return caught;
}

describe('HttpAgent: one message, one reply', () => {
  test('POSTs the bytes with their content type and returns the reply', async () => {
    const up = await upstream((_n, _req, res) => reply(res, 'application/vnd.syncml+wbxml; charset=UTF-8', new Uint8Array([1, 2, 3])));
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/syncevolution`) });
    const r = await agent.send(BODY, WBXML);
    assert.equal(r.status, 200);
    assert.equal(r.attempts, 1);
    assert.equal(r.contentType, 'application/vnd.syncml+wbxml; charset=UTF-8');
    assert.deepEqual([...r.body], [1, 2, 3]);
    assert.equal(up.seen.length, 1);
    assert.equal(up.seen[0]!.url, '/syncevolution');
    assert.equal(up.seen[0]!.type, WBXML);
    assert.deepEqual([...up.seen[0]!.body], [...BODY]);
  });

  test('a non-2xx status is an error (0xD0), never resent', async () => {
    const up = await upstream((_n, _req, res) => { res.writeHead(500, { 'content-type': 'text/plain' }); res.end('no configuration found'); });
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`), retryDelayMs: 1 });
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.HTTP_STATUS, 0xd0);
    assert.equal(up.seen.length, 1);
  });

  test('a reply that is not SyncML is refused', async () => {
    const up = await upstream((_n, _req, res) => reply(res, 'text/html', new TextEncoder().encode('<html/>')));
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`) });
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.CONTENT_TYPE, 0xd0);
  });

  test('a reply over the size bound is refused (declared and streamed)', async () => {
    const big = new Uint8Array(5000);
    const up = await upstream((n, _req, res) => {
      if (n === 1) return reply(res, WBXML, big);
      res.writeHead(200, { 'content-type': WBXML });
      res.write(big.subarray(0, 2500));
      res.end(big.subarray(2500));
    });
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`), maxResponseBytes: 1000 });
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.TOO_LARGE);
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.TOO_LARGE);
    assert.equal(up.seen.length, 2, 'never resent');
  });

  test('no reply in time: a timeout error, not resent (the upstream may have processed it)', async () => {
    const up = await upstream(() => undefined);
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`), timeoutMs: 300, retryDelayMs: 1 });
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.TIMEOUT, 0xd3);
    assert.equal(up.seen.length, 1);
  });
});

describe('HttpAgent: resend only when safe', () => {
  test('connection refused: resent `retries` times, then unreachable (0xD3)', async () => {
    const up = await upstream(() => undefined);
    const port = up.port;
    await new Promise<void>((r) => up.server.close(() => r()));
    const events: HttpAgentEvent[] = [];
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${port}/x`), retries: 2, retryDelayMs: 1, onEvent: (e) => events.push(e) });
    const err = await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.UNREACHABLE, 0xd3);
    assert.match(err.message, /after 3 attempts/);
    assert.deepEqual(events.map((e) => e.kind), ['resend', 'resend']);
  });

  test('connection reset before any reply byte: the same bytes are resent and the reply returned', async () => {
    const up = await upstream((n, req, res) => {
      if (n === 1) req.socket.resetAndDestroy();
      else reply(res);
    });
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`), retryDelayMs: 1 });
    const r = await agent.send(BODY, WBXML);
    assert.equal(r.attempts, 2);
    assert.equal(up.seen.length, 2);
    assert.deepEqual(up.seen[1]!.body, up.seen[0]!.body, 'byte for byte the same message (same MsgID)');
  });

  test('connection broken after the reply started: never resent', async () => {
    const up = await upstream((_n, req, res) => {
      res.writeHead(200, { 'content-type': WBXML, 'content-length': 100 });
      res.write(BODY);
      setImmediate(() => req.socket.destroy());
    });
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/x`), retryDelayMs: 1 });
    await rejectsWith(agent.send(BODY, WBXML), HTTP_AGENT_ERR.BROKEN);
    assert.equal(up.seen.length, 1);
  });
});

describe('HttpAgent: RespURI', () => {
  test('same origin: path and query followed; the next POST goes there', async () => {
    const up = await upstream((_n, _req, res) => reply(res));
    const base = `http://127.0.0.1:${up.port}`;
    const agent = new HttpAgent({ upstream: new URL(`${base}/syncevolution`) });
    assert.equal(agent.applyRespUri(`${base}/syncevolution/s?sessionid=42`), 'followed');
    await agent.send(BODY, WBXML);
    assert.equal(up.seen[0]!.url, '/syncevolution/s?sessionid=42');
  });

  test('another host (the phone\'s own URL): only the session query, on the configured URL', async () => {
    const up = await upstream((_n, _req, res) => reply(res));
    const events: HttpAgentEvent[] = [];
    const agent = new HttpAgent({ upstream: new URL(`http://127.0.0.1:${up.port}/syncevolution`), onEvent: (e) => events.push(e) });
    assert.equal(agent.applyRespUri('http://127.0.0.1:1/sync?sessionid=7'), 'query-only');
    await agent.send(BODY, WBXML);
    assert.equal(up.seen[0]!.url, '/syncevolution?sessionid=7');
    assert.equal(events[0]?.kind, 'respuri');
  });

  test('never back to the bridge, even when it shares the upstream\'s origin', () => {
    const agent = new HttpAgent({ upstream: new URL('http://127.0.0.1:9000/up'), selfAddresses: ['127.0.0.1:9000'] });
    const events: HttpAgentEvent[] = [];
    const a2 = new HttpAgent({ upstream: new URL('http://127.0.0.1:9000/up'), selfAddresses: ['127.0.0.1:6650'], onEvent: (e) => events.push(e) });
    assert.equal(agent.applyRespUri('http://127.0.0.1:9000/elsewhere?sessionid=1'), 'query-only');
    assert.equal(agent.url.href, 'http://127.0.0.1:9000/up?sessionid=1');
    assert.equal(a2.applyRespUri('http://127.0.0.1:6650/sync?sessionid=3'), 'query-only');
    assert.equal(a2.url.href, 'http://127.0.0.1:9000/up?sessionid=3');
    assert.match(events[0]!.kind === 'respuri' ? events[0]!.reason : '', /bridge itself/);
  });

  test('URLs in logs carry no credentials', () => {
    assert.equal(displayUrl(new URL('https://user:secret@up.example/sync?sessionid=1')), 'https://up.example/sync?sessionid=1');
  });

  test('unusable RespURIs are ignored', () => {
    const agent = new HttpAgent({ upstream: new URL('http://127.0.0.1:9000/up') });
    assert.equal(agent.applyRespUri('ftp://127.0.0.1:9000/x?y=1'), 'ignored');
    assert.equal(agent.applyRespUri('http://other.example/nothing'), 'ignored');
    assert.equal(agent.url.href, 'http://127.0.0.1:9000/up');
  });
});

describe('HttpAgent: HTTPS with a CA bundle', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-https-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('trusts the configured CA and refuses an unknown one', async () => {
    assert.ok(existsSync('/usr/bin/openssl'), 'needs the Debian package openssl');
    execFileSync('/usr/bin/openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
      '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
    const server = createHttpsServer({ key: readFileSync(join(dir, 'key.pem')), cert }, (_req, res) => reply(res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server as unknown as Server);
    const url = new URL(`https://127.0.0.1:${(server.address() as AddressInfo).port}/sync`);
    const r = await new HttpAgent({ upstream: url, ca: cert }).send(BODY, WBXML);
    assert.equal(r.status, 200);
    await rejectsWith(new HttpAgent({ upstream: url, retryDelayMs: 1 }).send(BODY, WBXML), HTTP_AGENT_ERR.UNREACHABLE);
  });
});
