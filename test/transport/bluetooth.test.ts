// BluetoothLinks against a stand-in org.bluez (test/helpers/fake-bluez.py) on a private dbus-daemon:
// registration, three concurrent phone connections carrying OBEX, host-initiated ConnectProfile,
// RequestDisconnection, Release, a phone hanging up, and the errors an operator sees.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { TransportError } from '../../src/errors.js';
import { ObexClient, ObexServer, type ObexClientAction, type ObexServerAction } from '../../src/obex/index.js';
import type { Link } from '../../src/transport/link.js';
import {
  BluetoothLinks, SYNCML_CLIENT_UUID, SYNCML_SERVER_UUID, type BluetoothEvent,
} from '../../src/transport/bluetooth.js';
import { startFakeBluez, type FakeBluez } from '../helpers/fake-bluez.js';

const TYPE = 'application/vnd.syncml+xml';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** The bridge side: an ObexServer behind the link that answers every PUT with `reply:<body>`. */
function serveObex(stream: Duplex): void {
  const server = new ObexServer();
  const handle = (actions: ObexServerAction[]): void => {
    for (const action of actions) {
      if (action.kind === 'send') stream.write(action.bytes);
      else if (action.kind === 'message') handle(server.reply(enc.encode(`reply:${dec.decode(action.body)}`), 0));
      else if (action.kind === 'close') stream.end();
    }
  };
  stream.on('data', (chunk: Buffer) => handle(server.feed(chunk, 0)));
}

/** The phone side: CONNECT, PUT `body`, GET, DISCONNECT; resolves with the GET reply. */
function phoneSession(stream: Duplex, body: string): Promise<string> {
  const client = new ObexClient({ maxPacketLength: 255 });
  return new Promise((resolve, reject) => {
    let reply: string | undefined;
    const run = (actions: ObexClientAction[]): void => {
      for (const action of actions) {
        if (action.kind === 'send') stream.write(action.bytes);
        else if (action.kind === 'connected') run(client.put(TYPE, enc.encode(body), 0));
        else if (action.kind === 'put-done') run(client.get(TYPE, 0));
        else if (action.kind === 'message') {
          reply = dec.decode(action.body);
          run(client.disconnect(0));
        } else if (action.kind === 'disconnected') resolve(reply ?? '');
        else if (action.kind === 'error' || action.kind === 'close') reject(new Error(`OBEX ${action.kind}`));
      }
    };
    stream.on('data', (chunk: Buffer) => run(client.feed(chunk, 0)));
    stream.once('close', () => reject(new Error('link closed before the OBEX session ended')));
    run(client.connect(0));
  });
}

/** Resolves when the stream has ended (EOF) or closed; the safety timeout only guards a hang. */
async function ended(stream: Duplex): Promise<void> {
  if (stream.readableEnded || stream.destroyed) return;
  stream.resume();
  await new Promise<void>((resolve) => {
    stream.once('end', resolve);
    stream.once('close', resolve);
  });
}

function nextLink(links: BluetoothLinks, count = 1): Promise<Link[]> {
  return new Promise((resolve) => {
    const got: Link[] = [];
    links.onLink((link) => {
      got.push(link);
      if (got.length === count) resolve(got);
    });
  });
}

async function rejectsWithCode(promise: Promise<unknown>, code: string): Promise<TransportError> {
  try {
    await promise;
  } catch (error) {
    assert.ok(error instanceof TransportError, `expected a TransportError, got ${String(error)}`);
    assert.equal(error.code, code, error.message);
    return error;
  }
  assert.fail(`expected ${code}, but it resolved`);
}

const PHONES = ['00:11:22:33:44:01', '00:11:22:33:44:02', '00:11:22:33:44:03'];

