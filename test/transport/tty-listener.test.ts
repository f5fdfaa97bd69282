// A tty that waits for phones (phone-initiated links): one link per opening, reopened after each
// link closes, retried while the device is missing. Real socat pseudo-terminals.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Duplex } from 'node:stream';
import { TransportError } from '../../src/errors.js';
import { AT_ERR } from '../../src/transport/at-switch.js';
import type { Link } from '../../src/transport/link.js';
import { listenTty } from '../../src/transport/tty.js';
import { startFakeModem, type FakeModem } from '../helpers/fake-modem.js';
import { createPtyPair, type PtyPair } from '../helpers/pty.js';

/** Links in arrival order, awaited one by one (5 s safety net). */
function linkQueue(): { push: (link: Link) => void; next: (waitMs?: number) => Promise<Link>; all: Link[] } {
  const all: Link[] = [];
  let taken = 0;
  let wake: (() => void) | undefined;
  return {
    all,
    push: (link) => {
      all.push(link);
      wake?.();
    },
    next: async (waitMs = 5000) => {
      const deadline = Date.now() + waitMs;
      while (all.length <= taken) {
        if (Date.now() > deadline) throw new Error('no link arrived');
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, 100);
          wake = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
      return all[taken++] as Link;
    },
  };
}

function closeStream(stream: Duplex): Promise<void> {
  if (stream.closed) return Promise.resolve();
  return new Promise((resolve) => {
    stream.once('close', () => resolve());
    stream.destroy();
  });
}

/** The phone sends `bytes`; the link must deliver exactly them. */
async function phoneSends(modem: FakeModem, link: Link, bytes: Uint8Array): Promise<void> {
  const got = new Promise<Buffer>((resolve) => {
    let all = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      all = Buffer.concat([all, chunk]);
      if (all.length >= bytes.length) {
        link.stream.off('data', onData);
        resolve(all);
      }
    };
    link.stream.on('data', onData);
  });
  modem.write(bytes);
  assert.deepEqual(await got, Buffer.from(bytes));
}

test('listenTty: a link per session, reopened after the link closes', async (t) => {
  const pair = await createPtyPair();
  const queue = linkQueue();
  const errors: TransportError[] = [];
  const listener = listenTty({ path: pair.a, reopenDelayMs: 10, onError: (e) => errors.push(e) });
  const late: { modem?: FakeModem } = {};
  t.after(async () => {
    await listener.close();
    for (const l of queue.all) await closeStream(l.stream);
    await late.modem?.close();
    await pair.close();
  });
  const modem = await startFakeModem(pair.b, { answers: {}, dataFromStart: () => undefined });
  late.modem = modem;
  assert.equal(listener.address, pair.a);
  listener.onLink(queue.push);
  const first = await queue.next();
  assert.equal(first.info.transport, 'serial');
  assert.equal(first.info.at, undefined);
  await phoneSends(modem, first, Uint8Array.of(0x80, 0x00, 0x07, 0x10, 0x00, 0x04, 0x00));
  await closeStream(first.stream);
  const second = await queue.next();
  assert.notEqual(second, first);
  await phoneSends(modem, second, Uint8Array.of(0x81, 0x00, 0x03));
  assert.deepEqual(errors.map((e) => e.message), [], 'the reopen found the port free');
});

test('listenTty: close() stops reopening', async (t) => {
  const pair = await createPtyPair();
  const queue = linkQueue();
  const listener = listenTty({ path: pair.a, reopenDelayMs: 10 });
  t.after(async () => {
    await listener.close();
    for (const l of queue.all) await closeStream(l.stream);
    await pair.close();
  });
  listener.onLink(queue.push);
  const first = await queue.next();
  await listener.close();
  assert.equal(first.stream.destroyed, false, 'a link handed out stays open');
  await closeStream(first.stream);
  // 20 times the reopen delay: a reopen would have handed out a second link by now.
  await assert.rejects(queue.next(200), /no link arrived/);
});

test('listenTty: a missing device is reported and retried until it appears', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-pty-'));
  const queue = linkQueue();
  const errors: TransportError[] = [];
  const listener = listenTty({ path: join(dir, 'bridge'), retryDelayMs: 20, onError: (e) => errors.push(e) });
  const late: { pair?: PtyPair; modem?: FakeModem } = {};
  t.after(async () => {
    await listener.close();
    for (const l of queue.all) await closeStream(l.stream);
    await late.modem?.close();
    if (late.pair) await late.pair.close();
    else rmSync(dir, { recursive: true, force: true });
  });
  listener.onLink(queue.push);
  for (let i = 0; i < 250 && errors.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
  assert.ok(errors.length > 0, 'the failed open was reported');
  assert.equal(errors[0]?.code, AT_ERR.TTY_OPEN);
  assert.match(errors[0]?.message ?? '', /no such device/);
  assert.equal(queue.all.length, 0);
  const pair = await createPtyPair(dir);
  late.pair = pair;
  const modem = await startFakeModem(pair.b, { answers: {}, dataFromStart: () => undefined });
  late.modem = modem;
  const link = await queue.next();
  await phoneSends(modem, link, Uint8Array.of(0x80, 0x00, 0x03));
});
