// The pure helpers of the Bluetooth driver: the UNIX_FDS header walk, device paths, the SDP record,
// and the mapping of BlueZ's D-Bus errors to codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TransportError } from '../../src/errors.js';
import { bluezError, normaliseAddress, parseDevicePath, syncmlServerRecord } from '../../src/transport/bluetooth.js';
import { declaredUnixFds } from '../../src/transport/bluetooth-unix-fds.js';

/** A D-Bus message's 16-byte fixed header and its header fields (a(yv)), as a D-Bus peer writes them. */
function message(little: boolean, fields: Array<[number, 'o' | 's' | 'g' | 'u' | 'y', string | number]>): { header: Uint8Array; rest: Uint8Array } {
  const out: number[] = [];
  const pad = (to: number): void => {
    while ((out.length + 16) % to !== 0) out.push(0);
  };
  const u32 = (value: number): void => {
    const b = [value & 0xff, (value >>> 8) & 0xff, (value >>> 16) & 0xff, (value >>> 24) & 0xff];
    out.push(...(little ? b : b.reverse()));
  };
  for (const [code, sig, value] of fields) {
    pad(8);
    out.push(code, 1, sig.charCodeAt(0), 0);
    if (sig === 'u') {
      pad(4);
      u32(Number(value));
    } else if (sig === 'y') {
      out.push(Number(value));
    } else if (sig === 'g') {
      const text = String(value);
      out.push(text.length, ...[...text].map((c) => c.charCodeAt(0)), 0);
    } else {
      const text = String(value);
      pad(4);
      u32(text.length);
      out.push(...[...text].map((c) => c.charCodeAt(0)), 0);
    }
  }
  const fieldsLength = out.length;
  pad(8);
  out.push(1, 2, 3, 4); // body
  const header = new Uint8Array(16);
  const view = new DataView(header.buffer);
  header[0] = little ? 0x6c : 0x42;
  header[1] = 1; // method call
  header[3] = 1;
  view.setUint32(4, 4, little);
  view.setUint32(8, 7, little);
  view.setUint32(12, fieldsLength, little);
  return { header, rest: Uint8Array.from(out) };
}

const NEW_CONNECTION: Array<[number, 'o' | 's' | 'g' | 'u' | 'y', string | number]> = [
  [1, 'o', '/org/syncmlbridge/bluetooth/server'], // PATH
  [2, 's', 'org.bluez.Profile1'], // INTERFACE
  [3, 's', 'NewConnection'], // MEMBER
  [6, 's', ':1.7'], // DESTINATION
  [8, 'g', 'oha{sv}'], // SIGNATURE
  [9, 'u', 1], // UNIX_FDS
];

test('declaredUnixFds finds UNIX_FDS after other fields, in both byte orders', () => {
  for (const little of [true, false]) {
    const { header, rest } = message(little, NEW_CONNECTION);
    assert.equal(declaredUnixFds(header, rest), 1);
    const three = message(little, [[8, 'g', 'hhh'], [9, 'u', 3], [3, 's', 'X']]);
    assert.equal(declaredUnixFds(three.header, three.rest), 3);
  }
});

test('declaredUnixFds: no UNIX_FDS field means no fds; an unwalkable field list means unknown', () => {
  const plain = message(true, NEW_CONNECTION.slice(0, 5));
  assert.equal(declaredUnixFds(plain.header, plain.rest), 0);
  const odd = message(true, [[1, 'o', '/x']]);
  odd.rest[odd.rest.indexOf('o'.charCodeAt(0))] = 'v'.charCodeAt(0); // a signature we do not walk
  assert.equal(declaredUnixFds(odd.header, odd.rest), undefined);
  assert.equal(declaredUnixFds(new Uint8Array(8), new Uint8Array(0)), undefined);
  const truncated = message(true, NEW_CONNECTION);
  assert.equal(declaredUnixFds(truncated.header, truncated.rest.subarray(0, 10)), undefined);
});

test('device paths and addresses', () => {
  assert.deepEqual(parseDevicePath('/org/bluez/hci0/dev_00_1A_7d_DA_71_13'), { adapter: 'hci0', address: '00:1A:7D:DA:71:13' });
  assert.equal(parseDevicePath('/org/bluez/hci0'), undefined);
  assert.equal(parseDevicePath('/org/bluez/hci0/dev_00_1A_7D_DA_71'), undefined);
  assert.equal(normaliseAddress('00:1a:7d:da:71:13'), '00:1A:7D:DA:71:13');
  assert.throws(() => normaliseAddress('00-1a-7d-da-71-13'), (error: unknown) => error instanceof TransportError && error.code === 'SB_ERR_BT_CONFIG');
});

test('the SDP record carries the channel it is given and refuses channels RFCOMM does not have', () => {
  assert.match(syncmlServerRecord(1, 'x'), /<uuid value="0x0003" \/><uint8 value="0x01" \/>/);
  assert.match(syncmlServerRecord(30, 'x'), /<uint8 value="0x1e" \/>/);
  for (const bad of [0, 31, 1.5]) {
    assert.throws(() => syncmlServerRecord(bad, 'x'), (error: unknown) => error instanceof TransportError && error.code === 'SB_ERR_BT_CONFIG');
  }
});

test('BlueZ D-Bus errors map to codes an operator can act on', () => {
  const cases: Array<[string, string, string]> = [
    ['org.freedesktop.DBus.Error.ServiceUnknown', 'The name org.bluez was not provided', 'SB_ERR_BT_NO_BLUEZ'],
    ['org.freedesktop.DBus.Error.NoReply', 'recipient disconnected', 'SB_ERR_BT_NO_BLUEZ'],
    ['org.freedesktop.DBus.Error.AccessDenied', 'Rejected send message', 'SB_ERR_BT_ACCESS_DENIED'],
    ['org.bluez.Error.NotPermitted', 'UUID already registered', 'SB_ERR_BT_UUID_TAKEN'],
    ['org.bluez.Error.NotAvailable', 'br-connection-profile-unavailable', 'SB_ERR_BT_PROFILE_UNAVAILABLE'],
    ['org.bluez.Error.Failed', 'br-connection-page-timeout', 'SB_ERR_BT_UNREACHABLE'],
    ['org.bluez.Error.InProgress', 'In Progress', 'SB_ERR_BT_IN_PROGRESS'],
    ['org.bluez.Error.NotReady', 'Resource Not Ready', 'SB_ERR_BT_NO_ADAPTER'],
    ['org.bluez.Error.Failed', 'br-connection-refused', 'SB_ERR_BT_CONNECT_FAILED'],
    ['org.example.Other', 'what', 'SB_ERR_BT'],
  ];
  for (const [type, text, code] of cases) {
    const error = bluezError('ConnectProfile to 00:11:22:33:44:55', Object.assign(new Error(text), { type, text }));
    assert.equal(error.code, code, type);
    assert.ok(error.message.includes(type) && error.message.includes(text), error.message);
  }
});
