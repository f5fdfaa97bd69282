/**
 * The AT dialogue as a pure, line-oriented state machine (no tty, no timers: time is an input).
 *
 * It runs the probe (`ATZ`, `ATE0`, `AT+CGMI`, `AT+CGMM`), then any queries (commands whose answers
 * are only recorded, such as `AT+CGMR` or `AT*EOBEX=?`), then a device profile's switch steps
 * (protocol-notes 2.5). Feed it the bytes the phone sends and the current time; it answers with
 * actions: write a command, wait until a time (then call `tick`), done, or fail. Echoes of the
 * current command are tolerated whether `ATE0` worked or not; unsolicited result codes (`RING`,
 * `+CREG: 1`, ...) are ignored. Everything is bounded: a line longer than `maxLineBytes`, binary
 * bytes, or more than `maxJunkLines` lines that are not a final result end the dialogue as garbage.
 *
 * After the last step succeeds the port carries OBEX: bytes after the final result line are handed
 * back as `rest` (one LF that completes a CR-terminated result line is swallowed, even when it comes
 * in a later chunk).
 */
import { TransportError } from '../errors.js';
import { AT_DEFAULT_TIMEOUT_MS, AT_ERR, checkAtSwitch, type AtStep, type AtSwitch } from './at-switch.js';

/** Options of one dialogue. */
export interface AtDialogOptions {
  /** The profile's switch; omitted = probe only. */
  readonly switch?: AtSwitch;
  /** Run `ATZ`, `ATE0`, `AT+CGMI`, `AT+CGMM` first. Default true. */
  readonly probe?: boolean;
  /**
   * Commands sent after the probe whose answers are only recorded (`AT+CGMR`, `AT*EOBEX=?`): an
   * ERROR is an answer like OK; silence fails as for the probe. Each uses the probe timeout.
   */
  readonly queries?: readonly string[];
  /** Timeout of each probe command and query, in ms. Default 3000. */
  readonly probeTimeoutMs?: number;
  /** Longest line accepted, in bytes. Default 512. */
  readonly maxLineBytes?: number;
  /** Most non-result lines (information, unsolicited, junk) accepted per command. Default 16. */
  readonly maxJunkLines?: number;
  /** How long to wait for the LF after a CR-terminated last result line, in ms. Default 50. */
  readonly lfGraceMs?: number;
  /** Most OBEX bytes kept between the last result and the end of its pause. Default 131072. */
  readonly maxRestBytes?: number;
}

/** What the dialogue learned. */
export interface AtResult {
  /** `AT+CGMI` answer without prefix and quotes, when the probe ran and the phone answered. */
  readonly manufacturer?: string;
  /** `AT+CGMM` answer, likewise. */
  readonly model?: string;
  /** Answer lines (information lines plus the final result) of each query, by command, in order. */
  readonly queries: Readonly<Record<string, readonly string[]>>;
  /** Answer lines (information lines plus the final result) of each switch step; [] when skipped. */
  readonly answers: readonly (readonly string[])[];
  /** Bytes that followed the last result line: the start of the OBEX stream. Owned by the caller. */
  readonly rest: Uint8Array;
}

/** An action for the adapter. */
export type AtAction =
  /** Send these bytes (the command and its CR). */
  | { readonly type: 'write'; readonly command: string; readonly bytes: Uint8Array }
  /** Call `tick` at or after `until` (ms, same clock as `now`) unless bytes arrive first. */
  | { readonly type: 'wait'; readonly until: number }
  | { readonly type: 'done'; readonly result: AtResult }
  /** The dialogue failed; `code` is one of AT_ERR, `message` names the command. */
  | { readonly type: 'fail'; readonly code: string; readonly message: string; readonly command?: string };

/** Lines a phone may send at any time (3GPP 27.007/27.005 unsolicited result codes and vendor ones). */
const UNSOLICITED = /^(RING|\+CRING:|\+CREG:|\+CGREG:|\+CEREG:|\+CLIP:|\+CCWA:|\+CMTI:|\+CMT:|\+CBM:|\+CDS:|\+CDSI:|\+CIEV:|\+CUSD:|\*ECAV:|\*EMRDY:|\^SYSSTART|\^SBC:|\+PSSTK)/i;
/** Final result codes meaning failure (27.007 §9.2, 27.005 §3.2.5). */
const ERROR_RESULT = /^(ERROR|\+CME ERROR:.*|\+CMS ERROR:.*)$/i;
/** Other final result codes (V.250 §5.7). */
const OTHER_FINAL = /^(OK|CONNECT( .*)?|NO CARRIER|BUSY|NO ANSWER|NO DIALTONE|NO DIAL TONE)$/i;

