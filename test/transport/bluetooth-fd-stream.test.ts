// fd-stream.ts both ways (the in-process pipe handle and the `socat FD:3 STDIO` relay), on fds that
// the stand-in org.bluez hands out through NewConnection, exactly as bluetoothd would.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Duplex } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { BluetoothLinks, SYNCML_SERVER_UUID } from '../../src/transport/bluetooth.js';
import { hasPipeFdSupport, type FdStreamMethod } from '../../src/transport/fd-stream.js';
import type { Link } from '../../src/transport/link.js';
import { startFakeBluez, type FakeBluez } from '../helpers/fake-bluez.js';

function nextLink(links: BluetoothLinks): Promise<Link> {
  return new Promise((resolve) => links.onLink(resolve));
}

/** Everything the stream yields until it ends or closes. */
function collect(stream: Duplex): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    const done = (): void => resolve(Buffer.concat(chunks));
    stream.once('end', done);
    stream.once('close', done);
  });
}

/** Resolves once the stream has closed. */
function closed(stream: Duplex): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => stream.once('close', () => resolve()));
}

test('the pipe handle is available on this Node (else the socat relay is used)', () => {
  assert.equal(hasPipeFdSupport(), true);
});

for (const method of ['pipe', 'socat'] as FdStreamMethod[]) {
  describe(`fd-stream, method ${method}`, { timeout: 60_000 }, () => {
    let bluez: FakeBluez;
    let links: BluetoothLinks;
    let device: string;

    before(async () => {
      if (method === 'socat' && spawnSync('socat', ['-V']).error !== undefined) {
        throw new Error('socat not found: install the Debian package socat');
      }
      bluez = await startFakeBluez();
      device = await bluez.addDevice('00:11:22:33:44:55', []);
      links = await BluetoothLinks.open({ busAddress: bluez.busAddress, fdMethod: method });
    });

    after(async () => {
      await links?.close();
      await bluez?.stop();
    });

    test('carries 1 MiB both ways without loss, then the bridge hangs up and the phone sees EOF', async () => {
      const accepted = nextLink(links);
      const phone = await bluez.phoneConnect(device, SYNCML_SERVER_UUID);
      const link = await accepted;
      const up = Buffer.alloc(1 << 20);
      const down = Buffer.alloc(1 << 20);
      for (let i = 0; i < up.length; i += 1) {
        up[i] = (i * 7) & 0xff;
        down[i] = (i * 13 + 1) & 0xff;
      }
      // the phone sends everything and then reads; the bridge echoes what it reads, transformed
      const atPhone = collect(phone);
      let seen = 0;
      link.stream.on('data', (chunk: Buffer) => {
        link.stream.write(down.subarray(seen, seen + chunk.length));
        seen += chunk.length;
        if (seen === up.length) link.stream.end(); // shutdown: the phone must get EOF
      });
      phone.write(up);
      const got = await atPhone;
      assert.equal(got.length, down.length);
      assert.ok(got.equals(down), 'bytes arrived changed or out of order');
      phone.destroy();
      await closed(link.stream);
    });

    test('the phone hanging up ends the bridge stream at once', async () => {
      const accepted = nextLink(links);
      const phone = await bluez.phoneConnect(device, SYNCML_SERVER_UUID);
      const link = await accepted;
      const atBridge = collect(link.stream);
      phone.end('bye');
      assert.equal((await atBridge).toString(), 'bye');
      await closed(link.stream);
      phone.destroy();
    });

    test('destroy() on the bridge side still reaches the phone as EOF', async () => {
      const accepted = nextLink(links);
      const phone = await bluez.phoneConnect(device, SYNCML_SERVER_UUID);
      const link = await accepted;
      const atPhone = collect(phone);
      link.stream.write('last words');
      await new Promise<void>((resolve) => link.stream.write('', () => resolve()));
      link.stream.destroy();
      assert.equal((await atPhone).toString(), 'last words');
      phone.destroy();
    });
  });
}
