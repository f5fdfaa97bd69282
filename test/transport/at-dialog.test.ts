// The pure AT dialogue: scripted phones (a function from command to answer bytes) on a simulated clock.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AtDialog, quoteLine, type AtAction, type AtDialogOptions, type AtResult } from '../../src/transport/at-dialog.js';
import { AT_ERR, AT_SWITCH_EXAMPLES, AtError, checkAtSwitch, type AtSwitch } from '../../src/transport/at-switch.js';
import { TransportError } from '../../src/errors.js';

type Answer = string | Uint8Array | undefined;
interface Outcome {
  readonly writes: string[];
  readonly result?: AtResult;
  readonly fail?: { code: string; message: string; command?: string };
  /** Simulated time at the end. */
  readonly now: number;
}

const bytes = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

/**
 * Run a dialogue against `phone` (command -> answer; undefined = silence). Answers are delivered
 * whole, or one byte per receive() when `split`. `later` is delivered after the first wait that
 * follows the last write (e.g. OBEX bytes during the settle pause).
 */
function simulate(options: AtDialogOptions, phone: (command: string) => Answer, split = false, later?: Uint8Array): Outcome {
  const dialog = new AtDialog(options);
  const writes: string[] = [];
  let now = 0;
  let wake = Number.POSITIVE_INFINITY;
  let pending: Uint8Array[] = [];
  let actions: AtAction[] = dialog.start(now);
  for (let round = 0; round < 10_000; round++) {
    for (const a of actions) {
      if (a.type === 'write') {
        assert.equal(new TextDecoder('latin1').decode(a.bytes), `${a.command}\r`);
        writes.push(a.command);
        const answer = phone(a.command);
        if (answer !== undefined) pending.push(typeof answer === 'string' ? bytes(answer) : answer);
      } else if (a.type === 'wait') wake = a.until;
      else if (a.type === 'done') return { writes, result: a.result, now };
      else return { writes, fail: { code: a.code, message: a.message, ...(a.command === undefined ? {} : { command: a.command }) }, now };
    }
    actions = [];
    if (pending.length > 0) {
      const chunks = pending;
      pending = [];
      for (const chunk of chunks) {
        const pieces = split ? [...chunk].map((b) => Uint8Array.of(b)) : [chunk];
        for (const p of pieces) actions.push(...dialog.receive(p, now));
      }
    } else if (later !== undefined) {
      actions = dialog.receive(later, now);
      later = undefined;
    } else {
      assert.ok(Number.isFinite(wake), 'the dialogue neither writes nor waits');
      now = wake;
      actions = dialog.tick(now);
    }
  }
  assert.fail('the dialogue did not finish');
}

/** A well-behaved phone: echo until ATE0, answers from `table`, `ERROR` for anything else. */
function phone(table: Record<string, string | undefined>, options: { echoStaysOn?: boolean; unsolicited?: string } = {}): (command: string) => Answer {
  let echo = true;
  return (command) => {
    const prefix = (echo ? `${command}\r` : '') + (options.unsolicited ?? '');
    if (command === 'ATE0' && !options.echoStaysOn) echo = false;
    if (command in table) {
      const answer = table[command];
      return answer === undefined ? (prefix === '' ? undefined : prefix) : prefix + answer;
    }
    return `${prefix}\r\nERROR\r\n`;
  };
}

const PROBE = {
  ATZ: '\r\nOK\r\n',
  ATE0: '\r\nOK\r\n',
  'AT+CGMI': '\r\nSONY ERICSSON\r\n\r\nOK\r\n',
  'AT+CGMM': '\r\n"AAD-3052021-BV"\r\n\r\nOK\r\n',
};
const SE = { switch: AT_SWITCH_EXAMPLES.sonyEricsson as unknown as AtSwitch };

test('Sony Ericsson: probe, AT*EOBEX -> CONNECT, done after the 100 ms pause', () => {
  const out = simulate(SE, phone({ ...PROBE, 'AT*EOBEX': '\r\nCONNECT\r\n' }));
  assert.deepEqual(out.writes, ['ATZ', 'ATE0', 'AT+CGMI', 'AT+CGMM', 'AT*EOBEX']);
  assert.equal(out.fail, undefined);
  assert.equal(out.result?.manufacturer, 'SONY ERICSSON');
  assert.equal(out.result?.model, 'AAD-3052021-BV');
  assert.deepEqual(out.result?.answers, [['CONNECT']]);
  assert.equal(out.result?.rest.length, 0);
  assert.ok(out.now >= 100, 'done only after delayAfterMs');
});