const CR = 0x0d;
const LF = 0x0a;

interface Step extends AtStep {
  readonly skip?: RegExp | undefined;
  /** Probe step whose information line is recorded under this name; ERROR tolerated. */
  readonly record?: 'manufacturer' | 'model';
  /** A query: its answer lines are recorded under its command; ERROR tolerated. */
  readonly query?: true;
  /** Index into the profile's steps, or -1 for probe steps. */
  readonly index: number;
}

type State = 'idle' | 'command' | 'pause' | 'settle' | 'finished';

/** Quote a line for a message: printable ASCII kept, `"` and `\\` escaped, the rest as \xNN, at most ~60 characters. */
export function quoteLine(text: string): string {
  let out = '';
  for (const ch of text) {
    const c = ch.charCodeAt(0);
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (c >= 0x20 && c < 0x7f) out += ch;
    else out += `\\x${c.toString(16).padStart(2, '0')}`;
    if (out.length >= 60) return `"${out}..."`;
  }
  return `"${out}"`;
}

/** Strip an `+CGMI:` style prefix and surrounding quotes from an information line. */
function infoValue(line: string): string {
  const m = /^\+CG?M[IM]:\s*(.*)$/i.exec(line);
  const v = (m?.[1] ?? line).trim();
  return v.length >= 2 && v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1) : v;
}

function isBinary(bytes: Uint8Array): boolean {
  for (const b of bytes) if ((b < 0x20 && b !== 0x09) || (b >= 0x7f && b < 0xa0)) return true;
  return false;
}

