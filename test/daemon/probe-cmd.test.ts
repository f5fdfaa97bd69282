// `syncml-bridge probe` through the real executable (bin/ -> dist/, built by `npm test` first):
// `--serial` against a scripted AT answerer on a socat pseudo-terminal (a Sony Ericsson, a Nokia,
// an unknown phone, a silent one, one that answers ERROR), `--device` on a store that keeps a
// DevInf, and the usage errors.
import assert from 'node:assert/strict';
import { after, describe, test, type TestContext } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, run } from '../helpers/cli.js';
import { startFakeModem, type FakeModem, type ModemScript } from '../helpers/fake-modem.js';
import { createPtyPair } from '../helpers/pty.js';
import { openStore } from '../../src/store/index.js';
import type { ProbeJson } from '../../src/daemon/probe-cmd.js';

const dirs: string[] = [];
after(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });
function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-probe-'));
  dirs.push(dir);
  return dir;
}

/** The built CLI as a child (the fake modem answers in this process meanwhile). */
function probe(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return run(process.execPath, [BIN, 'probe', ...args], {}, 60_000);
}

/** A pty pair with a fake phone on its far end, both closed after the test. */
async function phone(t: TestContext, script: ModemScript): Promise<{ tty: string; modem: FakeModem }> {
  const pair = await createPtyPair();
  const modem = await startFakeModem(pair.b, script).catch(async (err: unknown) => {
    await pair.close();
    throw err;
  });
  t.after(async () => {
    await modem.close();
    await pair.close();
  });
  return { tty: pair.a, modem };
}

const OK = ['OK'];
/** Answers every phone here gives; anything not listed gets ERROR. */
const BASE = { ATZ: OK, ATE0: OK } as const;
/** Every switch command of the shipped profiles, in their test form, in profile order. */
const SWITCH_TESTS = ['AT+CPROT=?', 'AT+MODE=?', 'AT^SQWE=?', 'AT*EOBEX=?'];

/** One line on stderr, naming the command. */
function oneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, stderr);
  assert.match(lines[0]!, /^syncml-bridge probe: /);
  assert.match(lines[0]!, pattern);
}

