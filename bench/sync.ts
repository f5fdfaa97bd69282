/**
 * Sync benchmark: the same real SyncEvolution HTTP client (peers' syncevo-client.sh) against
 * the bridge's HTTP listener and against SyncEvolution's own server (syncevo-http-server), in
 * one run:
 *   phase slow:    slow sync of N generated contacts (peers' gen-vcards.py) into an empty server;
 *   phase two-way: C client-side changes (edits, adds, deletes) on that N-contact store.
 * Per phase and server: client-observed wall time, server CPU (utime+stime from /proc; for
 * SyncEvolution the dbus-server with its reaped per-session helpers plus the HTTP front-end),
 * server peak RSS (VmHWM, summed over the server's processes), SyncML messages (HTTP POSTs)
 * and body bytes (the peers' shim counts them). Then the ratios bridge/syncevo.
 * Any failed or wrong sync (status, item counts on both sides) makes it exit 1.
 *
 * Usage: npm run bench:sync [-- --n 5000 --changes 10 --wbxml on|off --servers syncevo,bridge --keep]
 *        (or BENCH_N, BENCH_CHANGES, BENCH_WBXML, BENCH_SERVERS, BENCH_KEEP=1, BENCH_BRIDGE_LOG_LEVEL)
 * Needs the Debian peers (see ../shared/peers/README.md) and a built dist/ (`npm run build`);
 * BENCH_BRIDGE_BIN=/other/checkout/bin/syncml-bridge.js runs another build of the bridge.
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { cpSync, createWriteStream, existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { BIN } from '../test/helpers/cli.js';
import { copyPeers, freePort, genVcards, itemCount, requireSyncEvolution, run, runClient, SyncEvoServer, type PeersCopy } from '../test/helpers/syncevo.js';
import { cpuSeconds, resetPeakRss, sleep, startSampler, type SamplerResult } from './lib/proc.js';

const opt = (name: string, env: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? '') : (process.env[env] ?? dflt);
};
const N = Number(opt('n', 'BENCH_N', '5000'));
const CHANGES = Number(opt('changes', 'BENCH_CHANGES', '10'));
const WBXML = opt('wbxml', 'BENCH_WBXML', 'on') !== 'off';
const SERVERS = opt('servers', 'BENCH_SERVERS', 'syncevo,bridge').split(',').filter((s) => s !== '');
const KEEP = process.argv.includes('--keep') || process.env['BENCH_KEEP'] === '1';
const BRIDGE_LOG_LEVEL = process.env['BENCH_BRIDGE_LOG_LEVEL'] ?? 'warn';
/** The bridge executable (another build's bin/syncml-bridge.js to compare builds). */
const BRIDGE_BIN = resolve(process.env['BENCH_BRIDGE_BIN'] ?? BIN);
const SEED = 2024;
const DEVICE_ID = 'syncevo-peer-client';

/** One server under test: its URL, the processes to measure, how to count its items. */
interface Target {
  readonly name: string;
  readonly url: string;
  /** [pid, include reaped children] whose CPU time counts as the server's. */
  readonly cpuPids: readonly (readonly [number, boolean])[];
  /** Long-running processes for the sampler (label -> pid), and per-session ones by comm. */
  readonly rssPids: Readonly<Record<string, number>>;
  readonly rssComm?: { prefix: string; label: string; parent: number };
  itemCount(): Promise<number>;
  stop(): Promise<void>;
}

interface PhaseResult {
  readonly server: string;
  readonly phase: string;
  readonly wallS: number;
  readonly cpuS: number;
  readonly rssMb: number;
  readonly msgs: number;
  readonly sent: number;
  readonly received: number;
  readonly detail: string;
}

class BenchFailure extends Error {}

