import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig, parseHostPort, formatHostPort } from '../../src/daemon/config.js';
import { ConfigError } from '../../src/errors.js';

test('embedded default: OBEX/TCP and HTTP on loopback, data in ./var', () => {
  const cfg = resolveConfig({}, '/srv/x');
  assert.equal(cfg.dataDir, '/srv/x/var');
  assert.deepEqual(cfg.obexTcp, [{ host: '127.0.0.1', port: 6650 }]);
  assert.deepEqual(cfg.http, { host: '127.0.0.1', port: 8280 });
  assert.deepEqual(cfg.serial, []);
  assert.equal(cfg.bluetooth, undefined);
  assert.equal(cfg.relay, undefined);
  assert.equal(cfg.logLevel, 'info');
});

test('flags: repeatable links, serial profiles, bluetooth adapter, relay', () => {
  const cfg = resolveConfig({
    dataDir: 'd', obexTcp: ['0.0.0.0:650', '[::1]:6651'], http: 'localhost:9000',
    serial: ['/dev/ttyACM0=sonyericsson', '/dev/ircomm0'], bluetooth: 'hci1',
    relay: 'passthrough', upstream: 'https://sync.example.org/sync', logLevel: 'debug',
  }, '/w');
  assert.equal(cfg.dataDir, '/w/d');
  assert.deepEqual(cfg.obexTcp, [{ host: '0.0.0.0', port: 650 }, { host: '::1', port: 6651 }]);
  assert.deepEqual(cfg.http, { host: 'localhost', port: 9000 });
  assert.deepEqual(cfg.serial, [{ path: '/dev/ttyACM0', profile: 'sonyericsson' }, { path: '/dev/ircomm0' }]);
  assert.equal(cfg.bluetooth, 'hci1');
  assert.equal(cfg.relay?.mode, 'passthrough');
  assert.equal(cfg.relay?.upstream.href, 'https://sync.example.org/sync');
  assert.equal(cfg.logLevel, 'debug');
  assert.equal(resolveConfig({ bluetooth: true }).bluetooth, 'default');
  assert.equal(cfg.bluetoothRequirePairing, false);
  assert.equal(resolveConfig({ bluetooth: true, bluetoothRequirePairing: true }).bluetoothRequirePairing, true);
});

test('config file: bluetoothRequirePairing must be a boolean', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ bluetooth: 'hci0', bluetoothRequirePairing: true }));
  assert.equal(resolveConfig({ config: file }, dir).bluetoothRequirePairing, true);
  writeFileSync(file, JSON.stringify({ bluetooth: 'hci0', bluetoothRequirePairing: 'yes' }));
  assert.throws(() => resolveConfig({ config: file }, dir), /bluetoothRequirePairing: must be true or false/);
});

test('config file, overridden by flags', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cfg-'));
  const file = join(dir, 'c.json');
  writeFileSync(file, JSON.stringify({ http: false, obexTcp: '127.0.0.1:7000', logLevel: 'warn', serial: ['/dev/ttyUSB0'] }));
  const cfg = resolveConfig({ config: file, logLevel: 'error' }, dir);
  assert.equal(cfg.http, undefined);
  assert.deepEqual(cfg.obexTcp, [{ host: '127.0.0.1', port: 7000 }]);
  assert.equal(cfg.logLevel, 'error');
  assert.deepEqual(cfg.serial, [{ path: '/dev/ttyUSB0' }]);
});

const BAD: [string, Parameters<typeof resolveConfig>[0], RegExp][] = [
  ['port out of range', { obexTcp: ['127.0.0.1:70000'] }, /--obex-tcp: port 70000/],
  ['not host:port', { http: 'localhost' }, /--http: 'localhost' is not HOST:PORT/],
  ['relative tty', { serial: ['ttyS0'] }, /--serial: 'ttyS0'/],
  ['bad adapter', { bluetooth: 'wlan0' }, /--bluetooth: adapter 'wlan0'/],
  ['relay without upstream', { relay: 'passthrough' }, /needs --upstream/],
  ['bad relay mode', { relay: 'mirror', upstream: 'http://x/' }, /relay mode 'mirror'/],
  ['upstream not http', { relay: 'passthrough', upstream: 'ftp://x/' }, /must be http: or https:/],
  ['bad log level', { logLevel: 'loud' }, /--log-level: 'loud'/],
  ['missing config file', { config: '/nonexistent/c.json' }, /--config: cannot read/],
];
for (const [name, opts, re] of BAD) {
  test(`invalid: ${name}`, () => {
    assert.throws(() => resolveConfig(opts, '/tmp'), (e: unknown) => e instanceof ConfigError && re.test(e.message));
  });
}

test('config file: unknown key and bad JSON are named', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sb-cfg-'));
  writeFileSync(join(dir, 'a.json'), '{"htp": "x"}');
  writeFileSync(join(dir, 'b.json'), '{nope');
  assert.throws(() => resolveConfig({ config: 'a.json' }, dir), /unknown setting 'htp'/);
  assert.throws(() => resolveConfig({ config: 'b.json' }, dir), /not valid JSON/);
});

test('host:port round trip', () => {
  for (const s of ['127.0.0.1:1', '[::1]:65535', 'example.org:80']) assert.equal(formatHostPort(parseHostPort(s, 'x')), s);
});
