/**
 * The pieces of BlueZ's Profile API that `BluetoothLinks` builds on: the SyncML service UUIDs, the SDP
 * record of the SyncML Server service, the `org.bluez.Profile1` object BlueZ calls, device path
 * helpers, and the mapping of BlueZ's D-Bus errors to `TransportError` codes.
 *
 * References: BlueZ doc/org.bluez.ProfileManager.rst, org.bluez.Profile.rst, org.bluez.Device.rst;
 * ../shared/peers/btvm/README.md for what BlueZ 5.66 really does.
 */
import dbus from 'dbus-next';
import { TransportError } from '../errors.js';

/** SyncML DS OBEX binding: the service class the bridge publishes (phones start a sync to it). */
export const SYNCML_SERVER_UUID = '00000001-0000-1000-8000-0002ee000002';
/** The service class a phone's SyncML client publishes (the bridge connects to it, host-initiated sync). */
export const SYNCML_CLIENT_UUID = '00000002-0000-1000-8000-0002ee000002';
/** Default RFCOMM channel of the SyncML Server record (any free 1..30 works; the record and the option agree). */
export const DEFAULT_RFCOMM_CHANNEL = 19;

/** Which registration a connection came through. */
export type BluetoothRole = 'server' | 'client';

/**
 * The SDP record (BlueZ's XML form) of the SyncML Server service: service class, protocol
 * descriptor list L2CAP / RFCOMM(channel) / OBEX, public browse group and a service name.
 * BlueZ publishes a custom record verbatim, so its channel must equal the `Channel` option.
 */
export function syncmlServerRecord(channel: number, name: string): string {
  if (!Number.isInteger(channel) || channel < 1 || channel > 30) {
    throw new TransportError(`RFCOMM channel must be 1..30, got ${channel}`, 'SB_ERR_BT_CONFIG');
  }
  const hex = `0x${channel.toString(16).padStart(2, '0')}`;
  const text = name.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
  return [
    '<?xml version="1.0" encoding="UTF-8" ?>',
    '<record>',
    `  <attribute id="0x0001"><sequence><uuid value="${SYNCML_SERVER_UUID}" /></sequence></attribute>`,
    '  <attribute id="0x0004">',
    '    <sequence>',
    '      <sequence><uuid value="0x0100" /></sequence>',
    `      <sequence><uuid value="0x0003" /><uint8 value="${hex}" /></sequence>`,
    '      <sequence><uuid value="0x0008" /></sequence>',
    '    </sequence>',
    '  </attribute>',
    '  <attribute id="0x0005"><sequence><uuid value="0x1002" /></sequence></attribute>',
    `  <attribute id="0x0100"><text value="${text}" /></attribute>`,
    '</record>',
    '',
  ].join('\n');
}

/** `/org/bluez/hci0/dev_00_11_22_33_44_55` -> `{ adapter: 'hci0', address: '00:11:22:33:44:55' }`. */
export function parseDevicePath(path: string): { adapter: string; address: string } | undefined {
  const match = /^\/org\/bluez\/([^/]+)\/dev_([0-9A-Fa-f]{2}(?:_[0-9A-Fa-f]{2}){5})$/.exec(path);
  if (match === null || match[1] === undefined || match[2] === undefined) return undefined;
  return { adapter: match[1], address: match[2].replace(/_/g, ':').toUpperCase() };
}

/** Normalise and check a Bluetooth device address (`00:11:22:33:44:55`, any case). */
export function normaliseAddress(address: string): string {
  if (!/^[0-9A-Fa-f]{2}(?::[0-9A-Fa-f]{2}){5}$/.test(address)) {
    throw new TransportError(`not a Bluetooth address: ${JSON.stringify(address)} (expected 00:11:22:33:44:55)`, 'SB_ERR_BT_CONFIG');
  }
  return address.toUpperCase();
}

/** What the Profile1 object reports to its owner. Handlers run synchronously inside the D-Bus call. */
export interface ProfileHandlers {
  /** A new RFCOMM connection; the fd belongs to the handler from now on. Throw (or reject) to refuse it. */
  newConnection(device: string, fd: number, props: Record<string, unknown>): void | Promise<void>;
  requestDisconnection(device: string): void;
  release(): void;
}

