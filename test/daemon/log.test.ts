import { test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { createLogger, childLogger } from '../../src/daemon/log.js';
import { formatLine } from '../../src/daemon/pretty.js';

function capture(format: 'json' | 'pretty'): { lines: () => string[]; log: ReturnType<typeof createLogger> } {
  const sink = new PassThrough();
  let buf = '';
  sink.on('data', (b: Buffer) => { buf += b.toString(); });
  const log = createLogger({ level: 'debug', format, destination: sink });
  return { log, lines: () => buf.split('\n').filter((l) => l !== '') };
}

test('JSON lines carry device/session/datastore context and redact secrets', async () => {
  const { log, lines } = capture('json');
  const child = childLogger(log, { device: 'IMEI:1', session: '42', datastore: 'contacts' });
  child.info({ password: 'hunter2', cred: { Data: 'abc' }, items: 3 }, 'synced');
  await new Promise((r) => setImmediate(r));
  const rec = JSON.parse(lines()[0]!) as Record<string, unknown>;
  assert.equal(rec.device, 'IMEI:1');
  assert.equal(rec.session, '42');
  assert.equal(rec.datastore, 'contacts');
  assert.equal(rec.password, '[redacted]');
  assert.equal(rec.cred, '[redacted]');
  assert.equal(rec.items, 3);
  assert.equal(rec.msg, 'synced');
});

test('pretty lines: time, level, context, message, extras; multi-line values as a block', () => {
  const line = JSON.stringify({ level: 20, time: Date.UTC(2026, 0, 1, 12, 0, 0, 5), device: 'd1', session: 's', msg: 'message in', bytes: 12, syncml: '<SyncML>\n</SyncML>' });
  assert.equal(formatLine(line), '12:00:00.005 DEBUG [device=d1 session=s] message in bytes=12\n<SyncML>\n</SyncML>');
  assert.equal(formatLine('not json'), 'not json');
});

test('pretty logger writes formatted lines', async () => {
  const { log, lines } = capture('pretty');
  log.warn({ link: 'tcp' }, 'careful');
  await new Promise((r) => setImmediate(r));
  assert.match(lines()[0]!, /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[link=tcp\] careful$/);
});
