// The virtual phone (../shared/peers/vphone/vphone.py) in phone-client mode: an HTTP endpoint for
// the SyncEvolution client on one side, an OBEX client toward our daemon on the other. Started on
// a free HTTP port (port 0 + --ready-file), stopped by pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface VphoneOptions {
  /** The daemon's OBEX endpoint `host:port`, or a tty (`serial:PATH`) to speak OBEX on. */
  readonly obexTcp: string;
  /** Directory for its log and ready file. */
  readonly dir: string;
  readonly name: string;
  /** Extra vphone arguments (fault injection: --drop-after-messages, --drop-point, --max-packet...). */
  readonly extra?: readonly string[];
  readonly vphonePy: string;
}

/** A running phone-client. */
export class Vphone {
  readonly child: ChildProcess;
  readonly log: string;
  #port = 0;

  private constructor(child: ChildProcess, log: string) {
    this.child = child;
    this.log = log;
  }

  static async start(o: VphoneOptions): Promise<Vphone> {
    const ready = join(o.dir, `${o.name}.port`);
    const log = join(o.dir, `${o.name}.log`);
    const link = o.obexTcp.startsWith('serial:') ? ['--serial', o.obexTcp.slice(7)] : ['--obex-tcp', o.obexTcp];
    const child = spawn('/usr/bin/python3', [o.vphonePy, 'phone-client', ...link, '--http', '127.0.0.1:0',
      '--ready-file', ready, '--log', log, '--quiet', '--max-runtime', '900', ...(o.extra ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (b: Buffer) => { stderr += b.toString(); });
    const v = new Vphone(child, log);
    for (let i = 0; i < 300 && !existsSync(ready); i++) {
      if (child.exitCode !== null) throw new Error(`vphone exited ${child.exitCode}: ${stderr}`);
      await sleep(50);
    }
    if (!existsSync(ready)) {
      child.kill('SIGKILL');
      throw new Error(`vphone did not become ready: ${stderr}`);
    }
    v.#port = Number(readFileSync(ready, 'utf8').trim());
    return v;
  }

  /** The URL to give the SyncEvolution client. */
  get url(): string {
    return `http://127.0.0.1:${this.#port}/sync`;
  }

  /** Stop it (SIGTERM, then SIGKILL) and wait for the exit. */
  async stop(): Promise<void> {
    await stopChild(this.child);
  }

  /** Lines of its log that report protocol violations by the daemon. */
  violations(): string[] {
    if (!existsSync(this.log)) return [];
    return readFileSync(this.log, 'utf8').split('\n').filter((l) => l.includes('VIOLATION'));
  }
}

/** Our daemon, run from source (`src/daemon/main.ts` through tsx) so no build is needed. */
export class BridgeDaemon {
  readonly child: ChildProcess;
  out = '';
  err = '';

  private constructor(child: ChildProcess) {
    this.child = child;
    child.stdout?.on('data', (b: Buffer) => { this.out += b.toString(); });
    child.stderr?.on('data', (b: Buffer) => { this.err += b.toString(); });
  }

  static async start(root: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<BridgeDaemon> {
    const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/daemon/main.ts'), 'serve', ...args], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const d = new BridgeDaemon(child);
    for (let i = 0; i < 400 && !d.out.includes('ready'); i++) {
      if (child.exitCode !== null) throw new Error(`daemon exited ${child.exitCode}: ${d.out}${d.err}`);
      await sleep(50);
    }
    if (!d.out.includes('ready')) {
      child.kill('SIGKILL');
      throw new Error(`daemon not ready: ${d.out}${d.err}`);
    }
    return d;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** JSON log lines (the daemon logs JSON when stderr is not a TTY). */
  logs(): Record<string, unknown>[] {
    return this.err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** SIGTERM and wait; resolves with the exit code (SIGKILL after 10 s as a safety net). */
  async stop(): Promise<number | null> {
    if (!this.alive) return this.child.exitCode;
    const exited = new Promise<number | null>((r) => this.child.once('exit', (code) => r(code)));
    this.child.kill('SIGTERM');
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(t);
    return code;
  }
}

/** A socat pseudo-terminal pair: two linked ttys named `a` and `b` in `dir` (Debian package socat). */
export class PtyPair {
  readonly child: ChildProcess;
  readonly a: string;
  readonly b: string;

  private constructor(child: ChildProcess, a: string, b: string) {
    this.child = child;
    this.a = a;
    this.b = b;
  }

  static async start(dir: string): Promise<PtyPair> {
    if (!existsSync('/usr/bin/socat')) throw new Error('socat is missing: apt-get install socat');
    const a = join(dir, 'tty-a');
    const b = join(dir, 'tty-b');
    const child = spawn('/usr/bin/socat', ['-d', '-d', `pty,raw,echo=0,link=${a}`, `pty,raw,echo=0,link=${b}`], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => { err += d.toString(); });
    const pair = new PtyPair(child, a, b);
    for (let i = 0; i < 200 && !(existsSync(a) && existsSync(b)); i++) {
      if (child.exitCode !== null) throw new Error(`socat exited ${child.exitCode}: ${err}`);
      await sleep(25);
    }
    if (!(existsSync(a) && existsSync(b))) {
      await pair.stop();
      throw new Error(`socat did not create the pty pair: ${err}`);
    }
    return pair;
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((r) => this.child.once('exit', () => r()));
    this.child.kill('SIGTERM');
    await exited;
  }
}

export interface PhoneServerOptions {
  readonly vphonePy: string;
  /** The peers copy's folder (syncevo-client.sh). */
  readonly peers: string;
  readonly dir: string;
  readonly name: string;
  /** The phone's SyncEvolution data directory (one vCard per file). */
  readonly phoneData: string;
  /** `tcp` (a loopback port is chosen) or a tty path: vphone answers AT commands there first. */
  readonly link: 'tcp' | { readonly serial: string };
  /** The SyncML device id SyncEvolution sends. */
  readonly deviceId: string;
  /** Extra SyncEvolution environment (SYNCEVO_URI=Contact, ...). */
  readonly env?: readonly string[];
  /** Run this before SyncEvolution: `WRAPPER SAN_SERVER_ID bash syncevo-client.sh ...`. */
  readonly wrapper?: string;
  readonly extra?: readonly string[];
}

/**
 * vphone in phone-server mode ("PC Suite" phone: OBEX server, SyncML client): on our SAN it runs
 * SyncEvolution's client (syncevo-client.sh) on `phoneData`; its HTTP requests become the GETs
 * our `sync` command answers.
 */
export class PhoneServer {
  readonly child: ChildProcess;
  readonly log: string;
  readonly syncLog: string;
  port = 0;
  #stderr = '';

  private constructor(child: ChildProcess, log: string, syncLog: string) {
    this.child = child;
    this.log = log;
    this.syncLog = syncLog;
    child.stderr?.on('data', (b: Buffer) => { this.#stderr += b.toString(); });
  }

  static async start(o: PhoneServerOptions, httpPort: number): Promise<PhoneServer> {
    const ready = join(o.dir, `${o.name}.port`);
    const log = join(o.dir, `${o.name}.log`);
    const syncLog = join(o.dir, `${o.name}-syncevolution.log`);
    const client = `bash ${join(o.peers, 'syncevo-client.sh')} {url} test test ${o.phoneData} {san_mode} on`;
    const syncCmd = o.wrapper === undefined ? client : `${o.wrapper} {san_server_id} ${client}`;
    const env = [`SYNCEVO_DEVICE_ID=${o.deviceId}`, `SYNCEVO_CLIENT_HOME=${join(o.dir, `${o.name}-state`)}`, 'SYNCEVO_LOGDIR=none', 'SYNCEVO_PREVENT_SLOW_SYNC=0', ...(o.env ?? [])];
    const link = o.link === 'tcp' ? ['--listen', '127.0.0.1:0', '--ready-file', ready] : ['--serial', o.link.serial, '--at-mode', 'on'];
    const child = spawn('/usr/bin/python3', [o.vphonePy, 'phone-server', ...link, '--http', `127.0.0.1:${httpPort}`, '--sync-cmd', syncCmd,
      ...env.flatMap((e) => ['--sync-env', e]), '--sync-output', syncLog, '--log', log, '--quiet', '--max-runtime', '900', '--sync-grace', '5',
      ...(o.extra ?? [])], { stdio: ['ignore', 'ignore', 'pipe'] });
    const p = new PhoneServer(child, log, syncLog);
    if (o.link === 'tcp') {
      for (let i = 0; i < 300 && !existsSync(ready); i++) {
        if (child.exitCode !== null) throw new Error(`vphone phone-server exited ${child.exitCode}: ${p.#stderr}`);
        await sleep(50);
      }
      if (!existsSync(ready)) {
        child.kill('SIGKILL');
        throw new Error(`vphone phone-server did not become ready: ${p.#stderr}`);
      }
      p.port = Number(readFileSync(ready, 'utf8').trim());
    } else {
      // on a tty it is ready once its log says it opened the port
      for (let i = 0; i < 300 && !p.logText().includes('serial line'); i++) {
        if (child.exitCode !== null) throw new Error(`vphone phone-server exited ${child.exitCode}: ${p.#stderr}`);
        await sleep(50);
      }
    }
    return p;
  }

  /** SyncEvolution's summary lines (`syncevo-client: OK ...`), one per run that ended. */
  runs(): string[] {
    return existsSync(this.syncLog) ? readFileSync(this.syncLog, 'utf8').split('\n').filter((l) => l.startsWith('syncevo-client:')) : [];
  }

  /** Wait until `n` SyncEvolution runs have ended (it writes its line after our DISCONNECT). */
  async waitRuns(n: number): Promise<string[]> {
    for (let i = 0; i < 400 && this.runs().length < n; i++) await sleep(50);
    return this.runs();
  }

  logText(): string {
    return existsSync(this.log) ? readFileSync(this.log, 'utf8') : '';
  }

  async stop(): Promise<void> {
    await stopChild(this.child);
  }
}

/** SIGTERM, then SIGKILL after 5 s; resolves once the process has exited. */
async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(t);
}