for (const split of [false, true]) {
  for (const echoStaysOn of [false, true]) {
    test(`generic AT+CPROT=0: echo ${echoStaysOn ? 'stays on' : 'turned off'}, ${split ? 'one byte per read' : 'whole answers'}`, () => {
      const out = simulate({ switch: AT_SWITCH_EXAMPLES.generic as unknown as AtSwitch }, phone({ ...PROBE, 'AT+CGMI': '\r\n+CGMI: "Nokia"\r\n\r\nOK\r\n', 'AT+CPROT=0': '\r\nCONNECT 115200\r\n' }, { echoStaysOn }), split);
      assert.equal(out.fail, undefined, out.fail?.message);
      assert.deepEqual(out.writes.at(-1), 'AT+CPROT=0');
      assert.equal(out.result?.manufacturer, 'Nokia');
    });
  }
}

test('Motorola AT+MODE=22 answered OK is a success', () => {
  const out = simulate({ switch: AT_SWITCH_EXAMPLES.motorola as unknown as AtSwitch }, phone({ ...PROBE, 'AT+MODE=22': '\r\nOK\r\n' }));
  assert.equal(out.fail, undefined);
  assert.deepEqual(out.result?.answers, [['OK']]);
});

for (const [state, skipped] of [['0', true], ['3', false]] as const) {
  test(`Siemens: AT^SQWE? answers ^SQWE: ${state} -> AT^SQWE=0 ${skipped ? 'skipped' : 'sent'}`, () => {
    const out = simulate({ switch: AT_SWITCH_EXAMPLES.siemens as unknown as AtSwitch }, phone({ ...PROBE, 'AT^SQWE?': `\r\n^SQWE: ${state}\r\n\r\nOK\r\n`, 'AT^SQWE=0': '\r\nOK\r\n', 'AT^SQWE=3': '\r\nOK\r\n' }));
    assert.equal(out.fail, undefined, out.fail?.message);
    const expected = skipped ? ['AT^SQWE?', 'AT^SQWE=3'] : ['AT^SQWE?', 'AT^SQWE=0', 'AT^SQWE=3'];
    assert.deepEqual(out.writes.slice(4), expected);
    assert.deepEqual(out.result?.answers[0], [`^SQWE: ${state}`, 'OK']);
    assert.deepEqual(out.result?.answers[1], skipped ? [] : ['OK']);
    assert.ok(out.now >= (skipped ? 1000 : 2000), 'the 1 s pauses were kept');
  });
}

test('unsolicited RING / +CREG lines between answers are ignored', () => {
  const out = simulate(SE, phone({ ...PROBE, 'AT*EOBEX': '\r\nCONNECT\r\n' }, { unsolicited: '\r\nRING\r\n\r\n+CREG: 1,"00C3","A1B2"\r\n' }));
  assert.equal(out.fail, undefined, out.fail?.message);
  assert.equal(out.result?.manufacturer, 'SONY ERICSSON');
});

test('probe: ERROR to AT+CGMI / AT+CGMM is tolerated (no manufacturer, model)', () => {
  const out = simulate(SE, phone({ ATZ: PROBE.ATZ, ATE0: PROBE.ATE0, 'AT*EOBEX': '\r\nCONNECT\r\n' }));
  assert.equal(out.fail, undefined);
  assert.equal(out.result?.manufacturer, undefined);
  assert.equal(out.result?.model, undefined);
});

test('probe: false sends only the switch', () => {
  const out = simulate({ ...SE, probe: false }, phone({ 'AT*EOBEX': '\r\nCONNECT\r\n' }));
  assert.deepEqual(out.writes, ['AT*EOBEX']);
  assert.equal(out.result?.manufacturer, undefined);
});

test('queries after the probe: answer lines recorded by command, ERROR and +CME ERROR are answers too, then the switch', () => {
  const queries = ['AT+CGMR', 'AT*EOBEX=?', 'AT+CPROT=?', 'AT+MODE=?'];
  const out = simulate({ ...SE, queries }, phone({ ...PROBE, 'AT+CGMR': '\r\n+CGMR: "R1CA021"\r\n\r\nOK\r\n', 'AT*EOBEX=?': '\r\nOK\r\n', 'AT+MODE=?': '\r\n+CME ERROR: 4\r\n', 'AT*EOBEX': '\r\nCONNECT\r\n' }));
  assert.equal(out.fail, undefined, out.fail?.message);
  assert.deepEqual(out.writes, ['ATZ', 'ATE0', 'AT+CGMI', 'AT+CGMM', ...queries, 'AT*EOBEX']);
  assert.deepEqual(out.result?.queries, { 'AT+CGMR': ['+CGMR: "R1CA021"', 'OK'], 'AT*EOBEX=?': ['OK'], 'AT+CPROT=?': ['ERROR'], 'AT+MODE=?': ['+CME ERROR: 4'] });
  assert.deepEqual(out.result?.answers, [['CONNECT']]);
});