describe('BluetoothLinks with a stand-in org.bluez', { timeout: 60_000 }, () => {
  let bluez: FakeBluez;
  let links: BluetoothLinks;
  const events: BluetoothEvent[] = [];
  const devices: string[] = [];

  before(async () => {
    bluez = await startFakeBluez();
    for (const address of PHONES) devices.push(await bluez.addDevice(address, [SYNCML_CLIENT_UUID]));
    links = await BluetoothLinks.open({ busAddress: bluez.busAddress, channel: 21, serviceName: 'SyncML <Bridge>' });
    links.onEvent((event) => events.push(event));
  });

  after(async () => {
    await links?.close();
    await bluez?.stop();
  });

  test('registers the SyncML Server profile: UUID, role, channel, SDP record', async () => {
    const regs = await bluez.registrations();
    assert.equal(regs.length, 1);
    const reg = regs[0];
    assert.ok(reg !== undefined);
    assert.equal(reg.uuid, SYNCML_SERVER_UUID);
    assert.equal(reg.options.Role, 'server');
    assert.equal(reg.options.Channel, 21);
    assert.equal(reg.options.RequireAuthorization, false);
    const record = String(reg.options.ServiceRecord);
    assert.match(record, /<attribute id="0x0001"><sequence><uuid value="00000001-0000-1000-8000-0002ee000002" \/><\/sequence><\/attribute>/);
    // protocol descriptor list: L2CAP (0x0100), RFCOMM (0x0003) with the channel, OBEX (0x0008), in order
    assert.match(record, /<uuid value="0x0100" \/>[\s\S]*<uuid value="0x0003" \/><uint8 value="0x15" \/>[\s\S]*<uuid value="0x0008" \/>/);
    assert.match(record, /<text value="SyncML &lt;Bridge&gt;" \/>/);
    assert.equal(links.address, 'bluetooth:rfcomm/21');
  });

  test('three phones at once, each with its own OBEX session over its own fd', async () => {
    const accepted = nextLink(links, 3);
    const phoneEnds = await Promise.all(devices.map((device) => bluez.phoneConnect(device, SYNCML_SERVER_UUID)));
    const bridgeEnds = await accepted;
    assert.deepEqual(bridgeEnds.map((link) => link.info.peer).sort(), [...PHONES].sort());
    for (const link of bridgeEnds) {
      assert.equal(link.info.transport, 'bluetooth');
      assert.equal(link.info.kind, 'stream');
      assert.equal(link.info.name, `bt:${link.info.peer}`);
      serveObex(link.stream);
    }
    // a body larger than one 255-byte packet, different per phone, so mixed bytes would show
    const bodies = PHONES.map((address, i) => `<SyncML>${address}:${String(i).repeat(600)}</SyncML>`);
    const replies = await Promise.all(phoneEnds.map((end, i) => phoneSession(end, bodies[i] ?? '')));
    assert.deepEqual(replies, bodies.map((body) => `reply:${body}`));
    assert.equal(links.links.length, 3);
    // the phones hang up: every bridge-side stream ends at once
    for (const end of phoneEnds) end.end();
    await Promise.all(bridgeEnds.map((link) => ended(link.stream)));
    await Promise.all(bridgeEnds.map((link) => (link.stream.destroyed ? undefined : once(link.stream, 'close'))));
    assert.equal(links.links.length, 0);
  });

  test('an fd arriving in the same read as an earlier message still reaches NewConnection', async () => {
    for (let round = 0; round < 5; round += 1) {
      const accepted = nextLink(links, 1);
      const connecting = bluez.phoneConnectNoisy(devices[0] ?? '', SYNCML_SERVER_UUID);
      // keep this process busy so the signal and NewConnection(fd) queue up and are read together
      const until = Date.now() + 200;
      while (Date.now() < until) { /* busy */ }
      const phone = await connecting;
      const [link] = await accepted;
      assert.ok(link !== undefined);
      phone.end('ping');
      let got = '';
      link.stream.on('data', (chunk: Buffer) => {
        got += chunk.toString();
      });
      await ended(link.stream);
      assert.equal(got, 'ping');
      phone.destroy();
    }
  });

  test('a phone that resets the connection ends only its own link', async () => {
    const accepted = nextLink(links, 2);
    const [a, b] = await Promise.all([bluez.phoneConnect(devices[0] ?? '', SYNCML_SERVER_UUID), bluez.phoneConnect(devices[1] ?? '', SYNCML_SERVER_UUID)]);
    const [linkA, linkB] = await accepted;
    assert.ok(a !== undefined && b !== undefined && linkA !== undefined && linkB !== undefined);
    const byPeer = linkA.info.peer === PHONES[0] ? { first: linkA, second: linkB } : { first: linkB, second: linkA };
    byPeer.first.stream.write('unread bytes make close() a reset'); // data left unread -> ECONNRESET-like end
    a.destroy();
    const errors: Error[] = [];
    byPeer.first.stream.on('error', (error: Error) => errors.push(error));
    await ended(byPeer.first.stream);
    assert.deepEqual(errors, [], 'a reset is a normal end, not an error');
    assert.equal(byPeer.second.stream.destroyed, false);
    serveObex(byPeer.second.stream);
    assert.equal(await phoneSession(b, 'still here'), 'reply:still here');
    b.end();
    await ended(byPeer.second.stream);
  });

  test('RequestDisconnection closes that device\'s link only', async () => {
    const accepted = nextLink(links, 2);
    const [a, b] = await Promise.all([bluez.phoneConnect(devices[0] ?? '', SYNCML_SERVER_UUID), bluez.phoneConnect(devices[2] ?? '', SYNCML_SERVER_UUID)]);
    const got = await accepted;
    assert.ok(a !== undefined && b !== undefined);
    const other = got.find((link) => link.info.peer === PHONES[2]);
    assert.ok(other !== undefined);
    await bluez.requestDisconnection(devices[0] ?? '', SYNCML_SERVER_UUID);
    // the phone sees the link go down, although the stand-in (like bluetoothd) still holds the socket
    await ended(a);
    const event = events.find((e) => e.type === 'request-disconnection');
    assert.deepEqual(event, { type: 'request-disconnection', role: 'server', device: devices[0], links: 1 });
    serveObex(other.stream);
    assert.equal(await phoneSession(b, 'unaffected'), 'reply:unaffected');
    b.end();
    await ended(other.stream);
  });

  test('host-initiated sync: ConnectProfile gives a Link to the phone\'s SyncML client', async () => {
    const link = await links.connect(PHONES[1]?.toLowerCase() ?? '');
    assert.equal(link.info.peer, PHONES[1]);
    assert.equal(link.info.transport, 'bluetooth');
    const regs = await bluez.registrations();
    const client = regs.find((reg) => reg.uuid === SYNCML_CLIENT_UUID);
    assert.equal(client?.options.Role, 'client');
    const phone = await bluez.takePhoneEnd(devices[1] ?? '');
    // the bridge is the OBEX client here; the phone answers
    serveObex(phone);
    assert.equal(await phoneSession(link.stream, 'SAN'), 'reply:SAN');
    // the bridge hangs up with end(): a shutdown, so the phone sees EOF although the fd is shared
    link.stream.end();
    await ended(phone);
    phone.destroy();
    // a second connect reuses the client registration
    const again = await links.connect(PHONES[1] ?? '');
    const phone2 = await bluez.takePhoneEnd(devices[1] ?? '');
    again.stream.destroy(); // destroy() also shuts the socket down first
    await ended(phone2);
    phone2.destroy();
  });

  test('connect errors: unknown device, missing adapter, no SyncML client, unreachable', async () => {
    const unknown = await rejectsWithCode(links.connect('00:11:22:33:44:99'), 'SB_ERR_BT_UNKNOWN_DEVICE');
    assert.match(unknown.message, /00:11:22:33:44:99.*pair/);
    await rejectsWithCode(links.connect(PHONES[0] ?? '', 'hci7'), 'SB_ERR_BT_NO_ADAPTER');
    await bluez.addDevice('00:11:22:33:44:0A', []);
    await rejectsWithCode(links.connect('00:11:22:33:44:0A'), 'SB_ERR_BT_PROFILE_UNAVAILABLE');
    await bluez.addDevice('00:11:22:33:44:0B', [SYNCML_CLIENT_UUID], false);
    const far = await rejectsWithCode(links.connect('00:11:22:33:44:0B'), 'SB_ERR_BT_UNREACHABLE');
    assert.match(far.message, /br-connection-page-timeout/);
    await rejectsWithCode(links.connect('not-an-address'), 'SB_ERR_BT_CONFIG');
  });

  test('a second connect() to a phone that is still being connected is refused', async () => {
    const first = links.connect(PHONES[2] ?? '');
    const second = links.connect(PHONES[2] ?? '');
    await rejectsWithCode(second, 'SB_ERR_BT_IN_PROGRESS');
    const link = await first;
    const phone = await bluez.takePhoneEnd(devices[2] ?? '');
    link.stream.end();
    await ended(phone);
    phone.destroy();
  });

  test('a second registration of the same UUID fails clearly', async () => {
    const error = await rejectsWithCode(BluetoothLinks.open({ busAddress: bluez.busAddress, objectPath: '/second' }), 'SB_ERR_BT_UUID_TAKEN');
    assert.match(error.message, /org\.bluez\.Error\.NotPermitted/);
    const regs = await bluez.registrations();
    assert.equal(regs.filter((reg) => reg.uuid === SYNCML_SERVER_UUID).length, 1);
  });

  test('Release is reported and close() unregisters what is left', async () => {
    await bluez.release(SYNCML_SERVER_UUID);
    assert.ok(events.some((e) => e.type === 'release' && e.role === 'server'));
    const accepted = nextLink(links, 1);
    const phone = await bluez.phoneConnect(devices[0] ?? '', SYNCML_CLIENT_UUID).catch((error: unknown) => error);
    assert.ok(!(phone instanceof Error), String(phone));
    const [link] = await accepted; // a client-role connection nobody waited for still becomes a link
    assert.ok(link !== undefined && phone !== undefined && !(phone instanceof Error));
    await links.close();
    assert.deepEqual(await bluez.registrations(), []);
    const kinds = (await bluez.events()).map((e) => e.kind);
    assert.ok(kinds.includes('unregister'));
    // the open link was shut down by close()
    await ended(phone as Duplex);
    (phone as Duplex).destroy();
  });
});

