// Guest-side harness of the Bluetooth VM test (runs inside the btvm guest, see bluetooth.vm.ts):
// fresh emulated controllers per scenario, the operator's pairing, the bridge started from the
// built bin/ with `serve --bluetooth=hci0`, and phones (SyncEvolution -> vphone -> bt-phone.py
// relay -> RFCOMM on hciN). Every process is tracked and stopped by pid.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { BIN, ROOT, runBin } from '../helpers/cli.js';
import { freePort, normalisedFn, run, runClient, type ClientRun, type PeersCopy } from '../helpers/syncevo.js';
import { PhoneServer, Vphone } from '../helpers/vphone.js';

export const HERE = join(ROOT, 'test/bluetooth-vm');
const BT_PHONE = join(HERE, 'guest/bt-phone.py');
/** Where the test's files live in the guest (tmpfs); copied to the share's log folder at the end. */
export const WORK = '/tmp/btvm-test';
/** The peers copy that prepare.sh made on the host (vphone, syncevo-client.sh, gen-vcards.py, shim). */
export const COPY: PeersCopy = { dir: WORK, peers: join(ROOT, '.cache/btvm/peers') };

/** Fail loudly when this runs anywhere but in the btvm guest. */
export function requireGuest(): void {
  if (!existsSync('/usr/local/bin/btvm-up') || !existsSync('/sys/class/bluetooth')) {
    throw new Error('bluetooth.vm.ts runs inside the btvm guest only: use `npm run test:bluetooth`');
  }
  if (!existsSync(join(COPY.peers, 'syncevo-client.sh'))) throw new Error(`no peers copy at ${COPY.peers}: prepare.sh did not run`);
}

const children = new Set<ChildProcess>();

/** Stop every process this harness started (SIGTERM, then SIGKILL), by pid. */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((c) => stopChild(c)));
}