test('a query the phone does not answer fails the dialogue as silence', () => {
  const out = simulate({ queries: ['AT+CGMR'] }, phone({ ...PROBE, 'AT+CGMR': undefined }));
  assert.equal(out.fail?.code, AT_ERR.SILENT);
  assert.equal(out.fail?.command, 'AT+CGMR');
});

test('bytes after CONNECT in the same chunk and during the pause are the start of OBEX', () => {
  const obex = Uint8Array.of(0xa0, 0x00, 0x07, 0x10, 0x00, 0x04, 0x00);
  const more = Uint8Array.of(0x11, 0x13);
  const answer = new Uint8Array([...bytes('\r\nCONNECT\r\n'), ...obex]);
  const out = simulate(SE, (c) => (c === 'AT*EOBEX' ? answer : phone(PROBE)(c)), false, more);
  assert.deepEqual(out.result?.rest, new Uint8Array([...obex, ...more]));
});

test('a CR-terminated CONNECT whose LF comes in the next chunk: the LF is not OBEX data', () => {
  const out = simulate({ ...SE, probe: false }, (c) => (c === 'AT*EOBEX' ? '\r\nCONNECT\r' : undefined), false, Uint8Array.of(0x0a, 0x80, 0x00, 0x03));
  assert.deepEqual(out.result?.rest, Uint8Array.of(0x80, 0x00, 0x03));
});