const { Interface } = dbus.interface;

/** `org.bluez.Profile1`, exported by us and called by bluetoothd. */
export class Profile1 extends Interface {
  readonly #handlers: ProfileHandlers;

  constructor(handlers: ProfileHandlers) {
    super('org.bluez.Profile1');
    this.#handlers = handlers;
  }

  /** bluetoothd unregistered the profile (or is going away). */
  Release(): void {
    this.#handlers.release();
  }

  /** A connection to `device`; `fd` is an RFCOMM stream socket, `props` is `{}` for a custom UUID. */
  async NewConnection(device: string, fd: number, props: Record<string, unknown>): Promise<void> {
    try {
      await this.#handlers.newConnection(device, fd, props);
    } catch (error) {
      throw new dbus.DBusError('org.bluez.Error.Rejected', error instanceof Error ? error.message : String(error));
    }
  }

  /** The profile was disconnected from `device`: close its connections. */
  RequestDisconnection(device: string): void {
    this.#handlers.requestDisconnection(device);
  }
}

Profile1.configureMembers({
  methods: {
    Release: { inSignature: '', outSignature: '' },
    NewConnection: { inSignature: 'oha{sv}', outSignature: '' },
    RequestDisconnection: { inSignature: 'o', outSignature: '' },
  },
});

/** D-Bus error names meaning "nobody answers for org.bluez". */
const BLUEZ_GONE = new Set([
  'org.freedesktop.DBus.Error.ServiceUnknown',
  'org.freedesktop.DBus.Error.NameHasNoOwner',
  'org.freedesktop.DBus.Error.NoReply',
  'org.freedesktop.DBus.Error.Disconnected',
]);

/**
 * A D-Bus failure of a call to bluetoothd as a `TransportError` with a code an operator can act on.
 * `what` names the call (`RegisterProfile`, `ConnectProfile to 00:11:...`).
 */
export function bluezError(what: string, error: unknown): TransportError {
  if (error instanceof TransportError) return error;
  const type = typeof error === 'object' && error !== null && 'type' in error ? String((error as { type: unknown }).type) : '';
  const text = typeof error === 'object' && error !== null && 'text' in error
    ? String((error as { text: unknown }).text)
    : error instanceof Error ? error.message : String(error);
  const detail = `${what}: ${type === '' ? '' : `${type}: `}${text}`;
  const make = (code: string, hint: string): TransportError => new TransportError(`${detail} (${hint})`, code, { cause: error });
  if (BLUEZ_GONE.has(type)) return make('SB_ERR_BT_NO_BLUEZ', 'bluetoothd is not running or went away');
  if (type === 'org.freedesktop.DBus.Error.AccessDenied') return make('SB_ERR_BT_ACCESS_DENIED', 'the D-Bus policy does not let this user talk to org.bluez; see docs/bluetooth.md');
  if (type === 'org.bluez.Error.NotPermitted' || type === 'org.bluez.Error.AlreadyExists') {
    return make('SB_ERR_BT_UUID_TAKEN', 'another program (or another bridge) already registered this SyncML service with bluetoothd');
  }
  if (type === 'org.bluez.Error.NotAvailable') {
    return make('SB_ERR_BT_PROFILE_UNAVAILABLE', 'the phone does not offer a SyncML client service, or BlueZ read its SDP records before it did: remove and pair the phone again');
  }
  if (type === 'org.bluez.Error.Failed' && /page-timeout|host-down|timeout/i.test(text)) {
    return make('SB_ERR_BT_UNREACHABLE', 'the phone did not answer: out of range, Bluetooth off, or not accepting connections');
  }
  if (type === 'org.bluez.Error.InProgress') return make('SB_ERR_BT_IN_PROGRESS', 'a connection to this phone is already being set up');
  if (type === 'org.bluez.Error.NotReady') return make('SB_ERR_BT_NO_ADAPTER', 'the adapter is not powered');
  if (type.startsWith('org.bluez.Error.')) return make('SB_ERR_BT_CONNECT_FAILED', 'BlueZ refused');
  return make('SB_ERR_BT', 'D-Bus call failed');
}
