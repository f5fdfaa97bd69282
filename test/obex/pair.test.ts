// A client machine paired with a server machine through their framers: 10 KB each way.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ObexClient, ObexServer, type ObexClientAction, type ObexServerAction } from '../../src/obex/index.js';
import { payload, WBXML } from './build.js';

interface Log { clientEvents: ObexClientAction[]; serverEvents: ObexServerAction[]; maxPacket: number }

/** Deliver client actions to the server and back until quiet; the server replies with `reply`. */
function pump(client: ObexClient, server: ObexServer, first: ObexClientAction[], reply: Uint8Array, log: Log, replyEarly: boolean): void {
  let toServer = first;
  for (let round = 0; round < 10_000 && toServer.length > 0; round++) {
    const fromServer: ObexServerAction[] = [];
    for (const a of toServer) {
      if (a.kind === 'send') {
        log.maxPacket = Math.max(log.maxPacket, a.bytes.length);
        // split each packet in two writes to exercise the framer
        const mid = a.bytes.length >> 1;
        fromServer.push(...server.feed(a.bytes.subarray(0, mid), round), ...server.feed(a.bytes.subarray(mid), round));
      } else log.clientEvents.push(a);
    }
    const toClient: ObexServerAction[] = [];
    for (const a of fromServer) {
      log.serverEvents.push(a);
      if (a.kind === 'message' && replyEarly) toClient.push(...server.reply(reply, round));
      else if (a.kind === 'waiting-for-reply') toClient.push(...server.reply(reply, round));
      else toClient.push(a);
    }
    toServer = [];
    for (const a of toClient) {
      if (a.kind !== 'send') continue;
      log.maxPacket = Math.max(log.maxPacket, a.bytes.length);
      toServer.push(...client.feed(a.bytes, round));
    }
  }
}

for (const size of [255, 1024, 65535]) {
  for (const replyEarly of [false, true]) {
    test(`10 KB each way at max packet ${size}${replyEarly ? ', reply ready before GET' : ', GET held'}`, () => {
      const client = new ObexClient({ maxPacketLength: size });
      const server = new ObexServer({ maxPacketLength: size });
      const up = payload(10 * 1024, 1);
      const down = payload(10 * 1024 + 3, 2);
      const log: Log = { clientEvents: [], serverEvents: [], maxPacket: 0 };
      pump(client, server, client.connect(0), down, log, replyEarly);
      assert.equal(log.clientEvents[0]?.kind, 'connected');
      pump(client, server, client.put(WBXML, up, 1), down, log, replyEarly);
      const msg = log.serverEvents.find((a) => a.kind === 'message');
      assert.ok(msg?.kind === 'message');
      assert.equal(msg.type, WBXML);
      assert.deepEqual(msg.body, up);
      assert.ok(log.clientEvents.some((a) => a.kind === 'put-done'));
      pump(client, server, client.get(WBXML, 2), down, log, replyEarly);
      const got = log.clientEvents.find((a) => a.kind === 'message');
      assert.ok(got?.kind === 'message');
      assert.deepEqual(got.body, down);
      pump(client, server, client.disconnect(3), down, log, replyEarly);
      assert.equal(log.clientEvents.at(-1)?.kind, 'disconnected');
      assert.equal(log.serverEvents.at(-1)?.kind, 'disconnected');
      assert.ok(log.maxPacket <= size, `packet of ${log.maxPacket} bytes over ${size}`);
      assert.equal(log.clientEvents.some((a) => a.kind === 'error') || log.serverEvents.some((a) => a.kind === 'error'), false);
    });
  }
}

test('mismatched sizes: each side sends within the other side\'s maximum', () => {
  const client = new ObexClient({ maxPacketLength: 65535 });
  const server = new ObexServer({ maxPacketLength: 255 });
  const log: Log = { clientEvents: [], serverEvents: [], maxPacket: 0 };
  const big = payload(5000, 3);
  pump(client, server, client.connect(0), big, log, false);
  pump(client, server, client.put(WBXML, big, 1), big, log, false);
  // every client packet must fit the server's 255; the framer would have refused anything larger
  assert.equal(log.serverEvents.some((a) => a.kind === 'error'), false);
  pump(client, server, client.get(WBXML, 2), big, log, false);
  const got = log.clientEvents.find((a) => a.kind === 'message');
  assert.ok(got?.kind === 'message');
  assert.deepEqual(got.body, big);
});