/** A one-shot bridge command (user add, export). */
function bridgeCli(args: readonly string[], input = ''): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BRIDGE_BIN, ...args], { input, maxBuffer: 1 << 30, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

async function startSyncevo(copy: PeersCopy, work: string): Promise<Target> {
  const port = await freePort();
  const dataDir = join(work, 'syncevo-server-data');
  const server = new SyncEvoServer(copy, port, dataDir, [DEVICE_ID]);
  await server.start();
  const pids = await run('bash', [join(copy.peers, 'syncevo-server.sh'), 'pids', String(port)]);
  const pid = (key: string): number => {
    const v = Number(new RegExp(`${key}=(\\d+)`).exec(pids.stdout)?.[1]);
    if (!Number.isInteger(v) || v <= 0) throw new BenchFailure(`syncevo-server.sh pids: no ${key} in '${pids.stdout.trim()}'`);
    return v;
  };
  const dbus = pid('dbus-server');
  const http = pid('http');
  return {
    name: 'syncevo', url: server.url,
    cpuPids: [[dbus, true], [http, false]],
    rssPids: { 'dbus-server': dbus, 'http-server': http },
    rssComm: { prefix: 'syncevo-dbus-he', label: 'helper', parent: dbus },
    itemCount: async () => itemCount(dataDir),
    stop: () => server.stop(),
  };
}

async function startBridge(work: string): Promise<Target> {
  const root = dirname(dirname(BRIDGE_BIN));
  const main = join(root, 'dist/daemon/main.js');
  if (!existsSync(main)) throw new BenchFailure(`the bridge is not built: ${main} is missing (npm run build)`);
  const newest = (dir: string): number => Math.max(...readdirSync(dir, { recursive: true, encoding: 'utf8' }).map((f) => statSync(join(dir, f)).mtimeMs));
  if (existsSync(join(root, 'src')) && newest(join(root, 'src')) > statSync(main).mtimeMs) console.log('bench: note: src/ is newer than dist/ (npm run build for current code)');
  const dataDir = join(work, 'bridge-data');
  const added = bridgeCli(['user', 'add', 'test', '--password-stdin', '--data-dir', dataDir], 'test\n');
  if (added.status !== 0) throw new BenchFailure(`syncml-bridge user add failed (${String(added.status)}): ${added.stderr.trim()}`);
  const [port, obexPort] = [await freePort(), await freePort()];
  const child = spawn(process.execPath, [BRIDGE_BIN, 'serve', '--data-dir', dataDir, '--http', `127.0.0.1:${port}`, '--obex-tcp', `127.0.0.1:${obexPort}`,
    '--log-level', BRIDGE_LOG_LEVEL], { cwd: work });
  const log = createWriteStream(join(work, 'bridge.log'));
  let out = '';
  child.stdout.on('data', (b: Buffer) => { out += b.toString(); log.write(b); });
  child.stderr.on('data', (b: Buffer) => log.write(b));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const ready = await Promise.race([
    (async () => { while (!out.includes('syncml-bridge: ready')) await sleep(50); return true; })(),
    exited.then(() => false),
    sleep(30_000).then(() => false),
  ]);
  if (!ready) {
    child.kill('SIGTERM');
    throw new BenchFailure(`syncml-bridge serve did not get ready (see ${join(work, 'bridge.log')}): ${out.trim().split('\n').at(-1) ?? ''}`);
  }
  const pid = child.pid!;
  return {
    name: 'bridge', url: `http://127.0.0.1:${port}/sync`,
    cpuPids: [[pid, true]],
    rssPids: { node: pid },
    itemCount: async () => {
      const r = bridgeCli(['export', '--user', 'test', '--store', 'contacts', '--format', 'json', '--data-dir', dataDir]);
      if (r.status !== 0) throw new BenchFailure(`syncml-bridge export failed (${String(r.status)}): ${r.stderr.trim()}`);
      return (JSON.parse(r.stdout) as unknown[]).length;
    },
    stop: () => stopChild(child, exited),
  };
}

async function stopChild(child: ChildProcessWithoutNullStreams, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  if (await Promise.race([exited.then(() => true), sleep(10_000).then(() => false)])) return;
  child.kill('SIGKILL');
  await exited;
}

/** C changes in a client data dir: about half edits, a quarter adds, a quarter deletes. */
function changeClient(dir: string, addsDir: string, changes: number): { adds: number; mods: number; dels: number } {
  const adds = Math.floor(changes / 4);
  const dels = Math.floor(changes / 4);
  const mods = changes - adds - dels;
  const files = readdirSync(dir).filter((f) => f.endsWith('.vcf')).sort();
  const step = Math.max(1, Math.floor(files.length / (mods + 1)));
  for (let k = 0; k < mods; k++) {
    const f = join(dir, files[k * step]!);
    const card = readFileSync(f, 'utf8');
    const email = /VERSION:2\.1/.test(card) ? `EMAIL;INTERNET:bench-edit-${k}@example.org` : `EMAIL;TYPE=INTERNET:bench-edit-${k}@example.org`;
    writeFileSync(f, card.replace(/END:VCARD/, `${email}\r\nEND:VCARD`));
  }
  for (let k = 0; k < dels; k++) rmSync(join(dir, files[files.length - 1 - k]!));
  readdirSync(addsDir).sort().slice(0, adds).forEach((f, k) => cpSync(join(addsDir, f), join(dir, `bench-add-${k}.vcf`)));
  return { adds, mods, dels };
}

const num = (line: string, key: string): number => Number(new RegExp(` ${key}=([\\d.]+)`).exec(line)?.[1] ?? Number.NaN);

/** One client sync against a target, measured; throws BenchFailure when it did not do what was expected. */
async function phase(copy: PeersCopy, t: Target, work: string, label: string, mode: string, clientDir: string,
  expect: { local: number[]; remote: number[]; serverItems: number }): Promise<PhaseResult> {
  const longRunning = Object.values(t.rssPids);
  for (const pid of longRunning) resetPeakRss(pid);
  const sampler = await startSampler(copy.peers, join(work, `${t.name}-${mode}-rss.json`), t.rssPids, t.rssComm);
  const cpu0 = t.cpuPids.map(([pid, ch]) => cpuSeconds(pid, ch));
  const r = await runClient(copy, { url: t.url, dataDir: clientDir, mode, wbxml: WBXML, deviceId: DEVICE_ID, home: join(work, `client-${t.name}`) });
  await sleep(500); // the per-session helper exits and is reaped; the last samples are taken
  const cpu = t.cpuPids.reduce((s, [pid, ch], i) => s + cpuSeconds(pid, ch) - cpu0[i]!, 0);
  const rss: SamplerResult = await sampler.stop();
  if (!r.ok) throw new BenchFailure(`${t.name} ${label}: the sync failed: ${r.line}`);
  const same = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x, i) => x === b[i]);
  if (!same(r.local, expect.local) || !same(r.remote, expect.remote)) {
    throw new BenchFailure(`${t.name} ${label}: expected local=${expect.local.join('/')} remote=${expect.remote.join('/')}: ${r.line}`);
  }
  const items = await t.itemCount();
  if (items !== expect.serverItems) throw new BenchFailure(`${t.name} ${label}: the server holds ${items} items, expected ${expect.serverItems}`);
  const parts = Object.entries(rss).map(([k, v]) => [k, v?.hwm_kb ?? 0, v?.cpu_s ?? 0] as const);
  return {
    server: t.name, phase: label, wallS: num(r.line, 'wall'), cpuS: cpu,
    rssMb: parts.reduce((s, [, kb]) => s + kb, 0) / 1000,
    msgs: num(r.line, 'requests'), sent: num(r.line, 'sent'), received: num(r.line, 'received'),
    detail: parts.map(([k, kb, c]) => `${k} ${(kb / 1000).toFixed(1)} MB/${c.toFixed(2)} s`).join(', '),
  };
}