function concat(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let p = 0;
  for (const c of chunks) {
    out.set(c, p);
    p += c.length;
  }
  return out;
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** One AT dialogue with one phone. Create, call `start`, then `receive` / `tick` until done or fail. */
export class AtDialog {
  readonly #steps: Step[];
  readonly #maxLine: number;
  readonly #maxJunk: number;
  readonly #lfGrace: number;
  #state: State = 'idle';
  #current = -1;
  #deadline = 0;
  #buffer: number[] = [];
  #lastWasCr = false;
  #junk = 0;
  #info: string[] = [];
  #echoed = false;
  #heard = false;
  readonly #answers: string[][] = [];
  readonly #queries: Record<string, string[]> = {};
  #manufacturer: string | undefined;
  #model: string | undefined;
  readonly #maxRest: number;
  #rest: Uint8Array[] = [];
  #restBytes = 0;
  #swallowLf = false;

  /** @throws TransportError SB_ERR_AT_PROFILE when the switch or a query is unusable */
  constructor(options: AtDialogOptions = {}) {
    const probeTimeout = options.probeTimeoutMs ?? AT_DEFAULT_TIMEOUT_MS;
    const steps: Step[] = [];
    if (options.probe ?? true) {
      steps.push({ send: 'ATZ', expect: ['OK'], timeoutMs: probeTimeout, index: -1 });
      steps.push({ send: 'ATE0', expect: ['OK'], timeoutMs: probeTimeout, index: -1 });
      steps.push({ send: 'AT+CGMI', expect: ['OK'], timeoutMs: probeTimeout, index: -1, record: 'manufacturer' });
      steps.push({ send: 'AT+CGMM', expect: ['OK'], timeoutMs: probeTimeout, index: -1, record: 'model' });
    }
    for (const q of options.queries ?? []) {
      if (q.length === 0 || /[\r\n]/.test(q)) throw new TransportError(`AT query ${JSON.stringify(q)}: the command must be one non-empty line`, AT_ERR.PROFILE);
      steps.push({ send: q, expect: ['OK'], timeoutMs: probeTimeout, index: -1, query: true });
    }
    const sw = options.switch ?? { steps: [] };
    const skips = checkAtSwitch(sw);
    sw.steps.forEach((s, i) => steps.push({ ...s, skip: skips[i], index: i }));
    this.#steps = steps;
    this.#maxLine = options.maxLineBytes ?? 512;
    this.#maxJunk = options.maxJunkLines ?? 16;
    this.#lfGrace = options.lfGraceMs ?? 50;
    this.#maxRest = options.maxRestBytes ?? 131_072;
  }

  /** True once done or failed. */
  get isFinished(): boolean {
    return this.#state === 'finished';
  }

  /** The command being answered, if any. */
  get command(): string | undefined {
    return this.#state === 'command' ? this.#steps[this.#current]?.send : undefined;
  }

  /** Send the first command. */
  start(now: number): AtAction[] {
    if (this.#state !== 'idle') return [];
    return this.#next(now);
  }

  /** Bytes from the phone. The dialogue copies what it keeps. */
  receive(bytes: Uint8Array, now: number): AtAction[] {
    const out: AtAction[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const b = bytes[i] as number;
      if (this.#state === 'settle') {
        if (this.#swallowLf && b === LF && this.#restBytes === 0) {
          this.#swallowLf = false;
          continue;
        }
        this.#swallowLf = false;
        this.#rest.push(bytes.slice(i));
        this.#restBytes += bytes.length - i;
        if (this.#restBytes > this.#maxRest) {
          return [...out, this.#fail(AT_ERR.GARBAGE, `${this.#what()}: more than ${this.#maxRest} bytes arrived before OBEX could start`)];
        }
        break;
      }
      if (this.#state === 'finished' || this.#state === 'idle') break;
      if (this.#state === 'command') this.#heard = true;
      if (b === CR || b === LF) {
        const wasCr = this.#lastWasCr;
        this.#lastWasCr = b === CR;
        if (b === LF && wasCr && this.#buffer.length === 0) continue;
        const line = this.#buffer;
        this.#buffer = [];
        if (line.length === 0) continue;
        out.push(...this.#line(Uint8Array.from(line), now, b === CR));
        if (out.some((a) => a.type === 'fail')) return out;
        continue;
      }
      this.#lastWasCr = false;
      this.#buffer.push(b);
      if (this.#buffer.length > this.#maxLine) {
        return [...out, this.#fail(AT_ERR.GARBAGE, `${this.#what()}: a line longer than ${this.#maxLine} bytes (${quoteLine(latin1(Uint8Array.from(this.#buffer)))}); is this the right port and baud rate?`)];
      }
    }
    if (this.#state === 'settle') out.push(...this.tick(now));
    return out;
  }

  /** Time passes: fail a command that timed out, or go on after a pause. */
  tick(now: number): AtAction[] {
    if (this.#state === 'finished' || this.#state === 'idle') return [];
    if (now < this.#deadline) return [{ type: 'wait', until: this.#deadline }];
    if (this.#state === 'pause') return this.#next(now);
    if (this.#state === 'settle') return [this.#done()];
    const step = this.#steps[this.#current] as Step;
    const timeout = step.timeoutMs ?? AT_DEFAULT_TIMEOUT_MS;
    const why = !this.#heard
      ? 'nothing was received; is the phone connected, switched on and on this port, at this baud rate?'
      : this.#echoed && this.#info.length === 0
        ? 'the phone echoed the command but gave no result'
        : this.#info.length > 0
          ? `the phone sent ${this.#info.map(quoteLine).join(', ')} but no final result`
          : this.#buffer.length > 0
            ? `the phone sent ${quoteLine(latin1(Uint8Array.from(this.#buffer)))} without a line end`
            : 'the phone sent only unsolicited lines';
    return [this.#fail(AT_ERR.SILENT, `no answer to ${step.send} within ${timeout} ms: ${why}`)];
  }

  #what(): string {
    const step = this.#steps[this.#current];
    return this.#state === 'command' && step ? `answer to ${step.send}` : `after ${step?.send ?? 'the AT switch'}`;
  }

  #fail(code: string, message: string): AtAction {
    const command = this.#state === 'command' ? this.#steps[this.#current]?.send : undefined;
    this.#state = 'finished';
    return command === undefined ? { type: 'fail', code, message } : { type: 'fail', code, message, command };
  }

  #done(): AtAction {
    this.#state = 'finished';
    const result: AtResult = {
      ...(this.#manufacturer === undefined ? {} : { manufacturer: this.#manufacturer }),
      ...(this.#model === undefined ? {} : { model: this.#model }),
      queries: this.#queries,
      answers: this.#answers,
      rest: concat(this.#rest, this.#restBytes),
    };
    return { type: 'done', result };
  }

  /** Send the next step that is not skipped, or finish. */
  #next(now: number): AtAction[] {
    for (;;) {
      this.#current++;
      const step = this.#steps[this.#current];
      if (step === undefined) {
        this.#state = 'settle';
        this.#deadline = now;
        return this.tick(now);
      }
      if (step.skip !== undefined && step.skipIf !== undefined) {
        const earlier = this.#answers[step.skipIf.step] ?? [];
        if (step.skip.test(earlier.join('\n'))) {
          this.#answers[step.index] = [];
          continue;
        }
      }
      this.#state = 'command';
      this.#deadline = now + (step.timeoutMs ?? AT_DEFAULT_TIMEOUT_MS);
      this.#junk = 0;
      this.#info = [];
      this.#echoed = false;
      this.#heard = false;
      const bytes = Uint8Array.from(`${step.send}\r`, (c) => c.charCodeAt(0) & 0xff);
      return [{ type: 'write', command: step.send, bytes }, { type: 'wait', until: this.#deadline }];
    }
  }

  /** One complete, non-empty line. `endedByCr`: its terminator was CR (an LF may follow). */
  #line(raw: Uint8Array, now: number, endedByCr: boolean): AtAction[] {
    if (isBinary(raw)) {
      return [this.#fail(AT_ERR.GARBAGE, `${this.#what()}: binary data ${quoteLine(latin1(raw))}; is the phone already in OBEX mode, or the baud rate wrong?`)];
    }
    const line = latin1(raw).trim();
    if (line.length === 0) return [];
    const step = this.#steps[this.#current];
    if (this.#state !== 'command' || step === undefined) return this.#junkLine(line);
    if (line.toUpperCase() === step.send.toUpperCase()) {
      this.#echoed = true;
      return [];
    }
    if (UNSOLICITED.test(line)) return this.#junkLine(line);
    const expected = step.expect.some((e) => {
      const u = line.toUpperCase();
      const x = e.toUpperCase();
      return u === x || u.startsWith(`${x} `);
    });
    if (expected) return this.#success(step, line, now, endedByCr);
    if (ERROR_RESULT.test(line)) {
      if (step.record !== undefined || step.query === true) return this.#success(step, line, now, endedByCr);
      return [this.#fail(AT_ERR.ERROR, `the phone answered ${quoteLine(line)} to ${step.send}${step.index >= 0 ? ': this phone does not support this switch; check its device profile' : ''}`)];
    }
    if (OTHER_FINAL.test(line)) {
      return [this.#fail(AT_ERR.GARBAGE, `the phone answered ${quoteLine(line)} to ${step.send}, expected ${step.expect.join(' or ')}`)];
    }
    this.#info.push(line);
    return this.#junkLine(line);
  }

  #junkLine(line: string): AtAction[] {
    this.#junk++;
    if (this.#junk <= this.#maxJunk) return [];
    return [this.#fail(AT_ERR.GARBAGE, `${this.#what()}: more than ${this.#maxJunk} lines that are not a result (last ${quoteLine(line)})`)];
  }

  #success(step: Step, line: string, now: number, endedByCr: boolean): AtAction[] {
    const ok = !ERROR_RESULT.test(line);
    if (step.record !== undefined && ok && this.#info[0] !== undefined) {
      const value = infoValue(this.#info[0]);
      if (value.length > 0) {
        if (step.record === 'manufacturer') this.#manufacturer = value;
        else this.#model = value;
      }
    }
    if (step.index >= 0) this.#answers[step.index] = [...this.#info, line];
    if (step.query === true) this.#queries[step.send] = [...this.#info, line];
    this.#junk = 0;
    const last = this.#current === this.#steps.length - 1;
    const delay = step.delayAfterMs ?? 0;
    if (last) {
      this.#state = 'settle';
      this.#swallowLf = endedByCr;
      this.#deadline = now + Math.max(delay, endedByCr ? this.#lfGrace : 0);
      return []; // receive() ticks once the rest of the chunk is in
    }
    if (delay > 0) {
      this.#state = 'pause';
      this.#deadline = now + delay;
      return [{ type: 'wait', until: this.#deadline }];
    }
    return this.#next(now);
  }
}
