// A private dbus-daemon with a stand-in org.bluez (fake-bluez.py) for the Bluetooth driver tests, and a
// test-side D-Bus client that plays the phone through the stand-in's control interface.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import dbus from 'dbus-next';
import { fixUnixFdDelivery } from '../../src/transport/bluetooth-unix-fds.js';
import { openFdStream } from '../../src/transport/fd-stream.js';

const HERE = dirname(fileURLToPath(import.meta.url));
const FAKE = join(HERE, 'fake-bluez.py');
const PYTHON = '/usr/bin/python3';
const CONTROL_PATH = '/org/syncmlbridge/fake';
const CONTROL_IFACE = 'org.syncmlbridge.FakeBluez1';

/** A registration as the stand-in recorded it. */
export interface FakeRegistration {
  readonly owner: string;
  readonly path: string;
  readonly uuid: string;
  readonly options: Record<string, unknown>;
}

export interface FakeBluez {
  /** Bus address for `BluetoothLinks.open({ busAddress })`. */
  readonly busAddress: string;
  addDevice(address: string, uuids: readonly string[], reachable?: boolean): Promise<string>;
  /** Device1.Bonded of a device the test added (default true). */
  setBonded(devicePath: string, bonded: boolean): Promise<void>;
  registrations(): Promise<FakeRegistration[]>;
  events(): Promise<Array<Record<string, unknown>>>;
  /** The phone connects to the profile registered for `uuid`; resolves with the phone's end. */
  phoneConnect(devicePath: string, uuid: string): Promise<Duplex>;
  /** As `phoneConnect`, with a D-Bus signal to the profile's owner right before `NewConnection`. */
  phoneConnectNoisy(devicePath: string, uuid: string): Promise<Duplex>;
  /** The phone's end of the last ConnectProfile connection to `devicePath`. */
  takePhoneEnd(devicePath: string): Promise<Duplex>;
  requestDisconnection(devicePath: string, uuid: string): Promise<void>;
  release(uuid: string): Promise<void>;
  /** The stand-in gives up the org.bluez name, as when bluetoothd exits (the control calls stop working). */
  vanish(): Promise<void>;
  /** Kill both processes and remove the temp dir (idempotent). */
  stop(): Promise<void>;
}

const BUS_CONFIG = (socket: string): string => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-BUS Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>custom</type>
  <listen>unix:path=${socket}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

/** Fail loudly (never skip) when a tool the test needs is missing. */
export function requireTools(): void {
  if (spawnSync('dbus-daemon', ['--version']).error !== undefined) {
    throw new Error('dbus-daemon not found: install the Debian package dbus');
  }
  const python = spawnSync(PYTHON, ['-c', 'import dbus, dbus.mainloop.glib; from gi.repository import GLib']);
  if (python.error !== undefined || python.status !== 0) {
    throw new Error(`${PYTHON} with dbus and gi not usable: install the Debian packages python3-dbus python3-gi`);
  }
}

/** Resolve with the stdout lines of `child` up to (and without) the one `isLast` accepts; reject if it exits first. */
function linesUntil(child: ChildProcess, isLast: (line: string) => boolean, timeoutMs = 20_000): Promise<string[]> {
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => reject(new Error(`fake-bluez.py not ready within ${timeoutMs} ms; stderr: ${err}`)), timeoutMs);
    child.stderr?.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const lines = out.split('\n');
      const last = lines.findIndex((line, i) => i < lines.length - 1 && isLast(line.trim()));
      if (last >= 0) {
        clearTimeout(timer);
        resolve(lines.slice(0, last + 1).map((line) => line.trim()));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`fake-bluez.py exited (${code}) before it was ready; stderr: ${err}`));
    });
  });
}

/** Close its stdin (it then stops the bus and removes its temp dir) and wait; SIGKILL as a last resort. */
function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.stdin?.end();
  });
}

/**
 * Start a private bus and the stand-in org.bluez on it (`withBluez: false`: the bus alone, as when
 * bluetoothd is not running). Always call `stop()` (e.g. in `after`).
 */
export async function startFakeBluez(options: { readonly withBluez?: boolean } = {}): Promise<FakeBluez> {
  requireTools();
  const dir = await mkdtemp(join(tmpdir(), 'sb-fake-bluez-'));
  let child: ChildProcess | undefined;
  let client: dbus.MessageBus | undefined;
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    client?.disconnect();
    if (child !== undefined) await stopChild(child);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const socket = join(dir, 'bus');
    await writeFile(join(dir, 'bus.conf'), BUS_CONFIG(socket));
    const args = [FAKE, '--config', join(dir, 'bus.conf'), '--dir', dir];
    if (!(options.withBluez ?? true)) args.push('--no-bluez');
    // the stand-in runs the dbus-daemon and exits with it when our end of its stdin closes, so a
    // crashed test leaves no processes behind
    child = spawn(PYTHON, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = await linesUntil(child, (line) => line === 'READY');
    const busAddress = lines.find((line) => line.startsWith('ADDRESS '))?.slice('ADDRESS '.length);
    if (busAddress === undefined || !existsSync(socket)) throw new Error(`no private bus at ${socket}: ${lines.join(' | ')}`);
    const bus = dbus.sessionBus({ busAddress, negotiateUnixFd: true } as dbus.SessionBusOptions);
    fixUnixFdDelivery(bus);
    // usocket crashes (SIGSEGV) if the connection is closed before the handshake: wait for it
    await new Promise<void>((resolve, reject) => {
      bus.once('connect', resolve);
      bus.once('error', reject);
    });
    client = bus;
    const call = async (member: string, signature: string, body: unknown[]): Promise<unknown> => {
      const reply = await bus.call(new dbus.Message({ destination: 'org.bluez', path: CONTROL_PATH, interface: CONTROL_IFACE, member, signature, body }));
      return reply?.body[0];
    };
    return {
      busAddress,
      addDevice: async (address, uuids, reachable = true) => String(await call('AddDevice', 'sasb', [address, [...uuids], reachable])),
      setBonded: async (devicePath, bonded) => {
        await call('SetBonded', 'ob', [devicePath, bonded]);
      },
      registrations: async () => JSON.parse(String(await call('Registrations', '', []))) as FakeRegistration[],
      events: async () => JSON.parse(String(await call('Events', '', []))) as Array<Record<string, unknown>>,
      phoneConnect: async (devicePath, uuid) => openFdStream(Number(await call('PhoneConnect', 'os', [devicePath, uuid]))),
      phoneConnectNoisy: async (devicePath, uuid) => openFdStream(Number(await call('PhoneConnectNoisy', 'os', [devicePath, uuid]))),
      takePhoneEnd: async (devicePath) => openFdStream(Number(await call('TakePhoneEnd', 'o', [devicePath]))),
      requestDisconnection: async (devicePath, uuid) => {
        await call('RequestDisconnection', 'os', [devicePath, uuid]);
      },
      release: async (uuid) => {
        await call('Release', 's', [uuid]);
      },
      vanish: async () => {
        await call('Vanish', '', []);
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
