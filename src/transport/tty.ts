/**
 * Serial links: USB CDC-ACM modem ports, IrCOMM ttys and serial cables, through `serialport`
 * (STYLE.md convention 13: thin, knows nothing of OBEX or SyncML).
 *
 * Two modes:
 * - AT switch (host-initiated): open the port, run the AT dialogue (`at-dialog.ts`: probe, then the
 *   device profile's switch steps), then hand the same port over as the OBEX byte stream.
 * - Phone-initiated: no `at` option; the port is handed over as soon as it is open and the phone
 *   starts OBEX itself.
 *
 * Flow control is never XON/XOFF (it would eat the bytes 0x11 and 0x13 of OBEX packets); RTS/CTS is
 * configurable. When the first command (`ATZ`) gets no answer at all, the next baud rate of
 * `baudRates` is tried (protocol-notes 2.5: 57600 8N1, then 19200).
 */
import { constants as fsConstants } from 'node:fs';
import { access } from 'node:fs/promises';
import { performance } from 'node:perf_hooks';
import { read as fsRead } from 'node:fs';
import { promisify } from 'node:util';
import { SerialPort } from 'serialport';
// serialport's own Unix read, given a read function that reports end of file (see guardHangUp)
import { unixRead } from '@serialport/bindings-cpp/dist/unix-read.js';
import { TransportError } from '../errors.js';
import { AtDialog, type AtAction, type AtDialogOptions, type AtResult } from './at-dialog.js';
import { AT_ERR, AtError } from './at-switch.js';
import type { Link, LinkInfo, LinkListener } from './link.js';

/** Options of `openTtyLink`. */
export interface TtyLinkOptions {
  /** The tty, e.g. `/dev/ttyACM0`, `/dev/ircomm0`, `/dev/ttyUSB0`. */
  readonly path: string;
  /** Baud rates to try, first one first (others only when `ATZ` gets no answer). Default [57600, 19200]. */
  readonly baudRates?: readonly number[];
  /** Hardware (RTS/CTS) flow control. Default false. XON/XOFF is never used. */
  readonly rtscts?: boolean;
  /** Run the AT dialogue (probe and the profile's switch). Omitted: phone-initiated link, no AT. */
  readonly at?: AtDialogOptions;
  /** `irda` for IrCOMM ttys; default `serial`. */
  readonly transport?: 'serial' | 'irda';
  /** Largest OBEX packet the link carries well, if known. */
  readonly mtu?: number;
  /** Abort opening (and the AT dialogue). */
  readonly signal?: AbortSignal;
}

/**
 * A SerialPort whose `destroy()` also closes the tty: serialport 13 has no `_destroy`, so a
 * destroyed port would keep its fd and its lock, and the next open of the tty would fail as busy.
 */
class TtyPort extends SerialPort {
  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const binding = this.port;
    if (binding === undefined || !binding.isOpen) {
      callback(error);
      return;
    }
    binding.close().then(
      () => callback(error),
      (err: unknown) => callback(error ?? (err instanceof Error ? err : new Error(String(err)))),
    );
  }
}

/** Default baud rates (protocol-notes 2.5). */
export const TTY_DEFAULT_BAUD_RATES: readonly number[] = Object.freeze([57600, 19200]);

/** The options `openTtyLink` gives `serialport`: 8N1, no XON/XOFF, RTS/CTS as asked, not opened yet. */
export function ttyPortOptions(path: string, baudRate: number, rtscts = false) {
  return {
    path,
    baudRate,
    dataBits: 8,
    parity: 'none',
    stopBits: 1,
    rtscts,
    xon: false,
    xoff: false,
    xany: false,
    hupcl: true,
    lock: true,
    autoOpen: false,
  } as const;
}

type OpenFailure = 'missing' | 'denied' | 'busy' | 'other';

/** Classify an open error by errno code, or by the text serialport's native binding gives. */
function openFailure(err: unknown): OpenFailure {
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const text = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || /no such file/i.test(text)) return 'missing';
  if (code === 'EACCES' || code === 'EPERM' || /permission denied/i.test(text)) return 'denied';
  if (code === 'EBUSY' || /lock|busy|temporarily unavailable/i.test(text)) return 'busy';
  return 'other';
}

const OPEN_HINTS: Record<Exclude<OpenFailure, 'other'>, string> = {
  missing: 'no such device; is the phone plugged in and the path right? (USB modem ports appear as /dev/ttyACM*)',
  denied: 'permission denied; add the user the bridge runs as to the dialout group (usermod -aG dialout USER, then log in again) or install the udev rule',
  busy: 'the port is in use by another program (ModemManager often grabs phone modem ports: stop it or tag the port ID_MM_DEVICE_IGNORE)',
};

