/**
 * The AT switch a device profile describes (protocol-notes 2.5): the commands that move a phone's
 * serial / USB CDC-ACM / IrCOMM port from AT command mode to raw OBEX. The shape is shared with the
 * device profiles in `drivers/` (the profile validator checks the JSON; `checkAtSwitch` checks what
 * this module needs at run time, such as `skipIf` pointing backwards and compiling as a regex).
 *
 * Examples (data, not code paths: the profile says which one a phone gets):
 * - Sony Ericsson: `[{ send: 'AT*EOBEX', expect: ['CONNECT'], delayAfterMs: 100 }]`
 * - generic GSM 07.07: `[{ send: 'AT+CPROT=0', expect: ['CONNECT'] }]`
 * - Motorola: `[{ send: 'AT+MODE=22', expect: ['CONNECT', 'OK'] }]`
 * - Siemens: `AT^SQWE?` (OK), `AT^SQWE=0` (OK, skipped when step 0 answered `^SQWE: 0`),
 *   `AT^SQWE=3` (OK), each followed by ~1 s.
 */
import { TransportError } from '../errors.js';

/** One command of the switch. */
export interface AtStep {
  /** The command line without the trailing CR, e.g. `AT*EOBEX`. */
  send: string;
  /**
   * Final result lines that mean success, e.g. `['CONNECT']` or `['OK']`. A line matches when it
   * equals an entry or starts with the entry plus a space (`CONNECT 115200`). Case-insensitive.
   */
  expect: string[];
  /** How long to wait for the final result, in ms. Default 3000. */
  timeoutMs?: number;
  /** Pause after success before the next command (or before OBEX starts), in ms. */
  delayAfterMs?: number;
  /** Skip this step when an earlier step's answer lines match a regular expression. */
  skipIf?: {
    /** Index of an earlier step in the same `steps` array. */
    step: number;
    /** Regular expression (JavaScript syntax) tested against that step's answer lines, one per line. */
    matches: string;
  };
}

/** The switch sequence of a device profile. An empty `steps` means "probe only". */
export interface AtSwitch {
  steps: AtStep[];
}

/** Default time to wait for a command's final result, in ms. */
export const AT_DEFAULT_TIMEOUT_MS = 3000;

/** Stable codes of the AT dialogue and tty errors (TransportError codes). */
export const AT_ERR = {
  /** The phone answered ERROR / +CME ERROR / +CMS ERROR to a command. */
  ERROR: 'SB_ERR_AT_ERROR',
  /** No final result to a command within its timeout. */
  SILENT: 'SB_ERR_AT_SILENT',
  /** An unexpected answer, binary data, an over-long line or too many junk lines. */
  GARBAGE: 'SB_ERR_AT_GARBAGE',
  /** The profile's AT switch is unusable (bad `skipIf`, empty command). */
  PROFILE: 'SB_ERR_AT_PROFILE',
  /** The tty cannot be opened (missing, permissions, in use). */
  TTY_OPEN: 'SB_ERR_TTY_OPEN',
  /** The tty failed or closed during the AT dialogue. */
  TTY_IO: 'SB_ERR_TTY_IO',
} as const;

/** A failed AT dialogue: a TransportError (code from AT_ERR) that also names the command. */
export class AtError extends TransportError {
  /** The command the phone failed to answer properly, if the failure is about one. */
  readonly command: string | undefined;

  constructor(message: string, code: string, command?: string, options: { cause?: unknown } = {}) {
    super(message, code, options);
    this.command = command;
  }
}

/** Sequences seen on real phones (protocol-notes 2.5); profiles may copy them. */
export const AT_SWITCH_EXAMPLES = {
  sonyEricsson: { steps: [{ send: 'AT*EOBEX', expect: ['CONNECT'], delayAfterMs: 100 }] },
  generic: { steps: [{ send: 'AT+CPROT=0', expect: ['CONNECT'] }] },
  motorola: { steps: [{ send: 'AT+MODE=22', expect: ['CONNECT', 'OK'] }] },
  siemens: {
    steps: [
      { send: 'AT^SQWE?', expect: ['OK'] },
      { send: 'AT^SQWE=0', expect: ['OK'], delayAfterMs: 1000, skipIf: { step: 0, matches: '^\\^SQWE: ?0$' } },
      { send: 'AT^SQWE=3', expect: ['OK'], delayAfterMs: 1000 },
    ],
  },
} as const satisfies Record<string, AtSwitch>;

/**
 * Check an AT switch for what the dialogue needs and compile its `skipIf` patterns.
 * @returns one compiled regex (or undefined) per step
 * @throws TransportError SB_ERR_AT_PROFILE naming the bad step
 */
export function checkAtSwitch(atSwitch: AtSwitch): (RegExp | undefined)[] {
  return atSwitch.steps.map((step, i) => {
    const where = `AT switch step ${i} (${JSON.stringify(step.send)})`;
    if (step.send.length === 0 || /[\r\n]/.test(step.send)) {
      throw new TransportError(`${where}: the command must be one non-empty line`, AT_ERR.PROFILE);
    }
    if (step.expect.length === 0) throw new TransportError(`${where}: expect lists no result`, AT_ERR.PROFILE);
    if (step.timeoutMs !== undefined && !(step.timeoutMs > 0)) throw new TransportError(`${where}: timeoutMs must be positive`, AT_ERR.PROFILE);
    if (step.skipIf === undefined) return undefined;
    if (!Number.isInteger(step.skipIf.step) || step.skipIf.step < 0 || step.skipIf.step >= i) {
      throw new TransportError(`${where}: skipIf.step must name an earlier step, got ${step.skipIf.step}`, AT_ERR.PROFILE);
    }
    try {
      return new RegExp(step.skipIf.matches, 'im');
    } catch (cause) {
      throw new TransportError(`${where}: skipIf.matches is not a valid regular expression`, AT_ERR.PROFILE, { cause });
    }
  });
}
