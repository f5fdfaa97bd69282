// `serve --relay passthrough`: the relay flags of the command line, listening for real, and a
// SIGTERM that ends open phone links cleanly with status 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ROOT, runBin } from '../helpers/cli.js';
import { BridgeDaemon } from '../helpers/vphone.js';
import { freePort } from '../helpers/syncevo.js';
import { resolveConfig } from '../../src/daemon/config.js';
import { ConfigError } from '../../src/errors.js';
import { connectTcp } from '../../src/transport/tcp.js';

test('relay options: --upstream-encoding and --upstream-ca are validated and resolved', () => {
  const cfg = resolveConfig({ relay: 'passthrough', upstream: 'https://up.example/sync', upstreamEncoding: 'wbxml', upstreamCa: 'ca.pem' }, '/srv');
  assert.equal(cfg.relay?.upstreamEncoding, 'wbxml');
  assert.equal(cfg.relay?.caFile, '/srv/ca.pem');
  assert.equal(resolveConfig({ relay: 'passthrough', upstream: 'http://up/' }).relay?.upstreamEncoding, undefined);
  assert.throws(() => resolveConfig({ relay: 'passthrough', upstream: 'http://up/', upstreamEncoding: 'json' }), (e: unknown) => e instanceof ConfigError && /--upstream-encoding: 'json'/.test(e.message));
  assert.throws(() => resolveConfig({ upstreamEncoding: 'xml' }), (e: unknown) => e instanceof ConfigError && /need --relay/.test(e.message));
});

test('serve: a bad --upstream-encoding exits 2; an unreadable CA file exits 2; a taken port exits 1, each with one line', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-serve-'));
  try {
    const bad = runBin(['serve', '--data-dir', dir, '--relay', 'passthrough', '--upstream', 'http://127.0.0.1:1/x', '--upstream-encoding', 'json']);
    assert.equal(bad.status, 2, bad.stderr);
    const ca = runBin(['serve', '--data-dir', dir, '--relay', 'passthrough', '--upstream', 'https://127.0.0.1:1/x', '--upstream-ca', join(dir, 'missing.pem')]);
    assert.equal(ca.status, 2, ca.stderr);
    assert.match(ca.stderr, /--upstream-ca: cannot read/);
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, '127.0.0.1', () => r()));
    const port = (taken.address() as AddressInfo).port;
    try {
      const r = runBin(['serve', '--data-dir', dir, '--obex-tcp', `127.0.0.1:${port}`, '--relay', 'passthrough', '--upstream', 'http://127.0.0.1:1/x', '--log-level', 'silent']);
      assert.equal(r.status, 1, r.stderr);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+/);
    } finally {
      taken.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('serve --relay listens on OBEX/TCP; SIGTERM ends an open phone link and exits 0', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-serve-'));
  const port = await freePort();
  const d = await BridgeDaemon.start(ROOT, ['--data-dir', dir, '--obex-tcp', `127.0.0.1:${port}`, '--http', '127.0.0.1:1', '--relay', 'passthrough', '--upstream', 'http://127.0.0.1:1/x', '--log-level', 'info']);
  try {
    assert.match(d.out, new RegExp(`OBEX over TCP: 127\\.0\\.0\\.1:${port} \\(Target SYNCML-SYNC\\)\\n`));
    const link = await connectTcp('127.0.0.1', port);
    // CONNECT with Target SYNCML-SYNC: the pump answers 0xA0.
    const target = Buffer.from('SYNCML-SYNC');
    const len = 7 + 3 + target.length;
    link.stream.write(Buffer.concat([Buffer.from([0x80, 0, len, 0x10, 0, 0x04, 0x00, 0x46, 0, 3 + target.length]), target]));
    const answer = await new Promise<Buffer>((r) => link.stream.once('data', r));
    assert.equal(answer[0], 0xa0);
    const closed = new Promise<void>((r) => link.stream.once('close', () => r()));
    assert.equal(await d.stop(), 0);
    await closed;
    for (let i = 0; i < 20 && !d.err.includes('"stopped"'); i++) await sleep(50);
    const outcome = d.logs().find((l) => l.outcome !== undefined)?.outcome as Record<string, unknown> | undefined;
    assert.equal(outcome?.result, 'shutdown', d.err);
    assert.ok(d.logs().some((l) => l.msg === 'stopped'));
  } finally {
    await d.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
