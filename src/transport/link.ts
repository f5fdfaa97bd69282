/**
 * The Link contract (STYLE.md convention 13): every transport turns a Bluetooth RFCOMM fd, a
 * serial/IrCOMM/USB-ACM tty (after its AT switch), or a TCP connection into a byte stream plus
 * metadata. Transports know nothing of OBEX or SyncML.
 */
import type { Duplex } from 'node:stream';

export type LinkTransport = 'tcp' | 'serial' | 'bluetooth' | 'irda';

export interface LinkInfo {
  /** `stream`: bytes, framing needed (RFCOMM, ttys, TCP). `packet`: whole OBEX packets per read. */
  readonly kind: 'stream' | 'packet';
  readonly transport: LinkTransport;
  /** Stable name for logs: `tcp:127.0.0.1:6650<-127.0.0.1:41234`, `serial:/dev/ttyACM0`, `bt:00:11:22:33:44:55`. */
  readonly name: string;
  /** The peer: remote address, tty path, or Bluetooth device address. */
  readonly peer: string;
  /** Largest OBEX packet the link carries well, if it has an opinion. */
  readonly mtu?: number;
  /**
   * Answers the phone gave during an AT switch (`AT+CGMI`, `AT+CGMM`), for profile matching, and
   * the answer lines of any queries the dialogue was asked to send (`AT+CGMR`), by command.
   */
  readonly at?: { readonly manufacturer?: string; readonly model?: string; readonly queries?: Readonly<Record<string, readonly string[]>> };
}

/** One open connection to one phone. Closing `stream` closes the link. */
export interface Link {
  readonly info: LinkInfo;
  readonly stream: Duplex;
}

/** Something that accepts links (a TCP listener, a Bluetooth profile, a serial port that waits for a phone). */
export interface LinkListener {
  /** Called for every new link. */
  onLink(handler: (link: Link) => void): void;
  /** Human-readable address, e.g. `127.0.0.1:6650`. */
  readonly address: string;
  /** Stop accepting; open links stay open until their owners close them. */
  close(): Promise<void>;
}
