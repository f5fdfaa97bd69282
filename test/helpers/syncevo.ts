// Real SyncEvolution peers for the relay tests: a private copy of ../shared/peers (so every
// state dir, port registry and the built shim live in a temp dir of this test run), the
// syncevo-http-server stack, and the SyncEvolution HTTP client. Every process is stopped by
// the scripts' own `stop` (pid files), never by name.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './cli.js';
import { PEERS } from './peers.js';
import { qpDecode } from '../../src/formats/qp.js';

// The peers' tests have always taken `run` from here; it lives in cli.ts, which needs no peers.
export { run };

/** Debian packages the real peers need, by the tool that is missing. */
const NEEDED: readonly [string, string][] = [
  ['/usr/bin/syncevolution', 'syncevolution'],
  ['/usr/bin/syncevo-http-server', 'syncevolution-http'],
  ['/usr/libexec/syncevo-dbus-server', 'syncevolution-dbus'],
  ['/usr/bin/dbus-daemon', 'dbus-daemon (dbus)'],
  ['/usr/bin/gcc', 'gcc (to build the LD_PRELOAD shim)'],
  ['/usr/bin/socat', 'socat'],
];

/** Fail (never skip) when a tool is missing, naming the Debian package. */
export function requireSyncEvolution(): void {
  const missing = NEEDED.filter(([path]) => !existsSync(path)).map(([, pkg]) => pkg);
  let twisted = true;
  try {
    execFileSync('/usr/bin/python3', ['-c', 'import twisted'], { stdio: 'ignore' });
  } catch {
    twisted = false;
  }
  if (!twisted) missing.push('python3-twisted');
  if (missing.length > 0) throw new Error(`the real SyncEvolution peers need the Debian packages: ${missing.join(', ')} (apt-get install them)`);
}

/** A free TCP port on 127.0.0.1 (bind to 0, read it back, release it). */
export async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A private copy of the peers directory in a fresh temp dir. */
export interface PeersCopy {
  readonly dir: string;
  readonly peers: string;
}

export function copyPeers(): PeersCopy {
  const dir = mkdtempSync(join(tmpdir(), 'sb-relay-e2e-'));
  const peers = join(dir, 'peers');
  cpSync(PEERS, peers, { recursive: true, filter: (src) => !src.includes('/run/') && !src.endsWith('/run') && !src.endsWith('.so') });
  execFileSync('sh', [join(peers, 'shim/build.sh')], { stdio: 'ignore' });
  return { dir, peers };
}

/** One syncevo-http-server stack (private dbus-daemon, syncevo-dbus-server, HTTP front-end). */
export class SyncEvoServer {
  constructor(readonly copy: PeersCopy, readonly port: number, readonly dataDir: string, readonly clientIds: readonly string[]) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}/syncevolution`;
  }

  #env(): NodeJS.ProcessEnv {
    return { SYNCEVO_CLIENT_IDS: this.clientIds.join(' '), SYNCEVO_LOGDIR: 'none', SYNCEVO_SERVER_HOME: join(this.copy.dir, `server-${this.port}`) };
  }

  async start(): Promise<void> {
    const r = await run('bash', [join(this.copy.peers, 'syncevo-server.sh'), 'start', String(this.port), this.dataDir], this.#env(), 60_000);
    if (r.code !== 0) throw new Error(`syncevo-server start failed (${r.code}): ${r.stdout}${r.stderr}`);
  }

  async stop(): Promise<void> {
    await run('bash', [join(this.copy.peers, 'syncevo-server.sh'), 'stop', String(this.port)], this.#env(), 60_000);
  }
}

/** Result of one SyncEvolution client run (the script's summary line parsed). */
export interface ClientRun {
  readonly code: number;
  readonly line: string;
  readonly ok: boolean;
  /** NEW/MOD/DEL/ERR on the client side and the server side. */
  readonly local: readonly number[];
  readonly remote: readonly number[];
}

/** Run the SyncEvolution HTTP client once (through syncevo-client.sh of the copy). */
export async function runClient(copy: PeersCopy, opts: {
  url: string; dataDir: string; mode: string; wbxml: boolean; deviceId: string; home: string; env?: NodeJS.ProcessEnv;
}): Promise<ClientRun> {
  const r = await run('bash', [join(copy.peers, 'syncevo-client.sh'), opts.url, 'test', 'test', opts.dataDir, opts.mode, opts.wbxml ? 'on' : 'off'], {
    SYNCEVO_DEVICE_ID: opts.deviceId, SYNCEVO_CLIENT_HOME: opts.home, SYNCEVO_LOGDIR: 'none', ...opts.env,
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('syncevo-client:')) ?? `${r.stdout}${r.stderr}`;
  const nums = (key: string): number[] => (new RegExp(`${key}=(\\d+)/(\\d+)/(\\d+)/(\\d+)`).exec(line)?.slice(1) ?? []).map(Number);
  return { code: r.code, line, ok: r.code === 0 && line.startsWith('syncevo-client: OK'), local: nums('local'), remote: nums('remote') };
}

/** Generate `count` deterministic vCards into `dir`. */
export async function genVcards(copy: PeersCopy, dir: string, count: number, seed: number): Promise<void> {
  const r = await run('/usr/bin/python3', [join(copy.peers, 'gen-vcards.py'), '--out', dir, '--count', String(count), '--seed', String(seed)]);
  if (r.code !== 0) throw new Error(`gen-vcards failed: ${r.stderr}`);
}

/** The FN of one vCard, normalised across 2.1/3.0 (QP decoded, 3.0 escapes removed, spaces folded). */
export function normalisedFn(card: string): string | undefined {
  const unfolded = card.replace(/=\r?\n/g, (m) => (/ENCODING=QUOTED-PRINTABLE/i.test(card) ? '' : m)).replace(/\r?\n[ \t]/g, '');
  const m = /^FN((?:;[^:\r\n]*)?):(.*)$/m.exec(unfolded);
  if (m === null) return undefined;
  let value = m[2]!.replace(/\r$/, '');
  if (/ENCODING=QUOTED-PRINTABLE/i.test(m[1]!)) value = new TextDecoder().decode(qpDecode(value));
  return value.replace(/\\([,;\\])/g, '$1').replace(/\\n/gi, ' ').replace(/\s+/g, ' ').trim();
}

/** The normalised FN of every vCard file in a directory (one item per file), sorted. */
export function fnSet(dir: string): string[] {
  const out: string[] = [];
  for (const f of readdirSync(dir)) {
    if (f.startsWith('.')) continue;
    out.push(normalisedFn(readFileSync(join(dir, f), 'utf8')) ?? `<no FN in ${f}>`);
  }
  return out.sort();
}

/** Number of item files in a directory. */
export function itemCount(dir: string): number {
  return existsSync(dir) ? readdirSync(dir).filter((f) => !f.startsWith('.')).length : 0;
}
