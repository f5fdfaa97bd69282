/**
 * A fix for dbus-next 0.10 with usocket 1.1: fds handed to the wrong D-Bus message.
 *
 * dbus-next reads each message body with `usocket.read(size, null)`, which takes *every* fd received so
 * far. When one `recvmsg` returns a message without fds followed by one with an fd (a method reply and
 * then BlueZ's `NewConnection`, for example; the kernel glues them when the same peer sent both), the
 * first message swallows the fd and the second fails with "No FDs available": the `NewConnection` is
 * lost, the fd leaks and bluetoothd's call times out. Here the body read takes exactly the number of
 * fds the message header declares (header field 9, UNIX_FDS; D-Bus specification, "Message Format").
 */

/** D-Bus header field code of UNIX_FDS. */
const FIELD_UNIX_FDS = 9;

/** The usocket surface that dbus-next uses (not typed by either package). */
interface FdSocket {
  read(size?: number, fdSize?: number | null): unknown;
  _wrap?: { fds?: number[] } | null;
}

function align(offset: number, to: number): number {
  return Math.ceil(offset / to) * to;
}

/**
 * The UNIX_FDS count declared by a message, given its 16-byte fixed header and the bytes after it
 * (header fields, padding, body). Returns undefined when the fields cannot be walked (then the caller
 * keeps dbus-next's own behaviour).
 */
export function declaredUnixFds(header: Uint8Array, rest: Uint8Array): number | undefined {
  if (header.length < 16) return undefined;
  const little = header[0] === 0x6c; // 'l'
  const view = new DataView(rest.buffer, rest.byteOffset, rest.byteLength);
  const u32 = (at: number): number => view.getUint32(at, little);
  const fieldsLength = new DataView(header.buffer, header.byteOffset, 16).getUint32(12, little);
  if (fieldsLength > rest.length) return undefined;
  // the fields array starts at message offset 16, a multiple of 8, so alignment inside `rest` is the same
  let at = 0;
  while (at < fieldsLength) {
    at = align(at, 8);
    if (at + 2 > fieldsLength) return undefined;
    const code = rest[at] ?? 0;
    const sigLength = rest[at + 1] ?? 0;
    const signature = String.fromCharCode(...rest.subarray(at + 2, at + 2 + sigLength));
    at += 2 + sigLength + 1;
    if (signature === 'u') {
      at = align(at, 4);
      if (at + 4 > fieldsLength) return undefined;
      if (code === FIELD_UNIX_FDS) return u32(at);
      at += 4;
    } else if (signature === 's' || signature === 'o') {
      at = align(at, 4);
      if (at + 4 > fieldsLength) return undefined;
      at += 4 + u32(at) + 1;
    } else if (signature === 'g') {
      at += 1 + (rest[at] ?? 0) + 1;
    } else if (signature === 'y') {
      at += 1;
    } else {
      return undefined;
    }
  }
  return 0;
}

/**
 * Patch the usocket under a dbus-next MessageBus so that each message gets only its own fds.
 * Returns false (and changes nothing) when the bus does not run on usocket.
 */
export function fixUnixFdDelivery(bus: unknown): boolean {
  const stream = (bus as { _connection?: { stream?: unknown } })._connection?.stream as FdSocket | undefined;
  if (stream === undefined || typeof stream.read !== 'function' || !('_wrap' in stream)) return false;
  const original = stream.read;
  let header: Uint8Array | undefined;
  stream.read = function read(this: FdSocket, size?: number, fdSize?: number | null): unknown {
    if (fdSize !== null) {
      const got = fdSize === undefined ? original.call(this, size) : original.call(this, size, fdSize);
      // dbus-next reads the 16-byte fixed header on its own, then the rest with fdSize null
      if (size === 16 && got instanceof Uint8Array) header = got;
      return got;
    }
    const got = original.call(this, size, 0) as { data?: Uint8Array; fds?: number[] } | null;
    if (got === null || got === undefined || got.data === undefined || got.data === null) return got;
    const queue = this._wrap?.fds ?? [];
    const wanted = header === undefined ? undefined : declaredUnixFds(header, got.data);
    return { data: got.data, fds: queue.splice(0, wanted ?? queue.length) };
  };
  return true;
}
