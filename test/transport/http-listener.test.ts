import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Agent, request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { listenHttp, type HttpListener, type HttpListenerOptions, type HttpSyncmlRequest } from '../../src/transport/http-listener.js';
import { SyncmlError, TransportError } from '../../src/errors.js';

const WBXML = 'application/vnd.syncml+wbxml';
const XML = 'application/vnd.syncml+xml';

/** A listener on a free loopback port that echoes each message (reversed) and records requests. */
async function echoListener(extra: Partial<HttpListenerOptions> = {}): Promise<{ l: HttpListener; seen: HttpSyncmlRequest[]; sockets: Socket[]; errors: unknown[] }> {
  const seen: HttpSyncmlRequest[] = [];
  const errors: unknown[] = [];
  const l = await listenHttp({
    host: '127.0.0.1', port: 0,
    onMessage: async (req) => {
      seen.push(req);
      return { body: Uint8Array.from(req.body).reverse(), contentType: req.contentType };
    },
    onError: (err) => errors.push(err),
    ...extra,
  });
  const sockets: Socket[] = [];
  l.server.on('connection', (s: Socket) => sockets.push(s));
  return { l, seen, sockets, errors };
}

function post(url: string, body: Uint8Array | string, contentType: string = WBXML, init: RequestInit = {}): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body, ...init });
}

/** Send raw bytes on a new connection; resolve with everything the server sent until it closed. */
function raw(address: string, bytes: string, opts: { keepOpen?: boolean } = {}): Promise<string> {
  const [host, port] = [address.slice(0, address.lastIndexOf(':')), Number(address.slice(address.lastIndexOf(':') + 1))];
  return new Promise((resolveRaw, reject) => {
    const s = connect(port, host, () => {
      s.write(bytes);
      if (opts.keepOpen !== true) s.end();
    });
    let got = '';
    s.on('data', (b: Buffer) => { got += b.toString('latin1'); });
    s.on('error', reject);
    s.on('close', () => resolveRaw(got));
  });
}

test('a SyncML POST round trip: body, media type, full URL with query, remote address', async () => {
  const { l, seen } = await echoListener();
  try {
    assert.match(l.address, /^127\.0\.0\.1:\d+$/);
    assert.equal(l.url, `http://${l.address}/sync`);
    const r = await post(`${l.url}?sessionid=42`, new Uint8Array([1, 2, 3, 0xff]), `${WBXML.toUpperCase()}; charset=UTF-8`);
    assert.equal(r.status, 200);
    assert.equal(r.headers.get('content-type'), WBXML);
    assert.deepEqual([...new Uint8Array(await r.arrayBuffer())], [0xff, 3, 2, 1]);
    assert.equal(seen.length, 1);
    const req = seen[0]!;
    assert.ok(req.body instanceof Uint8Array);
    assert.deepEqual([...req.body], [1, 2, 3, 0xff]);
    assert.equal(req.contentType, WBXML);
    assert.equal(req.url.toString(), `${l.url}?sessionid=42`);
    assert.equal(req.url.searchParams.get('sessionid'), '42');
    assert.match(req.remote, /^127\.0\.0\.1:\d+$/);

    // `/sync/` and paths below it are SyncML too; XML and an empty body pass through.
    for (const path of ['/sync/', '/sync/addressbook?x=1']) {
      const r2 = await post(`http://${l.address}${path}`, '<SyncML/>', XML);
      assert.equal(r2.status, 200, path);
      assert.equal(await r2.text(), '>/LMcnyS<');
      assert.equal(seen.at(-1)!.url.pathname + seen.at(-1)!.url.search, path);
    }
    const r3 = await post(l.url, new Uint8Array(0));
    assert.equal(r3.status, 200);
    assert.equal(seen.at(-1)!.body.byteLength, 0);
  } finally {
    await l.close();
  }
});

test('the reply status and a chunked request body', async () => {
  const l = await listenHttp({ host: '127.0.0.1', port: 0, onMessage: async (req) => ({ body: req.body, contentType: XML, status: 202 }) });
  try {
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let i = 0; i < 5; i++) c.enqueue(new Uint8Array(1000).fill(i));
        c.close();
      },
    });
    const r = await post(l.url, stream as unknown as string, XML, { duplex: 'half' } as RequestInit);
    assert.equal(r.status, 202);
    const back = new Uint8Array(await r.arrayBuffer());
    assert.equal(back.byteLength, 5000);
    assert.equal(back[4999], 4);
  } finally {
    await l.close();
  }
});