describe('BluetoothLinks lifecycle and a missing bluetoothd', { timeout: 60_000 }, () => {
  test('close({ endLinks: false }) unregisters but leaves open links to their owners', async () => {
    const bluez = await startFakeBluez();
    const links = await BluetoothLinks.open({ busAddress: bluez.busAddress });
    try {
      const device = await bluez.addDevice(PHONES[0] ?? '', []);
      const accepted = nextLink(links, 1);
      const phone = await bluez.phoneConnect(device, SYNCML_SERVER_UUID);
      const [link] = await accepted;
      assert.ok(link !== undefined);
      await links.close({ endLinks: false });
      assert.deepEqual(await bluez.registrations(), []);
      serveObex(link.stream);
      assert.equal(await phoneSession(phone, 'after close'), 'reply:after close');
      phone.end();
      await ended(link.stream);
    } finally {
      await links.close();
      await bluez.stop();
    }
  });

  test('nobody owns org.bluez on the bus: SB_ERR_BT_NO_BLUEZ', async () => {
    const bus = await startFakeBluez({ withBluez: false });
    try {
      const error = await rejectsWithCode(BluetoothLinks.open({ busAddress: bus.busAddress }), 'SB_ERR_BT_NO_BLUEZ');
      assert.match(error.message, /bluetoothd is not running/);
    } finally {
      await bus.stop();
    }
  });

  test('bluetoothd going away: connect() fails with SB_ERR_BT_NO_BLUEZ', async () => {
    const bluez = await startFakeBluez();
    const links = await BluetoothLinks.open({ busAddress: bluez.busAddress });
    try {
      await bluez.addDevice(PHONES[0] ?? '', [SYNCML_CLIENT_UUID]);
      await bluez.vanish();
      const error = await rejectsWithCode(links.connect(PHONES[0] ?? ''), 'SB_ERR_BT_NO_BLUEZ');
      assert.match(error.message, /ServiceUnknown|NameHasNoOwner/);
    } finally {
      await links.close(); // UnregisterProfile fails quietly: nobody to undo it with
      await bluez.stop();
    }
  });

  test('no bus at the address: a TransportError, not a hang', async () => {
    const bus = await startFakeBluez({ withBluez: false });
    const address = bus.busAddress;
    await bus.stop(); // the socket is gone now
    const error = await rejectsWithCode(BluetoothLinks.open({ busAddress: address, callTimeoutMs: 20_000 }), 'SB_ERR_BT_NO_BUS');
    assert.match(error.message, /D-Bus/);
  });
});
