import { test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { connectTcp, listenTcp } from '../../src/transport/tcp.js';
import type { Link } from '../../src/transport/link.js';
import { TransportError } from '../../src/errors.js';

test('listenTcp: each connection becomes a stream Link carrying bytes both ways', async () => {
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  try {
    assert.match(listener.address, /^127\.0\.0\.1:\d+$/);
    const accepted = new Promise<Link>((r) => listener.onLink(r));
    const client = await connectTcp('127.0.0.1', listener.port);
    const server = await accepted;
    assert.equal(server.info.kind, 'stream');
    assert.equal(server.info.transport, 'tcp');
    assert.equal(server.info.name, `tcp:${listener.address}<-${server.info.peer}`);
    assert.match(server.info.peer, /^127\.0\.0\.1:\d+$/);
    assert.equal(client.info.kind, 'stream');
    assert.equal(client.info.peer, listener.address);

    client.stream.write(Buffer.from([0x80, 0x00, 0x03]));
    const [got] = (await once(server.stream, 'data')) as [Buffer];
    assert.deepEqual([...got], [0x80, 0x00, 0x03]);
    server.stream.write(Buffer.from([0xa0, 0x00, 0x03]));
    const [back] = (await once(client.stream, 'data')) as [Buffer];
    assert.deepEqual([...back], [0xa0, 0x00, 0x03]);

    // Closing one side ends the other.
    const ended = once(server.stream, 'close');
    client.stream.destroy();
    await ended;
  } finally {
    await listener.close();
  }
});

test('listenTcp on a taken address and connectTcp to a closed port fail with coded TransportErrors', async () => {
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  const port = listener.port;
  await assert.rejects(listenTcp({ host: '127.0.0.1', port }), (e: unknown) => e instanceof TransportError && e.code === 'SB_ERR_TCP_LISTEN');
  await listener.close();
  await assert.rejects(connectTcp('127.0.0.1', port), (e: unknown) => e instanceof TransportError && e.code === 'SB_ERR_TCP_CONNECT');
});

test('a listener without a handler drops connections instead of leaking them', async () => {
  const listener = await listenTcp({ host: '127.0.0.1', port: 0 });
  try {
    const client = await connectTcp('127.0.0.1', listener.port);
    await once(client.stream, 'close');
  } finally {
    await listener.close();
  }
});