test('everything that is not a SyncML POST gets its status and a short text body; onMessage never sees it', async () => {
  const { l, seen } = await echoListener();
  try {
    const cases: [string, RequestInit, number][] = [
      ['/other', { method: 'POST', headers: { 'content-type': WBXML }, body: 'x' }, 404],
      ['/', { method: 'GET' }, 404],
      ['/syncfoo', { method: 'POST', headers: { 'content-type': WBXML }, body: 'x' }, 404],
      ['/sync', { method: 'GET' }, 405],
      ['/sync/x', { method: 'PUT', headers: { 'content-type': WBXML }, body: 'x' }, 405],
      ['/sync', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'x' }, 415],
      ['/sync', { method: 'POST', headers: { 'content-type': 'application/vnd.syncml-devinf+wbxml' }, body: 'x' }, 415],
      ['/sync', { method: 'POST', body: new Uint8Array(3) }, 415],
    ];
    for (const [path, init, status] of cases) {
      const r = await fetch(`http://${l.address}${path}`, init);
      assert.equal(r.status, status, `${init.method ?? 'GET'} ${path}`);
      assert.match(r.headers.get('content-type') ?? '', /^text\/plain/);
      const text = await r.text();
      assert.ok(text.startsWith(`${status} `) && text.length < 200, text);
      if (status === 405) assert.equal(r.headers.get('allow'), 'POST');
    }
    assert.equal(seen.length, 0);

    // Malformed requests: 400 from the parser, and a request target that is no path.
    assert.match(await raw(l.address, 'GARBAGE\r\n\r\n'), /^HTTP\/1\.1 400 /);
    assert.match(await raw(l.address, `POST http:// HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.match(await raw(l.address, `POST /sync HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${WBXML}\r\nContent-Length: -5\r\n\r\n`), /^HTTP\/1\.1 400 /);
    assert.equal(seen.length, 0);
  } finally {
    await l.close();
  }
});

test('a request aborted in its body never reaches onMessage', async () => {
  const { l, seen } = await echoListener();
  try {
    const [host, port] = l.address.split(':') as [string, string];
    await new Promise<void>((resolveSent) => {
      const s = connect(Number(port), host, () => {
        s.write(`POST /sync HTTP/1.1\r\nHost: ${l.address}\r\nContent-Type: ${WBXML}\r\nContent-Length: 1000\r\n\r\n0123456789`);
        setTimeout(() => { s.destroy(); resolveSent(); }, 50);
      });
    });
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(seen.length, 0);
    // The listener is still fine.
    assert.equal((await post(l.url, 'ok')).status, 200);
  } finally {
    await l.close();
  }
});

test('onMessage errors: the httpStatus they carry, else 500, and the error goes to onError', async () => {
  const errors: unknown[] = [];
  const thrown: unknown[] = [
    Object.assign(new SyncmlError('unknown session', 'SB_ERR_SYNCML_SESSION', { syncmlStatus: 404 }), { httpStatus: 404 }),
    new Error('boom'),
    Object.assign(new Error('odd'), { httpStatus: 200 }),
    'a string',
  ];
  let i = 0;
  const l = await listenHttp({
    host: '127.0.0.1', port: 0,
    onMessage: async () => { throw thrown[i++]; },
    onError: (err) => errors.push(err),
  });
  try {
    const statuses: number[] = [];
    for (let k = 0; k < thrown.length; k++) {
      const r = await post(l.url, 'x');
      statuses.push(r.status);
      const text = await r.text();
      assert.ok(!text.includes('boom') && !text.includes('unknown session'), 'no error text on the wire');
    }
    assert.deepEqual(statuses, [404, 500, 500, 500]);
    assert.deepEqual(errors, thrown);
  } finally {
    await l.close();
  }
});

test('bodies over the limit get 413 without being buffered (declared length, chunked, and 100-continue)', async () => {
  let calls = 0;
  const limit = 1 << 20;
  const { l, sockets } = await echoListener({ maxBodyBytes: limit, onMessage: async (req) => { calls++; return { body: req.body.subarray(0, 1), contentType: WBXML }; } });
  try {
    const big = new Uint8Array(10 << 20);
    const r1 = await post(l.url, big);
    assert.equal(r1.status, 413);
    assert.match(await r1.text(), /^413 /);

    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        for (let k = 0; k < 10; k++) c.enqueue(new Uint8Array(1 << 20));
        c.close();
      },
    });
    const r2 = await post(l.url, stream as unknown as string, WBXML, { duplex: 'half' } as RequestInit);
    assert.equal(r2.status, 413);
    await r2.text();

    // A client that waits for 100 Continue never has to send the body at all.
    const head = await raw(l.address, `POST /sync HTTP/1.1\r\nHost: ${l.address}\r\nContent-Type: ${WBXML}\r\nContent-Length: ${big.length}\r\nExpect: 100-continue\r\n\r\n`, { keepOpen: true });
    assert.match(head, /^HTTP\/1\.1 413 /);
    assert.ok(!head.includes('100 Continue'));

    // Exactly the limit is fine.
    const r3 = await post(l.url, new Uint8Array(limit));
    assert.equal(r3.status, 200);
    await r3.arrayBuffer();
    assert.equal(calls, 1);

    // The server read a bounded amount from each rejected connection (socket buffers plus
    // at most the limit), far from the 10 MiB sent.
    await new Promise((r) => setTimeout(r, 100));
    for (const s of sockets.slice(0, 3)) assert.ok(s.bytesRead < 4 * limit, `read ${s.bytesRead} bytes`);
  } finally {
    await l.close();
  }
});

/** One request through a node:http Agent (so the socket it used is known). */
function agentRequest(agent: Agent, url: string, method: string, body?: string): Promise<{ status: number; text: string; reused: boolean }> {
  return new Promise((resolveReq, reject) => {
    const req = httpRequest(url, { agent, method, headers: body === undefined ? {} : { 'content-type': WBXML, 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
      let text = '';
      res.setEncoding('latin1');
      res.on('data', (c: string) => { text += c; });
      res.on('end', () => resolveReq({ status: res.statusCode ?? 0, text, reused: req.reusedSocket }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

test('keep-alive: several requests on one connection, including rejected ones', async () => {
  const { l, seen, sockets } = await echoListener();
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  try {
    const results = [];
    for (let k = 0; k < 6; k++) {
      if (k === 2) results.push(await agentRequest(agent, l.url, 'GET'));
      else if (k === 4) results.push(await agentRequest(agent, `http://${l.address}/elsewhere`, 'POST', 'ignored body'));
      else results.push(await agentRequest(agent, `${l.url}?sessionid=${k}`, 'POST', `msg${k}`));
    }
    assert.deepEqual(results.map((r) => r.status), [200, 200, 405, 200, 404, 200]);
    assert.deepEqual(results.map((r) => r.reused), [false, true, true, true, true, true]);
    assert.equal(results[5]!.text, '5gsm');
    assert.equal(seen.length, 4);
    assert.equal(sockets.length, 1);
  } finally {
    agent.destroy();
    await l.close();
  }
});