describe('probe --serial', () => {
  test('a Sony Ericsson K750i: its model profile, revision, AT*EOBEX supported, and the sync line; no switch sent', async (t) => {
    const { tty, modem } = await phone(t, {
      answers: { ...BASE, 'AT+CGMI': ['SONY ERICSSON', 'OK'], 'AT+CGMM': ['K750i', 'OK'], 'AT+CGMR': ['R1CA021', 'OK'], 'AT*EOBEX=?': OK },
    });
    const r = await probe(['--serial', tty, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ProbeJson;
    assert.deepEqual(j.at, {
      manufacturer: 'SONY ERICSSON', model: 'K750i', revision: 'R1CA021',
      switchTests: [
        { command: 'AT+CPROT=?', answer: ['ERROR'], supported: false },
        { command: 'AT+MODE=?', answer: ['ERROR'], supported: false },
        { command: 'AT^SQWE=?', answer: ['ERROR'], supported: false },
        { command: 'AT*EOBEX=?', answer: ['OK'], supported: true },
      ],
    });
    assert.equal(j.profile.name, 'sonyericsson/10-k750');
    assert.deepEqual(j.profile.atSwitch, ['AT*EOBEX']);
    assert.equal(j.matchedBy?.key, 'at');
    assert.match(j.explanation, /^sonyericsson\/10-k750 \(by at: at\.model .*"K750i"\)/);
    assert.deepEqual(j.candidates.map((c) => [c.profile, c.key, c.overruled]), [['sonyericsson/00-family', 'at', false]]);
    assert.deepEqual(j.notes, []);
    assert.equal(j.command, `syncml-bridge sync --serial ${tty} --profile sonyericsson/10-k750`);
    assert.deepEqual(modem.commands, ['ATZ', 'ATE0', 'AT+CGMI', 'AT+CGMM', 'AT+CGMR', ...SWITCH_TESTS], 'probe only: AT*EOBEX itself never sent');
  });

  test('the same phone, readable output', async (t) => {
    const { tty } = await phone(t, { answers: { ...BASE, 'AT+CGMI': ['SONY ERICSSON', 'OK'], 'AT+CGMM': ['K750i', 'OK'], 'AT+CGMR': ['R1CA021', 'OK'], 'AT*EOBEX=?': OK } });
    const r = await probe(['--serial', tty]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^manufacturer +SONY ERICSSON$/m);
    assert.match(r.stdout, /^model +K750i$/m);
    assert.match(r.stdout, /^revision +R1CA021$/m);
    assert.match(r.stdout, /^AT\*EOBEX=\? +OK \(supported\)$/m);
    assert.match(r.stdout, /^AT\+CPROT=\? +ERROR$/m);
    assert.match(r.stdout, /^profile +sonyericsson\/10-k750 \(AT switch AT\*EOBEX\)$/m);
    assert.match(r.stdout, /^candidates +sonyericsson\/00-family \(at: at\.manufacturer .*"SONY ERICSSON"\)$/m);
    assert.ok(r.stdout.endsWith(`sync          syncml-bridge sync --serial ${tty} --profile sonyericsson/10-k750\n`), r.stdout);
  });

  test('a Nokia 6230i (+CGMI: prefix, quotes): the 6230 profile, with the note that it has no AT switch', async (t) => {
    const { tty } = await phone(t, { answers: { ...BASE, 'AT+CGMI': ['+CGMI: "Nokia"', 'OK'], 'AT+CGMM': ['+CGMM: "Nokia 6230i"', 'OK'], 'AT+CGMR': ['+CGMR: "V 05.50"', 'OK'] } });
    const r = await probe(['--serial', tty, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ProbeJson;
    assert.equal(j.at?.manufacturer, 'Nokia');
    assert.equal(j.at?.model, 'Nokia 6230i');
    assert.equal(j.at?.revision, 'V 05.50');
    assert.ok(j.at?.switchTests.every((s) => !s.supported));
    assert.equal(j.profile.name, 'nokia/10-6230');
    assert.equal(j.profile.atSwitch, null);
    assert.deepEqual(j.candidates.map((c) => c.profile), ['nokia/00-family']);
    assert.equal(j.notes.length, 1);
    assert.match(j.notes[0]!, /has no AT switch/);
    assert.equal(j.command, `syncml-bridge sync --serial ${tty} --profile nokia/10-6230`);
  });

  test('an unknown phone: the generic fallback, its AT+CPROT=? answer, no candidates', async (t) => {
    const { tty } = await phone(t, { answers: { ...BASE, 'AT+CGMI': ['ACME Mobile', 'OK'], 'AT+CGMM': ['X100', 'OK'], 'AT+CPROT=?': ['+CPROT: (0)', 'OK'] } });
    const r = await probe(['--serial', tty, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ProbeJson;
    assert.equal(j.at?.revision, null, 'AT+CGMR answered ERROR');
    assert.deepEqual(j.at?.switchTests.find((s) => s.command === 'AT+CPROT=?'), { command: 'AT+CPROT=?', answer: ['+CPROT: (0)', 'OK'], supported: true });
    assert.equal(j.profile.name, '10-generic');
    assert.equal(j.matchedBy, null);
    assert.match(j.explanation, /no profile matched: fallback/);
    assert.deepEqual(j.candidates, []);
    assert.deepEqual(j.notes, []);
    assert.equal(j.command, `syncml-bridge sync --serial ${tty} --profile 10-generic`);
  });

  test('an unknown phone that denies AT+CPROT: the fallback with a warning note', async (t) => {
    const { tty } = await phone(t, { answers: { ...BASE, 'AT+CGMI': ['ACME Mobile', 'OK'], 'AT+CGMM': ['X100', 'OK'] } });
    const r = await probe(['--serial', tty, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ProbeJson;
    assert.equal(j.profile.name, '10-generic');
    assert.deepEqual(j.notes, ['the phone answered ERROR to AT+CPROT=?: the profile\'s switch AT+CPROT=0 may fail']);
  });

  test('a Samsung (m-obex, no OBEX SyncML): its profile says it cannot sync, so there is no sync line; still exit 0', async (t) => {
    const { tty } = await phone(t, { answers: { ...BASE, 'AT+CGMI': ['SAMSUNG ELECTRONICS', 'OK'], 'AT+CGMM': ['SGH-D600', 'OK'] } });
    const r = await probe(['--serial', tty]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^profile +samsung\/00-family \(no AT switch, cannot sync\)$/m);
    assert.match(r.stdout, /^note +profile samsung\/00-family: this phone cannot sync over OBEX: /m);
    assert.match(r.stdout, /^sync +none: the profile cannot sync$/m);
  });

  test('a silent phone: exit 1, one line from the tty layer, after both baud rates', async (t) => {
    const { tty, modem } = await phone(t, { answers: { ATZ: { silent: true } }, noEcho: true });
    const r = await probe(['--serial', tty, '--timeout', '1']);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    oneLine(r.stderr, /no answer to ATZ within 1000 ms: nothing was received.*\(tried 57600, 19200 baud\)/);
    assert.deepEqual(modem.commands, ['ATZ', 'ATZ']);
  });

  test('a phone that answers ERROR to ATZ: exit 1, one line', async (t) => {
    const { tty } = await phone(t, { answers: {} });
    const r = await probe(['--serial', tty]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.equal(r.stdout, '');
    oneLine(r.stderr, /answered "ERROR" to ATZ/);
  });

  test('no such tty: exit 1 with the tty layer\'s hint', async () => {
    const r = await probe(['--serial', join(tmp(), 'ttyACM9')]);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    oneLine(r.stderr, /cannot open .*ttyACM9: no such device; is the phone plugged in/);
  });
});

describe('probe --device', () => {
  const ID = 'IMEI:350000000000002';
  const seeded = (): string => {
    const dir = tmp();
    const store = openStore(dir);
    store.saveDevice({
      id: ID, user: 'local', devinfDigest: 'd1', profile: 'sonyericsson/00-family', lastSeen: 1,
      devinf: { VerDTD: '1.1', Man: 'Sony Ericsson', Mod: 'K750i', HwV: 'R1A', FwV: 'R1CA021', SwV: 'R1CA021', DevID: ID, DevTyp: 'phone', DataStores: [] },
    });
    store.saveDevice({ id: 'no-devinf', user: 'local', devinf: null, devinfDigest: null, profile: null, lastSeen: 1 });
    store.close();
    return dir;
  };

  test('the stored DevInf selects the K750 profile; the readable form shows the DevInf fields', async () => {
    const dir = seeded();
    const r = await probe(['--device', ID, '--data-dir', dir, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as ProbeJson;
    assert.deepEqual(j.devinf, { Man: 'Sony Ericsson', Mod: 'K750i', HwV: 'R1A', FwV: 'R1CA021', SwV: 'R1CA021', DevTyp: 'phone', storedProfile: 'sonyericsson/00-family' });
    assert.equal(j.at, null);
    assert.equal(j.profile.name, 'sonyericsson/10-k750');
    assert.equal(j.matchedBy?.key, 'devinf');
    assert.match(j.matchedBy?.detail ?? '', /devinf\.Mod .*"K750i"/);
    assert.deepEqual(j.candidates.map((c) => [c.profile, c.key]), [['sonyericsson/00-family', 'devinf']]);
    assert.equal(j.command, 'syncml-bridge sync (--serial PATH | --bluetooth ADDR | --obex-tcp HOST:PORT) --profile sonyericsson/10-k750');
    const text = await probe(['--device', ID, '--data-dir', dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^HwV +R1A$/m);
    assert.match(text.stdout, /^DevTyp +phone$/m);
    assert.match(text.stdout, /^stored profile +sonyericsson\/00-family$/m);
    assert.match(text.stdout, /^profile +sonyericsson\/10-k750 \(AT switch AT\*EOBEX\)$/m);
  });

  test('an unknown device, and one that sent no DevInf: exit 1, one line', async () => {
    const dir = seeded();
    const unknown = await probe(['--device', 'IMEI:0', '--data-dir', dir]);
    assert.equal(unknown.code, 1, unknown.stdout + unknown.stderr);
    oneLine(unknown.stderr, /no device 'IMEI:0' in /);
    const bare = await probe(['--device', 'no-devinf', '--data-dir', dir]);
    assert.equal(bare.code, 1, bare.stdout + bare.stderr);
    oneLine(bare.stderr, /device 'no-devinf' has sent no DevInf yet/);
  });
});

test('bad options exit 2 with one line, before any tty is opened', async () => {
  for (const [args, pattern] of [
    [[], /give one of --serial PATH or --device ID/],
    [['--serial', '/dev/null', '--device', 'x'], /give one of --serial PATH or --device ID/],
    [['--serial', '/nonexistent', '--timeout', '0'], /--timeout: '0' is not a number of seconds/],
    [['--device', 'x', '--timeout', '5'], /--timeout: only with --serial/],
    [['--serial'], /argument missing/],
  ] as const) {
    const r = await probe(args);
    assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    assert.match(r.stderr, pattern);
  }
});
