// Metrics: engine events counted on a registry of our own, served by a real HTTP server on port 0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { register as globalRegister } from 'prom-client';
import { BridgeMetrics } from '../../src/daemon/metrics.js';
import type { EngineEvent } from '../../src/ds/types.js';

async function withServer(metrics: BridgeMetrics, body: (base: string) => Promise<void>): Promise<void> {
  const server = createServer((req, res) => {
    if (!metrics.handle(req, res)) res.writeHead(404).end('not found\n');
  });
  await new Promise<void>((resolveListen) => server.listen(0, '127.0.0.1', resolveListen));
  try {
    await body(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolveClose) => server.close(() => resolveClose()));
  }
}

/** The value of one sample line (`name{labels} value`), or undefined. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(series + ' '));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const session: EngineEvent[] = [
  { type: 'auth', ok: true, user: 'anna', method: 'md5', status: 212 },
  { type: 'devinf', man: 'Nokia', mod: '6230i', changed: true },
  { type: 'alert', kind: 'contacts', uri: 'Contacts', requested: 200, mode: 'two-way', status: 200, reason: 'ok' },
  { type: 'item', kind: 'contacts', direction: 'from-client', op: 'add', status: 201 },
  { type: 'item', kind: 'contacts', direction: 'from-client', op: 'add', status: 201 },
  { type: 'item', kind: 'contacts', direction: 'to-client', op: 'replace', status: 200 },
  { type: 'item', kind: 'contacts', direction: 'to-client', op: 'delete', status: 500 },
  { type: 'conflict', kind: 'contacts', guid: 'g1', resolution: 'server-wins' },
  { type: 'progress', kind: 'contacts', direction: 'from-client', done: 3, expected: 3 },
  { type: 'end', ok: true, reason: 'done', datastores: [] },
];

test('GET /metrics returns the counters and the histogram after engine events', async () => {
  const metrics = new BridgeMetrics();
  const t0 = 1_700_000_000_000;
  for (const e of session) metrics.observe(e, { transport: 'serial', startedAt: t0 }, t0 + 42_000);
  metrics.observe({ type: 'auth', ok: false, method: 'basic', status: 401, reason: 'bad password' }, { transport: 'tcp' });
  metrics.observe({ type: 'locked-out', key: 'anna', until: t0 }, { transport: 'tcp' });
  metrics.observe({ type: 'end', ok: false, reason: 'auth', datastores: [] }, { transport: 'tcp', startedAt: t0 }, t0 + 500);
  metrics.observe({ type: 'refused', status: 406, reason: 'x' }, { transport: 'http' });
  metrics.observe({ type: 'end', ok: true, reason: 'done', datastores: [] }, { transport: 'carrier-pigeon' });
  metrics.countError('transport');
  metrics.countError('Not A Word!');

  await withServer(metrics, async (base) => {
    const res = await fetch(`${base}/metrics`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    const expect: [string, number][] = [
      ['syncml_bridge_sessions_total{transport="serial",result="ok"}', 1],
      ['syncml_bridge_sessions_total{transport="tcp",result="failed"}', 1],
      ['syncml_bridge_sessions_total{transport="other",result="ok"}', 1],
      ['syncml_bridge_items_total{datastore="contacts",direction="from-client",op="add"}', 2],
      ['syncml_bridge_items_total{datastore="contacts",direction="to-client",op="replace"}', 1],
      ['syncml_bridge_errors_total{kind="item"}', 1],
      ['syncml_bridge_errors_total{kind="auth"}', 1],
      ['syncml_bridge_errors_total{kind="locked-out"}', 1],
      ['syncml_bridge_errors_total{kind="session"}', 1],
      ['syncml_bridge_errors_total{kind="refused"}', 1],
      ['syncml_bridge_errors_total{kind="transport"}', 1],
      ['syncml_bridge_errors_total{kind="other"}', 1],
      ['syncml_bridge_conflicts_total{datastore="contacts"}', 1],
      ['syncml_bridge_session_duration_seconds_count{transport="serial",result="ok"}', 1],
      ['syncml_bridge_session_duration_seconds_sum{transport="serial",result="ok"}', 42],
      ['syncml_bridge_session_duration_seconds_bucket{le="30",transport="serial",result="ok"}', 0],
      ['syncml_bridge_session_duration_seconds_bucket{le="60",transport="serial",result="ok"}', 1],
      ['syncml_bridge_session_duration_seconds_sum{transport="tcp",result="failed"}', 0.5],
    ];
    for (const [series, value] of expect) assert.equal(sample(text, series), value, series);
    // A failed delete is an error, not an item.
    assert.equal(sample(text, 'syncml_bridge_items_total{datastore="contacts",direction="to-client",op="delete"}'), undefined);
    // No duration without a start time.
    assert.equal(sample(text, 'syncml_bridge_session_duration_seconds_count{transport="other",result="ok"}'), undefined);
    assert.match(text, /^# TYPE syncml_bridge_session_duration_seconds histogram$/m);
    assert.match(text, /^# HELP syncml_bridge_sessions_total /m);
    // Default process metrics.
    assert.match(text, /^process_cpu_user_seconds_total \d/m);
    assert.match(text, /^nodejs_heap_size_used_bytes \d/m);
    // Nothing from phones ends up in a label.
    assert.doesNotMatch(text, /anna|Nokia|6230i|carrier-pigeon/);
  });
});

test('/metrics: HEAD has no body, other methods get 405, other paths fall through', async () => {
  const metrics = new BridgeMetrics({ defaultMetrics: false });
  metrics.observe({ type: 'end', ok: true, reason: 'done', datastores: [] }, { transport: 'http' });
  await withServer(metrics, async (base) => {
    const head = await fetch(`${base}/metrics`, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.ok(Number(head.headers.get('content-length')) > 0);
    assert.equal(await head.text(), '');
    const post = await fetch(`${base}/metrics`, { method: 'POST', body: 'x' });
    assert.equal(post.status, 405);
    assert.equal(post.headers.get('allow'), 'GET, HEAD');
    assert.equal((await fetch(`${base}/metricsx`)).status, 404);
    const withQuery = await (await fetch(`${base}/metrics?x=1`)).text();
    assert.equal(sample(withQuery, 'syncml_bridge_sessions_total{transport="http",result="ok"}'), 1);
    assert.doesNotMatch(withQuery, /process_cpu/);
  });
});

test('each BridgeMetrics has its own registry; the global default registry stays empty', async () => {
  const a = new BridgeMetrics();
  const b = new BridgeMetrics();
  a.observe({ type: 'end', ok: true, reason: 'done', datastores: [] }, { transport: 'tcp' });
  assert.equal(sample(await a.text(), 'syncml_bridge_sessions_total{transport="tcp",result="ok"}'), 1);
  assert.equal(sample(await b.text(), 'syncml_bridge_sessions_total{transport="tcp",result="ok"}'), undefined);
  assert.equal(globalRegister.getSingleMetric('syncml_bridge_sessions_total'), undefined);
  assert.equal(globalRegister.getSingleMetric('process_cpu_user_seconds_total'), undefined);
});
