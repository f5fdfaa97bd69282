/**
 * Bluetooth RFCOMM links through BlueZ 5's D-Bus Profile API (DESIGN.md section 4).
 *
 * - Phone-initiated: the SyncML Server service (`SYNCML_SERVER_UUID`, role `server`, a fixed RFCOMM
 *   channel and our own SDP record) is registered with `ProfileManager1.RegisterProfile`; every
 *   `Profile1.NewConnection` becomes a `Link` for the `onLink` handlers.
 * - Host-initiated: `connect(address)` registers the SyncML Client UUID (role `client`) once, then calls
 *   `Device1.ConnectProfile`; the `Link` comes from the `NewConnection` that BlueZ makes before it
 *   replies. BlueZ allows one registration per UUID per bluetoothd, hence two profiles.
 *
 * Each connection's fd becomes a Duplex (`fd-stream.ts`); the peer's EOF or ECONNRESET ends it.
 * Ending or destroying a link's stream shuts the socket down, which drops the RFCOMM link.
 * Nothing is logged here: `onEvent` reports Release, RequestDisconnection and bus errors.
 */
import { closeSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import dbus from 'dbus-next';
import { TransportError } from '../errors.js';
import type { Link, LinkListener } from './link.js';
import {
  bluezError, DEFAULT_RFCOMM_CHANNEL, normaliseAddress, parseDevicePath, Profile1, SYNCML_CLIENT_UUID,
  SYNCML_SERVER_UUID, syncmlServerRecord, type BluetoothRole,
} from './bluetooth-profile.js';
import { fixUnixFdDelivery } from './bluetooth-unix-fds.js';
import { openFdStream, type FdStreamMethod } from './fd-stream.js';

export * from './bluetooth-profile.js';

const { Message, Variant } = dbus;

export interface BluetoothLinksOptions {
  /** D-Bus address of the system bus; default `DBUS_SYSTEM_BUS_ADDRESS` or `/run/dbus/system_bus_socket`. */
  readonly busAddress?: string;
  /** RFCOMM channel of the SyncML Server record, 1..30 (default 19). */
  readonly channel?: number;
  /** Service name in the SDP record. */
  readonly serviceName?: string;
  /** Adapter for `connect()` when none is given, e.g. `hci0`; default: any adapter that knows the phone. */
  readonly adapter?: string;
  /** Let the kernel pair/encrypt (BlueZ `RequireAuthentication`, default true). */
  readonly requireAuthentication?: boolean;
  /** Ask an agent before accepting a phone (BlueZ `RequireAuthorization`, default false: pair and trust instead). */
  readonly requireAuthorization?: boolean;
  /**
   * Refuse a phone-initiated connection unless the phone is bonded with this BlueZ (`Device1.Bonded`;
   * `Paired` on a BlueZ without that property). Default false. With `requireAuthentication` alone an
   * unknown phone still gets in while the adapter is discoverable: the kernel pairs it on the way, but
   * that pairing is not bonding (../shared/peers/btvm/README.md, finding 3).
   */
  readonly requirePairing?: boolean;
  /** How fds become streams (default `pipe`, see fd-stream.ts). */
  readonly fdMethod?: FdStreamMethod;
  /** Safety limit for one D-Bus call and for the wait for `NewConnection` (ms, default 60000). */
  readonly callTimeoutMs?: number;
  /** Object path prefix of our Profile1 objects (default `/org/syncmlbridge/bluetooth`). */
  readonly objectPath?: string;
}

/** What the driver reports instead of logging. */
export type BluetoothEvent =
  | { readonly type: 'release'; readonly role: BluetoothRole }
  | { readonly type: 'request-disconnection'; readonly role: BluetoothRole; readonly device: string; readonly links: number }
  | { readonly type: 'refused'; readonly role: BluetoothRole; readonly device: string; readonly reason: string }
  | { readonly type: 'bus-error'; readonly error: Error };

interface OpenLink {
  readonly link: Link;
  readonly role: BluetoothRole;
  readonly devicePath: string;
}

interface PendingConnect {
  link?: Link;
  resolve?: (link: Link) => void;
}

const SYSTEM_BUS = 'unix:path=/run/dbus/system_bus_socket';

/** End a link's stream with a shutdown, then release the fd (a safety timer covers a stuck peer). */
function hangUp(stream: Duplex, graceMs = 2000): void {
  if (stream.destroyed) return;
  if (stream.writableFinished) {
    stream.destroy();
    return;
  }
  const timer = setTimeout(() => stream.destroy(), graceMs);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  stream.end(() => stream.destroy());
}

/** Bluetooth RFCOMM listener and connector; see the module comment. Create with `BluetoothLinks.open()`. */
export class BluetoothLinks implements LinkListener {
  readonly #bus: dbus.MessageBus;
  readonly #options: BluetoothLinksOptions;
  readonly #channel: number;
  readonly #linkHandlers: Array<(link: Link) => void> = [];
  readonly #eventHandlers: Array<(event: BluetoothEvent) => void> = [];
  readonly #open = new Set<OpenLink>();
  readonly #pending = new Map<string, PendingConnect>();
  readonly #registered = new Set<BluetoothRole>();
  readonly #profiles: Record<BluetoothRole, Profile1>;
  #clientRegistration: Promise<void> | undefined;
  #closed = false;
  /** Rejecters of calls in flight, run by close() so that a pending connect() does not hang. */
  readonly #onClose = new Set<() => void>();
  /** 'connecting' until the D-Bus handshake is done; see #leaveBus. */
  #busState: 'connecting' | 'connected' | 'failed' = 'connecting';

  private constructor(bus: dbus.MessageBus, options: BluetoothLinksOptions) {
    this.#bus = bus;
    this.#options = options;
    this.#channel = options.channel ?? DEFAULT_RFCOMM_CHANNEL;
    this.#profiles = { server: this.#makeProfile('server'), client: this.#makeProfile('client') };
    bus.on('connect', () => {
      this.#busState = 'connected';
    });
    bus.on('error', (error: unknown) => {
      if (this.#busState === 'connecting') this.#busState = 'failed';
      this.#emit({ type: 'bus-error', error: error instanceof Error ? error : new Error(String(error)) });
    });
  }

  /**
   * Leave the bus. dbus-next's usocket transport crashes the process (SIGSEGV) when a connection is
   * closed before its handshake finished, so wait for the handshake (or its failure) first; if neither
   * comes, leave the connection alone rather than crash.
   */
  async #leaveBus(): Promise<void> {
    if (this.#busState === 'connecting') {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, this.#options.callTimeoutMs ?? 60_000);
        timer.unref();
        function done(): void {
          clearTimeout(timer);
          resolve();
        }
        this.#bus.once('connect', done);
        this.#bus.once('error', done);
      });
    }
    if (this.#busState !== 'connecting') this.#bus.disconnect();
  }

  /**
   * Connect to the system bus and register the SyncML Server profile.
   * Rejects with `TransportError` (`SB_ERR_BT_NO_BUS`, `SB_ERR_BT_NO_BLUEZ`, `SB_ERR_BT_UUID_TAKEN`, ...).
   */
  static async open(options: BluetoothLinksOptions = {}): Promise<BluetoothLinks> {
    const record = syncmlServerRecord(options.channel ?? DEFAULT_RFCOMM_CHANNEL, options.serviceName ?? 'SyncML Server');
    const busAddress = options.busAddress ?? process.env.DBUS_SYSTEM_BUS_ADDRESS ?? SYSTEM_BUS;
    let bus: dbus.MessageBus;
    try {
      bus = dbus.sessionBus({ busAddress, negotiateUnixFd: true } as dbus.SessionBusOptions);
    } catch (error) {
      throw new TransportError(`cannot connect to the D-Bus system bus at ${busAddress}: ${String(error)}`, 'SB_ERR_BT_NO_BUS', { cause: error });
    }
    if (!fixUnixFdDelivery(bus)) {
      bus.on('error', () => undefined);
      bus.disconnect(); // a plain net socket here (not usocket), which may be closed at any time
      throw new TransportError('the usocket module is missing or not built: D-Bus cannot pass the RFCOMM sockets (npm install with install scripts allowed)', 'SB_ERR_BT_NO_FD_PASSING');
    }
    const links = new BluetoothLinks(bus, options);
    try {
      await links.#register('server', SYNCML_SERVER_UUID, {
        Name: new Variant('s', options.serviceName ?? 'SyncML Server'),
        Role: new Variant('s', 'server'),
        Channel: new Variant('q', links.#channel),
        ServiceRecord: new Variant('s', record),
        RequireAuthentication: new Variant('b', options.requireAuthentication ?? true),
        RequireAuthorization: new Variant('b', options.requireAuthorization ?? false),
        AutoConnect: new Variant('b', false),
      });
    } catch (error) {
      links.#closed = true;
      await links.#leaveBus();
      throw error;
    }
    return links;
  }

  /** Human-readable address: `bluetooth:rfcomm/19`. */
  get address(): string {
    return `bluetooth:rfcomm/${this.#channel}`;
  }

  /** Called for every phone-initiated link (and for a client-role connection nobody asked for). */
  onLink(handler: (link: Link) => void): void {
    this.#linkHandlers.push(handler);
  }

  /** Release, RequestDisconnection, refused connections and bus errors, for the daemon to log. */
  onEvent(handler: (event: BluetoothEvent) => void): void {
    this.#eventHandlers.push(handler);
  }

  /** The links open right now. */
  get links(): readonly Link[] {
    return [...this.#open].map((entry) => entry.link);
  }

  /**
   * Host-initiated: connect to the SyncML Client service of the phone `address` (`00:11:22:33:44:55`)
   * through `Device1.ConnectProfile`. The phone must be known to BlueZ (paired, or at least trusted).
   * Rejects with `TransportError`: `SB_ERR_BT_NO_ADAPTER`, `SB_ERR_BT_UNKNOWN_DEVICE`,
   * `SB_ERR_BT_PROFILE_UNAVAILABLE`, `SB_ERR_BT_UNREACHABLE`, `SB_ERR_BT_IN_PROGRESS`, `SB_ERR_BT_NO_BLUEZ`, ...
   */
  async connect(address: string, adapter = this.#options.adapter): Promise<Link> {
    if (this.#closed) throw new TransportError('the Bluetooth driver is closed', 'SB_ERR_BT_CLOSED');
    const wanted = normaliseAddress(address);
    this.#clientRegistration ??= this.#register('client', SYNCML_CLIENT_UUID, {
      Name: new Variant('s', 'SyncML Client'),
      Role: new Variant('s', 'client'),
      RequireAuthentication: new Variant('b', this.#options.requireAuthentication ?? true),
      RequireAuthorization: new Variant('b', false),
      AutoConnect: new Variant('b', false),
    }).catch((error: unknown) => {
      this.#clientRegistration = undefined;
      throw error;
    });
    await this.#clientRegistration;
    const devicePath = await this.#findDevice(wanted, adapter);
    if (this.#pending.has(devicePath)) {
      throw new TransportError(`a connection to ${wanted} is already being set up`, 'SB_ERR_BT_IN_PROGRESS');
    }
    const pending: PendingConnect = {};
    this.#pending.set(devicePath, pending);
    try {
      await this.#call(`ConnectProfile to ${wanted}`, devicePath, 'org.bluez.Device1', 'ConnectProfile', 's', [SYNCML_CLIENT_UUID]);
      if (pending.link !== undefined) return pending.link;
      // BlueZ calls NewConnection before it replies; wait a little in case the order differs
      return await this.#withTimeout(`NewConnection from ${wanted}`, new Promise<Link>((resolve) => {
        pending.resolve = resolve;
      }));
    } catch (error) {
      if (pending.link !== undefined) hangUp(pending.link.stream);
      throw error;
    } finally {
      this.#pending.delete(devicePath);
    }
  }

  /**
   * Unregister both profiles, fail pending `connect()` calls with `SB_ERR_BT_CLOSED`, end every open
   * link (unless `endLinks: false`: then they stay open until their owners end them, as the
   * `LinkListener` contract has it) and leave the bus.
   */
  async close(options: { readonly endLinks?: boolean } = {}): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const role of [...this.#registered]) {
      try {
        await this.#call('UnregisterProfile', '/org/bluez', 'org.bluez.ProfileManager1', 'UnregisterProfile', 'o', [this.#path(role)]);
      } catch {
        // bluetoothd gone or the profile already released: nothing left to undo
      }
      this.#registered.delete(role);
    }
    for (const reject of [...this.#onClose]) reject();
    if (options.endLinks ?? true) for (const entry of this.#open) hangUp(entry.link.stream);
    await this.#leaveBus();
  }

  #path(role: BluetoothRole): string {
    return `${this.#options.objectPath ?? '/org/syncmlbridge/bluetooth'}/${role}`;
  }

  #emit(event: BluetoothEvent): void {
    for (const handler of this.#eventHandlers) handler(event);
  }

  #makeProfile(role: BluetoothRole): Profile1 {
    return new Profile1({
      newConnection: (device, fd) => this.#newConnection(role, device, fd),
      requestDisconnection: (device) => {
        const entries = [...this.#open].filter((entry) => entry.role === role && entry.devicePath === device);
        this.#emit({ type: 'request-disconnection', role, device, links: entries.length });
        for (const entry of entries) hangUp(entry.link.stream);
      },
      release: () => {
        this.#registered.delete(role);
        if (role === 'client') this.#clientRegistration = undefined;
        this.#emit({ type: 'release', role });
      },
    });
  }

  async #register(role: BluetoothRole, uuid: string, options: Record<string, dbus.Variant>): Promise<void> {
    const path = this.#path(role);
    this.#bus.export(path, this.#profiles[role]);
    try {
      await this.#call(`RegisterProfile ${uuid} (${role})`, '/org/bluez', 'org.bluez.ProfileManager1', 'RegisterProfile', 'osa{sv}', [path, uuid, options]);
    } catch (error) {
      this.#bus.unexport(path, this.#profiles[role]);
      throw error;
    }
    this.#registered.add(role);
  }

  async #newConnection(role: BluetoothRole, devicePath: string, fd: number): Promise<void> {
    if (role === 'server' && this.#options.requirePairing === true && !this.#closed) {
      const address = parseDevicePath(devicePath)?.address ?? devicePath;
      let bonded: boolean;
      try {
        bonded = await this.#isBonded(devicePath);
      } catch (error) {
        closeQuietly(fd);
        const reason = `cannot tell whether phone ${address} is paired: ${error instanceof Error ? error.message : String(error)}`;
        this.#emit({ type: 'refused', role, device: devicePath, reason });
        throw new TransportError(reason, 'SB_ERR_BT_NOT_PAIRED');
      }
      if (!bonded) {
        closeQuietly(fd);
        const reason = `phone ${address} is not paired with this machine and pairing is required (bluetoothRequirePairing): `
          + `pair and trust it first (bluetoothctl pair ${address}; trust ${address})`;
        this.#emit({ type: 'refused', role, device: devicePath, reason });
        throw new TransportError(reason, 'SB_ERR_BT_NOT_PAIRED');
      }
    }
    this.#acceptConnection(role, devicePath, fd);
  }

  /** `Device1.Bonded` of the device (BlueZ 5.65+), else `Paired`. */
  async #isBonded(devicePath: string): Promise<boolean> {
    const get = async (name: string): Promise<boolean> => {
      const reply = await this.#call(`${name} of ${devicePath}`, devicePath, 'org.freedesktop.DBus.Properties', 'Get', 'ss', ['org.bluez.Device1', name]);
      return (reply?.body[0] as dbus.Variant | undefined)?.value === true;
    };
    try {
      return await get('Bonded');
    } catch (error) {
      if (!String((error as Error).message).includes('InvalidArgs')) throw error;
      return get('Paired');
    }
  }

  #acceptConnection(role: BluetoothRole, devicePath: string, fd: number): void {
    const parsed = parseDevicePath(devicePath);
    const refuse = (reason: string): TransportError => {
      this.#emit({ type: 'refused', role, device: devicePath, reason });
      return new TransportError(reason, 'SB_ERR_BT_REFUSED');
    };
    if (this.#closed) {
      closeQuietly(fd);
      throw refuse('the bridge is shutting down');
    }
    if (parsed === undefined) {
      closeQuietly(fd);
      throw refuse(`not a device path: ${devicePath}`);
    }
    const { address } = parsed;
    let stream: Duplex;
    try {
      stream = openFdStream(fd, this.#options.fdMethod === undefined ? {} : { method: this.#options.fdMethod });
    } catch (error) {
      throw refuse(error instanceof Error ? error.message : String(error));
    }
    const link: Link = { info: { kind: 'stream', transport: 'bluetooth', name: `bt:${address}`, peer: address }, stream };
    const entry: OpenLink = { link, role, devicePath };
    this.#open.add(entry);
    stream.once('close', () => this.#open.delete(entry));
    // A peer's reset already ends the stream without an error (fd-stream.ts). Any other error destroys
    // the stream too and its owner sees 'close'; this listener only keeps an error nobody listens for
    // from taking the whole daemon down.
    stream.on('error', () => undefined);
    const pending = role === 'client' ? this.#pending.get(devicePath) : undefined;
    if (pending !== undefined && pending.link === undefined) {
      pending.link = link;
      pending.resolve?.(link);
      return;
    }
    setImmediate(() => {
      for (const handler of this.#linkHandlers) handler(link);
    });
  }

  async #findDevice(address: string, adapter: string | undefined): Promise<string> {
    const reply = await this.#call('GetManagedObjects', '/', 'org.freedesktop.DBus.ObjectManager', 'GetManagedObjects', '', []);
    const objects = (reply?.body[0] ?? {}) as Record<string, Record<string, Record<string, dbus.Variant>>>;
    const adapters = Object.keys(objects).filter((path) => objects[path]?.['org.bluez.Adapter1'] !== undefined);
    if (adapters.length === 0) throw new TransportError('no Bluetooth adapter: BlueZ reports none (is one plugged in and not rfkill-blocked?)', 'SB_ERR_BT_NO_ADAPTER');
    if (adapter !== undefined && !adapters.includes(`/org/bluez/${adapter}`)) {
      throw new TransportError(`no Bluetooth adapter ${adapter} (BlueZ has ${adapters.map((path) => path.split('/').pop()).join(', ')})`, 'SB_ERR_BT_NO_ADAPTER');
    }
    for (const [path, interfaces] of Object.entries(objects)) {
      const device = interfaces['org.bluez.Device1'];
      if (device === undefined || String(device.Address?.value ?? '').toUpperCase() !== address) continue;
      if (adapter !== undefined && device.Adapter?.value !== `/org/bluez/${adapter}`) continue;
      return path;
    }
    throw new TransportError(
      `BlueZ does not know the phone ${address}${adapter === undefined ? '' : ` on ${adapter}`}: pair and trust it first (bluetoothctl pair ${address}; trust ${address})`,
      'SB_ERR_BT_UNKNOWN_DEVICE',
    );
  }

  async #call(what: string, path: string, iface: string, member: string, signature: string, body: unknown[]): Promise<dbus.Message | null> {
    const message = new Message({ destination: 'org.bluez', path, interface: iface, member, signature, body });
    try {
      return await this.#withTimeout(what, this.#bus.call(message));
    } catch (error) {
      throw bluezError(what, error);
    }
  }

  /** Safety net for calls a dead peer never answers; also fails fast when the bus connection fails. */
  #withTimeout<T>(what: string, promise: Promise<T>): Promise<T> {
    const ms = this.#options.callTimeoutMs ?? 60_000;
    return new Promise<T>((resolve, reject) => {
      const onBusError = (error: unknown): void => {
        finish();
        reject(new TransportError(`${what}: the D-Bus connection failed: ${String(error)}`, 'SB_ERR_BT_NO_BUS', { cause: error }));
      };
      const timer = setTimeout(() => {
        finish();
        reject(new TransportError(`${what}: no answer within ${ms} ms`, 'SB_ERR_BT_TIMEOUT'));
      }, ms);
      const onClose = (): void => {
        finish();
        reject(new TransportError(`${what}: the Bluetooth driver was closed`, 'SB_ERR_BT_CLOSED'));
      };
      const finish = (): void => {
        clearTimeout(timer);
        this.#bus.removeListener('error', onBusError);
        this.#onClose.delete(onClose);
      };
      this.#bus.on('error', onBusError);
      if (!this.#closed) this.#onClose.add(onClose);
      promise.then((value) => {
        finish();
        resolve(value);
      }, (error: unknown) => {
        finish();
        reject(error);
      });
    });
  }
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}