/** Turn an open failure into SB_ERR_TTY_OPEN with a hint a user can act on. */
export function ttyOpenError(path: string, err: unknown): TransportError {
  const kind = openFailure(err);
  const hint = kind === 'other' ? (err instanceof Error ? err.message : String(err)) : OPEN_HINTS[kind];
  return new TransportError(`cannot open ${path}: ${hint}`, AT_ERR.TTY_OPEN, { cause: err });
}

/**
 * Open a tty link. In AT mode the promise settles after the switch; the returned stream then
 * carries OBEX (bytes the phone sent right after its final result are at the front of it).
 * Closing (destroying) `link.stream` closes the port.
 * @throws TransportError SB_ERR_TTY_OPEN, SB_ERR_TTY_IO, SB_ERR_AT_ERROR, SB_ERR_AT_SILENT,
 *   SB_ERR_AT_GARBAGE, SB_ERR_AT_PROFILE
 */
export async function openTtyLink(options: TtyLinkOptions): Promise<Link> {
  const { path } = options;
  const rates = options.baudRates ?? TTY_DEFAULT_BAUD_RATES;
  const first = rates[0];
  if (first === undefined) throw new TransportError(`${path}: no baud rate to try`, AT_ERR.TTY_OPEN);
  // The dialogue checks the profile before anything is opened.
  if (options.at !== undefined) new AtDialog(options.at);
  try {
    await access(path, fsConstants.R_OK | fsConstants.W_OK);
  } catch (err) {
    throw ttyOpenError(path, err);
  }
  const port = new TtyPort(ttyPortOptions(path, first, options.rtscts ?? false));
  await openPort(port, path);
  let at: AtResult | undefined;
  if (options.at !== undefined) {
    try {
      at = await switchToObex(port, options.at, rates, options.signal);
    } catch (err) {
      await closePort(port);
      throw err;
    }
  }
  const info: LinkInfo = {
    kind: 'stream',
    transport: options.transport ?? 'serial',
    name: `${options.transport ?? 'serial'}:${path}`,
    peer: path,
    ...(options.mtu === undefined ? {} : { mtu: options.mtu }),
    ...(at === undefined
      ? {}
      : { at: { ...(at.manufacturer === undefined ? {} : { manufacturer: at.manufacturer }), ...(at.model === undefined ? {} : { model: at.model }) } }),
  };
  return { info, stream: port };
}

/** Options of `listenTty`: a tty where the phone starts OBEX itself (no AT switch). */
export interface TtyListenOptions extends Omit<TtyLinkOptions, 'at' | 'signal'> {
  /** Pause before reopening the port after a link closed, in ms. Default 1000. */
  readonly reopenDelayMs?: number;
  /** Pause before retrying a failed open (device unplugged, in use), in ms. Default 2000. */
  readonly retryDelayMs?: number;
  /** Told about each failed open (SB_ERR_TTY_OPEN); the listener keeps retrying until closed. */
  readonly onError?: (error: TransportError) => void;
}

/**
 * A tty that waits for a phone (phone-initiated links: the phone is the OBEX client). The port is
 * opened when the first handler is registered; its link is handed to the handlers; once that link's
 * stream closes, the port is opened again for the next session. Opening is retried while it fails.
 */
export class TtyLinkListener implements LinkListener {
  readonly #options: TtyListenOptions;
  readonly #handlers: ((link: Link) => void)[] = [];
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  #opening: Promise<void> | undefined;

  constructor(options: TtyListenOptions) {
    this.#options = options;
  }

  get address(): string {
    return this.#options.path;
  }

