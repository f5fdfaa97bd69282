import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runBin, startBin, waitForOutput } from '../helpers/cli.js';

test('serve prints where it listens, stays up, exits 0 on SIGTERM', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-serve-'));
  const child = startBin(['serve', '--data-dir', join(dir, 'data'), '--obex-tcp', '127.0.0.1:16650', '--http', '127.0.0.1:18280', '--log-level', 'warn']);
  const out = await waitForOutput(child, 'ready');
  assert.match(out, /OBEX over TCP: 127\.0\.0\.1:16650/);
  assert.match(out, /SyncML over HTTP: http:\/\/127\.0\.0\.1:18280\/sync/);
  assert.ok(existsSync(join(dir, 'data')), 'data directory created');
  assert.equal(child.exitCode, null, 'still running');
  child.kill('SIGTERM');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('serve with the embedded default (as npm start runs it)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-serve-'));
  const child = startBin(['serve', '--log-level', 'silent'], dir);
  const out = await waitForOutput(child, 'ready');
  assert.match(out, new RegExp(`data directory: ${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/var`));
  assert.match(out, /OBEX over TCP: 127\.0\.0\.1:6650/);
  assert.match(out, /http:\/\/127\.0\.0\.1:8280\/sync/);
  child.kill('SIGINT');
  const [code] = await once(child, 'exit');
  assert.equal(code, 0);
});

test('serve with a bad value: exit 2, one line naming it', () => {
  const r = runBin(['serve', '--obex-tcp', 'nowhere']);
  assert.equal(r.status, 2);
  assert.equal(r.stderr.trim().split('\n').length, 1);
  assert.match(r.stderr, /--obex-tcp: 'nowhere' is not HOST:PORT/);
});

test('unknown command and unknown option: exit 2', () => {
  assert.equal(runBin(['frobnicate']).status, 2);
  assert.equal(runBin(['serve', '--no-such-flag']).status, 2);
});
