/**
 * Byte sinks for the one encoding path (mqtt-packet's generate/writeToStream idea): the encoder
 * writes into a sink that either stores bytes or only counts them, so `wbxmlElementSize` and
 * `encodeWbxml` can never disagree.
 */
import { utf8Length } from '../util/bytes.js';

/** Where encoded bytes go. */
export interface Sink {
  byte(b: number): void;
  bytes(b: Uint8Array): void;
  /** UTF-8 encoding of `s` (no terminator). */
  utf8(s: string): void;
  /** mb_u_int32 (minimal form). */
  mbUint32(v: number): void;
}

/** Counts bytes without storing them. */
export class CountingSink implements Sink {
  length = 0;
  byte(): void { this.length += 1; }
  bytes(b: Uint8Array): void { this.length += b.length; }
  utf8(s: string): void { this.length += utf8Length(s); }
  mbUint32(v: number): void {
    let n = 1;
    for (let x = v; x >= 0x80; x = Math.floor(x / 128)) n++;
    this.length += n;
  }
}

const UTF8 = new TextEncoder();

/** Stores bytes in a growing buffer; `result()` returns exactly the bytes written. */
export class ByteSink implements Sink {
  private buf: Uint8Array;
  private pos = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(Math.max(16, initial));
  }

  private reserve(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.pos + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.pos));
    this.buf = next;
  }

  byte(b: number): void {
    this.reserve(1);
    this.buf[this.pos++] = b;
  }

  bytes(b: Uint8Array): void {
    this.reserve(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  utf8(s: string): void {
    this.reserve(s.length * 3);
    const r = UTF8.encodeInto(s, this.buf.subarray(this.pos));
    this.pos += r.written;
  }

  mbUint32(v: number): void {
    let n = 1;
    for (let x = v; x >= 0x80; x = Math.floor(x / 128)) n++;
    this.reserve(n);
    for (let i = n - 1; i >= 0; i--) {
      this.buf[this.pos + i] = (Math.floor(v / 128 ** (n - 1 - i)) % 128) | (i === n - 1 ? 0 : 0x80);
    }
    this.pos += n;
  }

  result(): Uint8Array {
    return this.buf.slice(0, this.pos);
  }
}