  onLink(handler: (link: Link) => void): void {
    this.#handlers.push(handler);
    if (this.#handlers.length === 1) this.#schedule(0);
  }

  /** Stop reopening; a link already handed out stays open until its owner closes it. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await this.#opening;
  }

  #schedule(ms: number): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#opening = this.#open();
    }, ms);
  }

  async #open(): Promise<void> {
    const { reopenDelayMs, retryDelayMs, onError, ...linkOptions } = this.#options;
    let link: Link;
    try {
      link = await openTtyLink(linkOptions);
    } catch (err) {
      const error = err instanceof TransportError ? err : ttyOpenError(this.#options.path, err);
      onError?.(error);
      this.#schedule(retryDelayMs ?? 2000);
      return;
    }
    if (this.#closed) {
      link.stream.destroy();
      return;
    }
    link.stream.once('close', () => this.#schedule(reopenDelayMs ?? 1000));
    for (const h of this.#handlers) h(link);
  }
}

/** Wait for phones on a tty (phone-initiated links). */
export function listenTty(options: TtyListenOptions): TtyLinkListener {
  return new TtyLinkListener(options);
}

/** Run the dialogue at each baud rate until one gets an answer to `ATZ`. */
async function switchToObex(port: SerialPort, at: AtDialogOptions, rates: readonly number[], signal: AbortSignal | undefined): Promise<AtResult> {
  await new Promise<void>((resolve, reject) => port.flush((err) => (err ? reject(ioError(port.path, err)) : resolve())));
  for (let i = 0; ; i++) {
    const rate = rates[i] as number;
    if (i > 0) await new Promise<void>((resolve, reject) => port.update({ baudRate: rate }, (err) => (err ? reject(ioError(port.path, err)) : resolve())));
    try {
      return await runDialog(port, new AtDialog(at), signal);
    } catch (err) {
      const silentAtStart = err instanceof AtError && err.code === AT_ERR.SILENT && err.command === 'ATZ';
      if (!silentAtStart || i + 1 >= rates.length) {
        if (silentAtStart && rates.length > 1) {
          throw new AtError(`${err.message} (tried ${rates.join(', ')} baud)`, AT_ERR.SILENT, 'ATZ', { cause: err });
        }
        throw err;
      }
    }
  }
}

/**
 * Drive one dialogue over the open port. It reads through 'readable' so that, once the listener is
 * removed, the stream is back in its initial mode (neither flowing nor paused) for its next owner;
 * on success the OBEX bytes that came with the last answer are unshifted in front.
 */
function runDialog(port: SerialPort, dialog: AtDialog, signal: AbortSignal | undefined): Promise<AtResult> {
  return new Promise<AtResult>((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const cleanup = (): void => {
      finished = true;
      clearTimeout(timer);
      port.off('readable', onReadable);
      port.off('error', onError);
      port.off('close', onClose);
      signal?.removeEventListener('abort', onAbort);
    };
    const apply = (actions: AtAction[]): void => {
      for (const a of actions) {
        if (finished) return;
        if (a.type === 'write') port.write(Buffer.from(a.bytes));
        else if (a.type === 'wait') {
          clearTimeout(timer);
          timer = setTimeout(() => apply(dialog.tick(performance.now())), Math.max(0, Math.ceil(a.until - performance.now())));
        } else if (a.type === 'done') {
          cleanup();
          if (a.result.rest.length > 0) port.unshift(Buffer.from(a.result.rest));
          resolve(a.result);
        } else {
          cleanup();
          reject(new AtError(`${port.path}: ${a.message}`, a.code, a.command));
        }
      }
    };
    const onReadable = (): void => {
      let chunk: Buffer | null;
      while (!finished && (chunk = port.read() as Buffer | null) !== null) apply(dialog.receive(chunk, performance.now()));
    };
    const onError = (err: Error): void => {
      if (finished) return;
      cleanup();
      reject(ioError(port.path, err));
    };
    const onClose = (): void => onError(new Error('the port closed during the AT dialogue'));
    const onAbort = (): void => onError(new Error('aborted'));
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    port.on('readable', onReadable);
    port.on('error', onError);
    port.on('close', onClose);
    apply(dialog.start(performance.now()));
  });
}

/**
 * Open with a short retry while the tty is locked: a port closed a moment ago (by us, or probed by
 * ModemManager) can hold its lock until the kernel releases the last reference to it.
 */
async function openPort(port: SerialPort, path: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
      guardHangUp(port);
      return;
    } catch (err) {
      if (attempt >= OPEN_ATTEMPTS || openFailure(err) !== 'busy') throw ttyOpenError(path, err);
      await new Promise((resolve) => setTimeout(resolve, OPEN_RETRY_MS));
    }
  }
}

/**
 * serialport's Unix read loops at once, without waiting, whenever read() returns 0 bytes: a tty
 * whose other end hung up (a pty whose master closed, a modem port after HUP) then spins a core
 * and fills memory with promises instead of ending the link. Reading 0 bytes from a blocking-mode
 * tty read means end of file, so it is turned into the disconnect error serialport closes the port
 * on (ENXIO, as on a USB unplug).
 */
function guardHangUp(port: SerialPort): void {
  const binding = port.port as unknown as ({ read: (buffer: Buffer, offset: number, length: number) => Promise<{ bytesRead: number; buffer: Buffer }>; poller?: unknown }) | undefined;
  if (binding === undefined || process.platform === 'win32' || binding.poller === undefined) return;
  const fsReadAsync = (async (fd: number, buffer: Buffer, offset: number, length: number, position: number | null) => {
    const r = await readAsync(fd, buffer, offset, length, position);
    if (r.bytesRead === 0) throw Object.assign(new Error('the tty hung up (end of file)'), { code: 'ENXIO' });
    return r;
  }) as unknown as typeof readAsync;
  binding.read = (buffer: Buffer, offset: number, length: number) =>
    unixRead({ binding: binding as unknown as Parameters<typeof unixRead>[0]['binding'], buffer, offset, length, fsReadAsync });
}

const readAsync = promisify(fsRead);

const OPEN_ATTEMPTS = 4;
const OPEN_RETRY_MS = 100;

function ioError(path: string, err: Error): TransportError {
  return new TransportError(`${path}: ${err.message}`, AT_ERR.TTY_IO, { cause: err });
}

function closePort(port: SerialPort): Promise<void> {
  return new Promise((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve()));
}