export async function stopChild(c: ChildProcess): Promise<void> {
  children.delete(c);
  if (c.exitCode !== null || c.signalCode !== null) return;
  const exited = new Promise<void>((r) => c.once('exit', () => r()));
  c.kill('SIGTERM');
  const t = setTimeout(() => c.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(t);
}

/** Start a child and wait until its stdout has a line `ready` matches; it is stopped by stopAll(). */
async function startChild(cmd: string, args: readonly string[], ready: RegExp, what: string, env: NodeJS.ProcessEnv = process.env): Promise<{ child: ChildProcess; out: () => string; err: () => string }> {
  const child = spawn(cmd, [...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout?.on('data', (b: Buffer) => { out += b.toString(); });
  child.stderr?.on('data', (b: Buffer) => { err += b.toString(); });
  for (let i = 0; i < 2400 && !ready.test(out); i++) {
    if (child.exitCode !== null) throw new Error(`${what} exited ${child.exitCode}: ${out}${err}`);
    await sleep(50);
  }
  if (!ready.test(out)) throw new Error(`${what} not ready: ${out}${err}`);
  return { child, out: () => out, err: () => err };
}

/** Fresh btvirt controllers (hci0 = bridge, hci1.. = phones) and bluetoothd: no pairings, no caches. */
export async function freshRadio(phones: number): Promise<void> {
  await stopAll();
  addresses.clear();
  spawnSync('btvm-down', { stdio: 'inherit' });
  // phones are BT 2.x without Secure Connections (and SC on both ends races on these links: btvm README)
  const sc = Array.from({ length: phones }, (_, i) => String(i + 1)).join(' ');
  // BTVM_BTMON=1 on the host (run.sh passes it as /btvm/btmon): a btmon trace per scenario in the logs
  const btmon = existsSync('/btvm/btmon') ? { BTVM_BTMON: '1' } : {};
  let up = spawnSync('btvm-up', [String(phones + 1)], { env: { ...process.env, ...btmon, BTVM_SC_OFF: sc }, encoding: 'utf8' });
  if (up.status !== 0) {
    // under TCG on a busy host btvirt can miss the kernel's HCI init deadline ("Opcode 0x0c03 failed:
    // -110") and btvm-up gives up after 10 s: one fresh try, logged
    console.error(`freshRadio: btvm-up failed, retrying once: ${up.stdout}${up.stderr}`);
    spawnSync('btvm-down', { stdio: 'inherit' });
    up = spawnSync('btvm-up', [String(phones + 1)], { env: { ...process.env, ...btmon, BTVM_SC_OFF: sc }, encoding: 'utf8' });
  }
  assert.equal(up.status, 0, `btvm-up failed: ${up.stdout}${up.stderr}`);
  await startChild('/usr/bin/python3', [BT_PHONE, 'agent'], /^READY$/m, 'the Bluetooth agent');
}

const addresses = new Map<string, string>();

/** hciN's address as bluetoothd reports it (sysfs has none for these controllers). */
export function adapterAddress(adapter: string): string {
  const known = addresses.get(adapter);
  if (known !== undefined) return known;
  const r = spawnSync('/usr/bin/python3', [BT_PHONE, 'addr', adapter], { encoding: 'utf8', timeout: 60_000 });
  const m = /([0-9A-Fa-f:]{17})/.exec(r.stdout);
  assert.ok(m !== null, `no address for ${adapter}: ${r.stdout}${r.stderr}`);
  addresses.set(adapter, m[1]!.toUpperCase());
  return m[1]!.toUpperCase();
}

/** The adapter's ACL links: peer address and connection handle (`hcitool con`). */
export function aclLinks(adapter: string): Array<{ peer: string; handle: number }> {
  const r = spawnSync('/usr/bin/python3', [BT_PHONE, 'acl', adapter], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `acl ${adapter}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as Array<{ peer: string; handle: number }>;
}

/** Wait (at most 30 s) until none of the adapters has an ACL link left (the kernel drops idle ones after ~2 s). */
export async function noAcl(adapters: readonly string[]): Promise<void> {
  const left = (): string => adapters.map((a) => [a, aclLinks(a)] as const).filter(([, l]) => l.length > 0).map(([a, l]) => `${a}: ${JSON.stringify(l)}`).join('; ');
  for (let i = 0; i < 60 && left() !== ''; i++) await sleep(500);
  assert.equal(left(), '', 'ACL links still up');
}

/**
 * btvirt (BlueZ 5.66 emulator/btdev.c) gives each end of a new ACL link the lowest connection handle
 * free *on that controller* (conn_new), but forwards ACL data with the sender's handle unchanged
 * (send_acl). So when hci0 already has a link (handle 42) and a second phone with no links pages it,
 * hci0 calls the new link 43 and the phone 42: the phone's data lands on the first phone's link and
 * the bridge's answers on an unknown handle ("ACL packet for unknown connection handle 43"). A radio
 * has no such problem; for the emulator, give the second phone a link of its own to a spare
 * controller first (handle 42 on both ends), so that its link to hci0 is 43 on both ends too.
 * Call it while the first phone's link to hci0 is up; stop the returned process to drop the link.
 */
export async function alignHandles(phone: string, spare: string, log: string): Promise<ChildProcess> {
  const { child } = await startChild('/usr/bin/python3', [BT_PHONE, 'hold', '--from', phone, '--to', spare, '--log', log], /^READY$/m, `the ${phone} -> ${spare} link`);
  return child;
}

/** Poll `ok` every 100 ms for at most `ms`; fails with `what`. */
export async function waitFor(ok: () => boolean, what: string, ms = 60_000): Promise<void> {
  for (let t = 0; t < ms && !ok(); t += 100) await sleep(100);
  assert.ok(ok(), `timed out waiting for ${what}`);
}

export interface Pairing {
  readonly phone: string;
  readonly pc: string;
  readonly Paired: boolean;
  readonly Bonded: boolean;
  readonly Trusted: boolean;
}

/** The operator pairs and trusts the phone on `phoneAdapter` from the bridge's adapter (docs/bluetooth.md 2). */
export function pair(phoneAdapter: string): Pairing {
  const r = spawnSync('/usr/bin/python3', [BT_PHONE, 'pair', '--pc', 'hci0', '--phone', phoneAdapter], { encoding: 'utf8', timeout: 180_000 });
  assert.equal(r.status, 0, `pairing ${phoneAdapter} failed: ${r.stdout}${r.stderr}`);
  const p = JSON.parse(r.stdout.trim().split('\n').pop()!) as Pairing;
  assert.ok(p.Paired && p.Bonded && p.Trusted, `after pairing: ${r.stdout}`);
  return p;
}

/** bluetoothctl-equivalent property switch on an adapter (`Discoverable`, `Powered`). */
export function adapterProperty(adapter: string, name: 'Powered' | 'Discoverable', value: boolean): void {
  const r = spawnSync('/usr/bin/python3', [BT_PHONE, 'set', adapter, name, value ? 'on' : 'off'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, `${adapter} ${name} ${value}: ${r.stdout}${r.stderr}`);
}

/** The bridge: `syncml-bridge serve --bluetooth=hci0` from bin/ (the build), JSON logs on stderr. */
export class Bridge {
  private constructor(readonly dataDir: string, private readonly proc: { child: ChildProcess; out: () => string; err: () => string }) {}

  /** `user`: run as that (unprivileged) user, as the systemd unit does, through setpriv. */
  static async start(name: string, extra: readonly string[] = [], user?: string): Promise<Bridge> {
    const dataDir = join(WORK, name, 'var');
    mkdirSync(dataDir, { recursive: true });
    const args = await Bridge.args(dataDir, extra);
    if (user !== undefined) spawnSync('chown', ['-R', `${user}:${user}`, join(WORK, name)]);
    const proc = user === undefined
      ? await startChild(process.execPath, args, /ready/, 'syncml-bridge serve')
      : await startChild('/usr/bin/setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', process.execPath, ...args], /ready/, `syncml-bridge serve as ${user}`);
    assert.match(proc.out(), /Bluetooth RFCOMM: adapter hci0 \(SyncML Server SDP record/);
    return new Bridge(dataDir, proc);
  }

  static async args(dataDir: string, extra: readonly string[]): Promise<string[]> {
    return [BIN, 'serve', '--data-dir', dataDir, '--bluetooth=hci0', '--obex-tcp', `127.0.0.1:${await freePort()}`,
      '--http', `127.0.0.1:${await freePort()}`, '--log-level', 'info', ...extra];
  }

  get out(): string {
    return this.proc.out();
  }

  get err(): string {
    return this.proc.err();
  }

  logs(): Record<string, unknown>[] {
    return this.err.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** The store's contacts (user `local`), by normalised FN: `syncml-bridge export --format json`. */
  storeFns(): string[] {
    const r = runBin(['export', '--user', 'local', '--store', 'contacts', '--format', 'json', '--data-dir', this.dataDir]);
    assert.equal(r.status, 0, r.stderr);
    return (JSON.parse(r.stdout.toString()) as Array<{ text: string }>).map((i) => normalisedFn(i.text) ?? '<no FN>').sort();
  }

  import(file: string): void {
    const r = runBin(['import', '--user', 'local', '--store', 'contacts', file, '--data-dir', this.dataDir]);
    assert.equal(r.status, 0, r.stderr);
  }

  async stop(): Promise<number | null> {
    const c = this.proc.child;
    if (c.exitCode !== null) return c.exitCode;
    const exited = new Promise<number | null>((r) => c.once('exit', (code) => r(code)));
    await stopChild(c);
    return exited;
  }
}

/** A phone on `adapter`: SyncEvolution (file backend in `data`) -> vphone phone-client -> RFCOMM relay. */
export class Phone {
  readonly data: string;
  readonly relayLog: string;
  #vphone: Vphone | undefined;

  private constructor(readonly name: string, readonly adapter: string, readonly dir: string, private readonly relayPort: number) {
    this.data = join(dir, 'phone-data');
    this.relayLog = join(dir, 'relay.log');
    mkdirSync(this.data, { recursive: true });
  }

  static async start(name: string, adapter: string, vphoneArgs: readonly string[] = []): Promise<Phone> {
    const dir = join(WORK, name, adapter);
    mkdirSync(dir, { recursive: true });
    const port = await freePort();
    const phone = new Phone(name, adapter, dir, port);
    await startChild('/usr/bin/python3', [BT_PHONE, 'relay', '--phone', adapter, '--pc', adapterAddress('hci0'), '--listen', String(port), '--log', phone.relayLog],
      /^READY$/m, `the RFCOMM relay of ${adapter}`);
    await phone.restartVphone(vphoneArgs);
    return phone;
  }

  get address(): string {
    return adapterAddress(this.adapter);
  }

  /** (Re)start vphone, e.g. without the fault injection of the last run. */
  async restartVphone(args: readonly string[] = []): Promise<void> {
    await this.#vphone?.stop();
    // Vphone.start takes the port from its ready file: the last run's must not be read as the new one's
    rmSync(join(this.dir, 'vphone.port'), { force: true });
    // --idle-timeout: vphone's OBEX session ends (DISCONNECT, link closed) 10 s after the last reply,
    // as a phone hangs up once its sync is done; its default of 30 s would let the next sync reuse it
    this.#vphone = await Vphone.start({ obexTcp: `127.0.0.1:${this.relayPort}`, dir: this.dir, name: 'vphone', vphonePy: join(COPY.peers, 'vphone/vphone.py'),
      extra: ['--idle-timeout', '10', ...args] });
    children.add(this.#vphone.child);
  }

  /**
   * One SyncEvolution run through the phone (WBXML, device id `bt-<name>-<adapter>`), then the wait
   * until the phone has hung up every RFCOMM link it opened (vphone's idle DISCONNECT), so that each
   * sync is a link of its own, as on a phone.
   */
  async sync(mode: string, env: NodeJS.ProcessEnv = {}): Promise<ClientRun> {
    if (this.#vphone === undefined) throw new Error('no vphone');
    const r = await runClient(COPY, { url: this.#vphone.url, dataDir: this.data, mode, wbxml: true, deviceId: `bt-${this.name}-${this.adapter}`, home: join(this.dir, 'client-state'), env });
    await this.linksClosed();
    return r;
  }

  /** Wait (at most 60 s) until every relay connection has ended: the relay logged `closed` or `failed:` for it. */
  async linksClosed(): Promise<void> {
    const pending = (): string[] => {
      const text = this.relayText();
      const seen = new Set([...text.matchAll(/\[(hci\d+ #\d+)\]/g)].map((m) => m[1]!));
      const ended = new Set([...text.matchAll(/\[(hci\d+ #\d+)\] (?:closed|failed:)/g)].map((m) => m[1]!));
      return [...seen].filter((l) => !ended.has(l));
    };
    for (let i = 0; i < 600 && pending().length > 0; i++) await sleep(100);
    assert.deepEqual(pending(), [], `the phone on ${this.adapter} did not hang up:\n${this.relayText().slice(-2000)}`);
  }

  violations(): string[] {
    return this.#vphone?.violations() ?? [];
  }

  relayText(): string {
    return existsSync(this.relayLog) ? readFileSync(this.relayLog, 'utf8') : '';
  }
}

export const card = (fn: string, tel: string): string => `BEGIN:VCARD\r\nVERSION:3.0\r\nN:${fn.split(' ').reverse().join(';')};;;\r\nFN:${fn}\r\nTEL;TYPE=CELL:${tel}\r\nEND:VCARD\r\n`;

/** The bridge's log lines about links of one phone (`link open`, `link closed`, session outcomes). */
export function linkEvents(bridge: Bridge, address: string): Array<{ msg: string; line: Record<string, unknown> }> {
  return bridge.logs().filter((l) => JSON.stringify(l).includes(`bt:${address}`)).map((l) => ({ msg: String(l.msg), line: l }));
}

/**
 * A phone for host-initiated syncs on `adapter` ("PC Suite" mode): vphone phone-server (OBEX server,
 * SyncEvolution's client behind it on `data`) and `bt-phone.py client-record`, which publishes the
 * phone's SyncML Client SDP record (RFCOMM `channel`) and hands every RFCOMM connection accepted
 * there to vphone. Start it before pairing: BlueZ resolves the phone's services while pairing and
 * does not browse again for ConnectProfile (../shared/peers/btvm README, finding 7).
 */
export class PcSuitePhone {
  readonly data: string;
  readonly recordLog: string;

  private constructor(readonly adapter: string, readonly dir: string, readonly server: PhoneServer) {
    this.data = join(dir, 'phone-data');
    this.recordLog = join(dir, 'client-record.log');
  }

  static async start(name: string, adapter: string, channel = 7): Promise<PcSuitePhone> {
    const dir = join(WORK, name, adapter);
    const data = join(dir, 'phone-data');
    mkdirSync(data, { recursive: true });
    // 4 KiB OBEX packets, as in scenario 1 (64 KiB packets from the phone stall on these links: see the README of test/bluetooth-vm)
    const server = await PhoneServer.start({ vphonePy: join(COPY.peers, 'vphone/vphone.py'), peers: COPY.peers, dir, name: 'vphone-server', phoneData: data,
      link: 'tcp', deviceId: `bt-${name}-${adapter}`, extra: ['--max-packet', '4096'] }, await freePort());
    children.add(server.child);
    const phone = new PcSuitePhone(adapter, dir, server);
    await startChild('/usr/bin/python3', [BT_PHONE, 'client-record', '--phone', adapter, '--channel', String(channel), '--to', String(server.port), '--log', phone.recordLog],
      /^READY$/m, `the SyncML Client record of ${adapter}`);
    return phone;
  }

  recordText(): string {
    return existsSync(this.recordLog) ? readFileSync(this.recordLog, 'utf8') : '';
  }
}

/** `syncml-bridge sync ARGS` from bin/ (the build), without blocking the event loop. */
export function runBinAsync(args: readonly string[], timeoutMs = 600_000): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, ...args], {}, timeoutMs);
}