async function benchServer(copy: PeersCopy, work: string, name: string, master: string, addsDir: string, results: PhaseResult[]): Promise<void> {
  const clientDir = join(work, `client-data-${name}`);
  cpSync(master, clientDir, { recursive: true });
  console.log(`bench: ${name}: starting`);
  const t = name === 'syncevo' ? await startSyncevo(copy, work) : await startBridge(work);
  try {
    console.log(`bench: ${name}: slow sync of ${N} contacts to ${t.url}`);
    results.push(await phase(copy, t, work, `slow ${N}`, 'slow', clientDir, { local: [0, 0, 0, 0], remote: [N, 0, 0, 0], serverItems: N }));
    const c = changeClient(clientDir, addsDir, CHANGES);
    console.log(`bench: ${name}: two-way with ${CHANGES} client changes (${c.mods} edits, ${c.adds} adds, ${c.dels} deletes)`);
    results.push(await phase(copy, t, work, `two-way ${CHANGES}`, 'two-way', clientDir,
      { local: [0, 0, 0, 0], remote: [c.adds, c.mods, c.dels, 0], serverItems: N + c.adds - c.dels }));
  } finally {
    await t.stop();
  }
}

function printTable(results: readonly PhaseResult[]): void {
  const int = (v: number): string => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-US') : '?');
  const rows = [['phase', 'server', 'wall s', 'CPU s', 'peak RSS MB', 'msgs', 'bytes c->s', 'bytes s->c'],
    ...results.map((r) => [r.phase, r.server, r.wallS.toFixed(2), r.cpuS.toFixed(2), r.rssMb.toFixed(1), int(r.msgs), int(r.sent), int(r.received)])];
  const ratio = (a: number, b: number): string => (b > 0 && Number.isFinite(a) ? `${(a / b).toFixed(2)}x` : '-');
  for (const ph of [...new Set(results.map((r) => r.phase))]) {
    const [b, s] = [results.find((r) => r.phase === ph && r.server === 'bridge'), results.find((r) => r.phase === ph && r.server === 'syncevo')];
    if (b !== undefined && s !== undefined) {
      rows.push([ph, 'bridge/syncevo', ratio(b.wallS, s.wallS), ratio(b.cpuS, s.cpuS), ratio(b.rssMb, s.rssMb), ratio(b.msgs, s.msgs), ratio(b.sent, s.sent), ratio(b.received, s.received)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nSyncEvolution client over HTTP, WBXML ${WBXML ? 'on' : 'off'}, ${N} contacts (gen-vcards.py seed ${SEED}), ${CHANGES} changes`);
  for (const r of rows) console.log(r.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  '));
  console.log('\nper process (peak RSS / CPU seen by rss-sampler.py):');
  for (const r of results) console.log(`  ${r.phase} ${r.server}: ${r.detail}`);
}

async function main(): Promise<number> {
  if (!Number.isInteger(N) || N < 1 || !Number.isInteger(CHANGES) || CHANGES < 0) throw new BenchFailure(`bad --n ${N} or --changes ${CHANGES}`);
  const unknown = SERVERS.filter((s) => s !== 'syncevo' && s !== 'bridge');
  if (unknown.length > 0) throw new BenchFailure(`--servers: unknown ${unknown.join(', ')} (syncevo, bridge)`);
  requireSyncEvolution();
  const copy = copyPeers();
  const work = copy.dir;
  const results: PhaseResult[] = [];
  let failure: unknown;
  try {
    const master = join(work, 'contacts');
    const addsDir = join(work, 'adds');
    await genVcards(copy, master, N, SEED);
    await genVcards(copy, addsDir, Math.max(1, CHANGES), SEED + 1);
    for (const f of readdirSync(addsDir)) renameSync(join(addsDir, f), join(addsDir, `add-${f}`));
    for (const name of SERVERS) {
      try {
        await benchServer(copy, work, name, master, addsDir, results);
      } catch (err) {
        failure ??= err;
        console.log(`bench: ${name}: FAILED: ${(err as Error).message}`);
      }
    }
  } finally {
    printTable(results);
    if (KEEP || failure !== undefined) console.log(`\nbench: files kept in ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
  if (failure !== undefined) {
    console.error(`\nbench: FAILED: ${(failure as Error).message}`);
    return 1;
  }
  return 0;
}

main().then((code) => { process.exitCode = code; }, (err: unknown) => {
  console.error(`bench: FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exitCode = 1;
});
