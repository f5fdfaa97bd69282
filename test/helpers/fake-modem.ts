// A scripted phone modem on the far end of a pty: answers AT commands per script, then (after a
// reply that switches) carries raw bytes, so tests can prove OBEX flows after CONNECT.
import { SerialPort } from 'serialport';

/** Called with every byte received in data mode so far; bytes returned are sent and the buffer resets. */
export type DataHandler = (received: Buffer) => Uint8Array | undefined;

export type ModemReply =
  /** Result lines, each sent as CR LF line CR LF. */
  | readonly string[]
  /** No answer at all (echo still happens while echo is on). */
  | { readonly silent: true }
  /** These bytes, as they are. */
  | { readonly raw: Uint8Array }
  /** Result lines (e.g. CONNECT), then raw mode; `after` is sent right behind the last line. */
  | { readonly lines: readonly string[]; readonly data: DataHandler; readonly after?: Uint8Array };

export interface ModemScript {
  /** Answers by command (exact text, without CR). Unknown commands get ERROR. */
  readonly answers: Readonly<Record<string, ModemReply>>;
  /** Never echo (as if ATE0 were stored in the profile). */
  readonly noEcho?: boolean;
  /** Ignore ATE0: keep echoing every command. */
  readonly echoStaysOn?: boolean;
  /** Lines sent before every answer (RING, +CREG: 1, ...). */
  readonly unsolicited?: readonly string[];
  /** Start in raw mode (a phone-initiated link: no AT at all). */
  readonly dataFromStart?: DataHandler;
}

export interface FakeModem {
  /** Commands received, in order. */
  readonly commands: string[];
  /** Everything received in raw mode, in order. */
  readonly data: Buffer[];
  /** Send bytes to the bridge now. */
  write(bytes: Uint8Array): void;
  close(): Promise<void>;
}

const crlf = (lines: readonly string[]): Buffer => Buffer.from(lines.map((l) => `\r\n${l}\r\n`).join(''), 'latin1');

/** Open `path` (the phone's end of a pty pair) and answer per `script`. */
export async function startFakeModem(path: string, script: ModemScript): Promise<FakeModem> {
  const port = new SerialPort({ path, baudRate: 57600, xon: false, xoff: false, xany: false, lock: false, autoOpen: false });
  await new Promise<void>((resolve, reject) => port.open((err) => (err ? reject(err) : resolve())));
  const commands: string[] = [];
  const data: Buffer[] = [];
  let echo = !script.noEcho;
  let line: number[] = [];
  let handler: DataHandler | undefined = script.dataFromStart;
  let pending = Buffer.alloc(0);

  const onRaw = (chunk: Buffer): void => {
    data.push(chunk);
    pending = Buffer.concat([pending, chunk]);
    const reply = handler?.(pending);
    if (reply !== undefined) {
      pending = Buffer.alloc(0);
      port.write(Buffer.from(reply));
    }
  };
  const onCommand = (command: string): void => {
    commands.push(command);
    const out: Buffer[] = [];
    if (echo) out.push(Buffer.from(`${command}\r`, 'latin1'));
    if (command.toUpperCase() === 'ATE0' && !script.echoStaysOn) echo = false;
    const reply: ModemReply = script.answers[command] ?? ['ERROR'];
    if ('silent' in reply) {
      if (out.length > 0) port.write(Buffer.concat(out));
      return;
    }
    if (script.unsolicited) out.push(crlf(script.unsolicited));
    if ('raw' in reply) out.push(Buffer.from(reply.raw));
    else if ('lines' in reply) {
      out.push(crlf(reply.lines));
      if (reply.after) out.push(Buffer.from(reply.after));
      handler = reply.data;
    } else out.push(crlf(reply));
    port.write(Buffer.concat(out));
  };
  port.on('data', (chunk: Buffer) => {
    if (handler !== undefined) return onRaw(chunk);
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i] as number;
      if (handler !== undefined) return onRaw(chunk.subarray(i));
      if (b === 0x0d) {
        const command = Buffer.from(line).toString('latin1');
        line = [];
        onCommand(command);
      } else if (b !== 0x0a) line.push(b);
    }
  });
  port.on('error', () => undefined);
  return {
    commands,
    data,
    write: (bytes) => void port.write(Buffer.from(bytes)),
    close: () => new Promise<void>((resolve) => (port.isOpen ? port.close(() => resolve()) : resolve())),
  };
}
