// `requirePairing` (serve --bluetooth-require-pairing): a phone-initiated connection from a phone
// that is not bonded with BlueZ is refused with a clear reason; a bonded phone gets its link.
// Against the stand-in org.bluez (test/helpers/fake-bluez.py); the VM test
// (test/bluetooth-vm, scenario 6) shows the same with real bluetoothd.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { BluetoothLinks, SYNCML_SERVER_UUID, type BluetoothEvent } from '../../src/transport/bluetooth.js';
import type { Link } from '../../src/transport/link.js';
import { startFakeBluez, type FakeBluez } from '../helpers/fake-bluez.js';

let bluez: FakeBluez;
let links: BluetoothLinks;
const events: BluetoothEvent[] = [];
const got: Link[] = [];

before(async () => {
  bluez = await startFakeBluez();
  links = await BluetoothLinks.open({ busAddress: bluez.busAddress, requirePairing: true });
  links.onEvent((e) => events.push(e));
  links.onLink((l) => got.push(l));
});

after(async () => {
  await links?.close();
  await bluez?.stop();
});

test('requirePairing: an unbonded phone is refused with the reason, a bonded one gets its link', { timeout: 60_000 }, async () => {
  const stranger = await bluez.addDevice('00:11:22:33:44:01', []);
  await bluez.setBonded(stranger, false);
  await assert.rejects(bluez.phoneConnect(stranger, SYNCML_SERVER_UUID), /Rejected/);
  const refused = events.find((e) => e.type === 'refused');
  assert.ok(refused !== undefined && refused.type === 'refused', JSON.stringify(events));
  assert.match(refused.reason, /phone 00:11:22:33:44:01 is not paired .*bluetoothctl pair 00:11:22:33:44:01/);
  assert.equal(links.links.length, 0);

  const friend = await bluez.addDevice('00:11:22:33:44:02', []);
  const phone = await bluez.phoneConnect(friend, SYNCML_SERVER_UUID);
  for (let i = 0; i < 100 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(got.length, 1);
  assert.equal(got[0]!.info.peer, '00:11:22:33:44:02');
  phone.destroy();
});