interface FailCase {
  readonly name: string;
  readonly options?: AtDialogOptions;
  readonly answers: Record<string, string | undefined>;
  readonly code: string;
  readonly command: string;
  readonly message: RegExp;
  /** The phone keeps echoing after ATE0. */
  readonly echoStaysOn?: boolean;
  /** The phone sends nothing at all, not even echoes. */
  readonly dead?: boolean;
}
const FAILS: FailCase[] = [
  { name: 'ERROR to the switch', answers: { ...PROBE, 'AT*EOBEX': '\r\nERROR\r\n' }, code: AT_ERR.ERROR, command: 'AT*EOBEX', message: /answered "ERROR" to AT\*EOBEX/ },
  { name: '+CME ERROR to the switch', options: { switch: AT_SWITCH_EXAMPLES.generic as unknown as AtSwitch }, answers: { ...PROBE, 'AT+CPROT=0': '\r\n+CME ERROR: 4\r\n' }, code: AT_ERR.ERROR, command: 'AT+CPROT=0', message: /"\+CME ERROR: 4" to AT\+CPROT=0/ },
  { name: 'ERROR to ATZ', answers: { ATZ: '\r\nERROR\r\n' }, code: AT_ERR.ERROR, command: 'ATZ', message: /"ERROR" to ATZ/ },
  { name: 'silence', dead: true, answers: {}, code: AT_ERR.SILENT, command: 'ATZ', message: /no answer to ATZ within 3000 ms: nothing was received/ },
  { name: 'only the echo', echoStaysOn: true, answers: { ...PROBE, 'AT*EOBEX': undefined }, code: AT_ERR.SILENT, command: 'AT*EOBEX', message: /no answer to AT\*EOBEX within 3000 ms: the phone echoed/ },
  { name: 'text but no result', options: { switch: { steps: [{ send: 'AT*EOBEX', expect: ['CONNECT'], timeoutMs: 500 }] } }, answers: { ...PROBE, 'AT*EOBEX': '\r\nhello\r\n' }, code: AT_ERR.SILENT, command: 'AT*EOBEX', message: /within 500 ms: the phone sent "hello" but no final result/ },
  { name: 'OK where CONNECT was expected', answers: { ...PROBE, 'AT*EOBEX': '\r\nOK\r\n' }, code: AT_ERR.GARBAGE, command: 'AT*EOBEX', message: /answered "OK" to AT\*EOBEX, expected CONNECT/ },
  { name: 'NO CARRIER', answers: { ...PROBE, 'AT*EOBEX': '\r\nNO CARRIER\r\n' }, code: AT_ERR.GARBAGE, command: 'AT*EOBEX', message: /"NO CARRIER"/ },
  { name: 'binary bytes', answers: { ATZ: '\x80\x00\x07\x10\x00\xff\xff\r\n' }, code: AT_ERR.GARBAGE, command: 'ATZ', message: /binary data "\\x80\\x00.*already in OBEX mode/ },
  { name: 'a line over 512 bytes', answers: { ATZ: 'x'.repeat(600) }, code: AT_ERR.GARBAGE, command: 'ATZ', message: /longer than 512 bytes/ },
  { name: 'a line over a smaller bound', options: { maxLineBytes: 8, switch: { steps: [] } }, answers: { ATZ: '\r\n123456789\r\nOK\r\n' }, code: AT_ERR.GARBAGE, command: 'ATZ', message: /longer than 8 bytes/ },
  { name: 'endless junk lines', answers: { ATZ: 'junk\r\n'.repeat(100) }, code: AT_ERR.GARBAGE, command: 'ATZ', message: /more than 16 lines that are not a result \(last "junk"\)/ },
  { name: 'endless RING', answers: { ATZ: 'RING\r\n'.repeat(100) }, code: AT_ERR.GARBAGE, command: 'ATZ', message: /more than 16 lines/ },
];
for (const c of FAILS) {
  for (const split of [false, true]) {
    test(`fails: ${c.name}${split ? ' (one byte per read)' : ''}`, () => {
      const out = simulate(c.options ?? SE, c.dead ? () => undefined : phone(c.answers, { echoStaysOn: c.echoStaysOn ?? false }), split);
      assert.equal(out.result, undefined, 'must not succeed');
      assert.equal(out.fail?.code, c.code, out.fail?.message);
      assert.equal(out.fail?.command, c.command);
      assert.match(out.fail?.message ?? '', c.message);
    });
  }
}

test('silence: the timeout of the step is used', () => {
  const out = simulate({ probe: false, switch: { steps: [{ send: 'AT+X', expect: ['OK'], timeoutMs: 1234 }] } }, () => undefined);
  assert.equal(out.fail?.code, AT_ERR.SILENT);
  assert.equal(out.now, 1234);
});

test('profile errors: skipIf forward, bad regex, empty command', () => {
  const bad: AtSwitch[] = [
    { steps: [{ send: 'AT+A', expect: ['OK'], skipIf: { step: 0, matches: 'x' } }] },
    { steps: [{ send: 'AT+A', expect: ['OK'] }, { send: 'AT+B', expect: ['OK'], skipIf: { step: 0, matches: '(' } }] },
    { steps: [{ send: '', expect: ['OK'] }] },
    { steps: [{ send: 'AT+A', expect: [] }] },
  ];
  for (const sw of bad) {
    assert.throws(() => new AtDialog({ switch: sw }), (e: unknown) => e instanceof TransportError && e.code === AT_ERR.PROFILE);
  }
  assert.equal(checkAtSwitch(AT_SWITCH_EXAMPLES.siemens as unknown as AtSwitch).filter((r) => r !== undefined).length, 1);
});

test('AtError is a TransportError with the command', () => {
  const e = new AtError('x', AT_ERR.SILENT, 'ATZ');
  assert.ok(e instanceof TransportError);
  assert.equal(e.name, 'AtError');
  assert.equal(e.command, 'ATZ');
});

test('quoteLine escapes control bytes and truncates', () => {
  assert.equal(quoteLine('a"b\x01'), '"a\\"b\\x01"');
  assert.ok(quoteLine('y'.repeat(200)).endsWith('..."'));
});

test('silence after a partial line says what came', () => {
  const out = simulate({ probe: false, switch: { steps: [{ send: 'AT+X', expect: ['OK'] }] } }, () => 'O');
  assert.equal(out.fail?.code, AT_ERR.SILENT);
  assert.match(out.fail?.message ?? '', /the phone sent "O" without a line end/);
});

test('silence after only unsolicited lines says so', () => {
  const out = simulate({ probe: false, switch: { steps: [{ send: 'AT+X', expect: ['OK'] }] } }, () => '\r\nRING\r\n');
  assert.match(out.fail?.message ?? '', /only unsolicited lines/);
});

test('OBEX bytes before the pause ends are bounded', () => {
  const out = simulate({ ...SE, probe: false, maxRestBytes: 16 }, (c) => (c === 'AT*EOBEX' ? '\r\nCONNECT\r\n' : undefined), false, new Uint8Array(17));
  assert.equal(out.fail?.code, AT_ERR.GARBAGE);
  assert.match(out.fail?.message ?? '', /more than 16 bytes arrived before OBEX could start/);
});