test('extra routes through onOtherRequest; false falls back to 404', async () => {
  const errors: unknown[] = [];
  const { l } = await echoListener({
    onOtherRequest: (req, res) => {
      if (req.url === '/metrics') {
        res.writeHead(200, { 'content-type': 'text/plain' }).end('up 1\n');
        return true;
      }
      if (req.url === '/fail') throw new Error('route failed');
      return false;
    },
    onError: (err) => errors.push(err),
  });
  try {
    const m = await fetch(`http://${l.address}/metrics`);
    assert.equal(m.status, 200);
    assert.equal(await m.text(), 'up 1\n');
    assert.equal((await fetch(`http://${l.address}/nope`)).status, 404);
    assert.equal((await fetch(`http://${l.address}/fail`)).status, 500);
    assert.equal(errors.length, 1);
    assert.equal((await post(l.url, 'x')).status, 200);
  } finally {
    await l.close();
  }
});

test('a client too slow with its headers or body gets 408 and is disconnected', async () => {
  const { l, seen } = await echoListener({ headersTimeoutMs: 200, requestTimeoutMs: 400 });
  try {
    const t0 = Date.now();
    const headers = await raw(l.address, `POST /sync HTTP/1.1\r\nHost: ${l.address}\r\n`, { keepOpen: true });
    assert.match(headers, /^HTTP\/1\.1 408 /);
    const body = await raw(l.address, `POST /sync HTTP/1.1\r\nHost: ${l.address}\r\nContent-Type: ${WBXML}\r\nContent-Length: 100\r\n\r\nabc`, { keepOpen: true });
    assert.match(body, /^HTTP\/1\.1 408 /);
    assert.ok(Date.now() - t0 < 5_000);
    assert.equal(seen.length, 0);
  } finally {
    await l.close();
  }
});

test('listening on a taken address fails with SB_ERR_HTTP_LISTEN', async () => {
  const { l } = await echoListener();
  try {
    const port = Number(l.address.split(':')[1]);
    await assert.rejects(listenHttp({ host: '127.0.0.1', port, onMessage: async () => ({ body: new Uint8Array(), contentType: XML }) }),
      (e: unknown) => e instanceof TransportError && e.code === 'SB_ERR_HTTP_LISTEN');
  } finally {
    await l.close();
  }
});

test('close(): prompt while idle with a kept-alive connection, and a request in progress still gets its answer', async () => {
  const { l, sockets } = await echoListener();
  assert.equal(await (await post(l.url, 'ab')).text(), 'ba');
  const t0 = Date.now();
  await l.close();
  assert.ok(Date.now() - t0 < 1_000, 'idle close is not held by keep-alive');
  assert.ok(sockets.every((s) => s.destroyed));
  await assert.rejects(post(l.url, 'x'));

  let release!: () => void;
  const gate = new Promise<void>((r) => { release = r; });
  let markStarted!: () => void;
  const started = new Promise<void>((r) => { markStarted = r; });
  const l2 = await listenHttp({
    host: '127.0.0.1', port: 0,
    onMessage: async (req) => {
      markStarted();
      await gate;
      return { body: req.body, contentType: WBXML };
    },
  });
  const pending = post(l2.url, 'late');
  await started;
  let closed = false;
  const closing = l2.close().then(() => { closed = true; });
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(closed, false);
  release();
  const r = await pending;
  assert.equal(r.status, 200);
  assert.equal(r.headers.get('connection'), 'close');
  assert.equal(await r.text(), 'late');
  await closing;
});
