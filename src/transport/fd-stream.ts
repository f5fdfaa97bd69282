/**
 * A connected socket fd (BlueZ hands one out per RFCOMM connection) as a Node Duplex.
 *
 * Why not `new net.Socket({ fd })`: libuv only knows TCP, UDP, pipe and tty fds, so Node 20 refuses an
 * AF_BLUETOOTH socket with `ERR_INVALID_FD_TYPE`. And `fs` streams on a non-blocking socket fail with
 * EAGAIN. Two approaches work (../shared/peers/btvm/README.md, finding 9):
 *
 * - `pipe`, the default: a libuv pipe handle (`process.binding('pipe_wrap')`, `Pipe(SOCKET).open(fd)`)
 *   wrapped in a `net.Socket`. libuv then does plain non-blocking `read`/`write`/`shutdown` on the fd,
 *   in process, with no thread or child per connection. `process.binding` is deprecated (DEP0111) but
 *   present in Node 20; when it is missing the `socat` method is used instead.
 * - `socat`: a `socat FD:3,shut-down STDIO` child per connection relays between the fd (passed as its fd 3) and
 *   its stdio pipes. Public APIs only, one process per phone. Needs Debian package `socat`.
 *
 * Either way, ending the Duplex shuts the socket down (`shutdown(2)`), which RFCOMM treats as a full
 * disconnect: a plain `close(2)` is not enough, because bluetoothd keeps its own reference to the
 * socket (finding 5). The fd is owned by the returned stream after the call; do not close it yourself.
 */
import { spawn } from 'node:child_process';
import { closeSync } from 'node:fs';
import { Socket } from 'node:net';
import { Duplex, type Readable, type Writable } from 'node:stream';
import { TransportError } from '../errors.js';

/** How the fd becomes a stream; see the module comment. */
export type FdStreamMethod = 'pipe' | 'socat';

export interface FdStreamOptions {
  /** Default `pipe` (falls back to `socat` when the pipe handle is unavailable). */
  readonly method?: FdStreamMethod;
  /** The socat binary for the `socat` method (default `socat` on PATH). */
  readonly socat?: string;
}

interface PipeHandle {
  open(fd: number): number;
}
interface PipeWrapBinding {
  Pipe: new (type: number) => PipeHandle;
  constants: { SOCKET: number };
}

/** The libuv pipe binding, or undefined when this Node no longer offers it. */
function pipeBinding(): PipeWrapBinding | undefined {
  try {
    const binding = (process as unknown as { binding(name: string): unknown }).binding('pipe_wrap') as Partial<PipeWrapBinding>;
    if (typeof binding.Pipe === 'function' && binding.constants !== undefined) return binding as PipeWrapBinding;
  } catch {
    // fall through: no binding
  }
  return undefined;
}

/**
 * A `net.Socket` whose `destroy()` on a healthy socket still sends a shutdown first, so that the peer
 * sees the link end even though bluetoothd holds another reference to the socket.
 */
class FdSocket extends Socket {
  /** True when the peer reset the connection (RFCOMM's usual way to hang up), which is not an error here. */
  resetByPeer = false;

  /** ECONNRESET and EPIPE mean the peer hung up: end the stream without an 'error' event. */
  override destroy(error?: Error): this {
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (code === 'ECONNRESET' || code === 'EPIPE') {
      this.resetByPeer = true;
      return super.destroy();
    }
    return super.destroy(error);
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    const handle = (this as unknown as { _handle: unknown })._handle;
    if (error === null && handle !== null && handle !== undefined && !this.writableEnded) {
      // Socket#_final issues libuv's shutdown on the handle and calls back when it is done (or failed).
      this._final(() => super._destroy(error, callback));
      return;
    }
    super._destroy(error, callback);
  }
}

/** Whether the in-process `pipe` method is available on this Node. */
export function hasPipeFdSupport(): boolean {
  return pipeBinding() !== undefined;
}

/**
 * Turn a connected stream-socket fd into a Duplex. The stream owns the fd from now on.
 * `end()` (or `destroy()`) shuts the socket down. The peer's EOF ends the stream ('end', then 'close');
 * a reset by the peer (ECONNRESET, EPIPE: how RFCOMM usually hangs up) closes it without an 'error'.
 * Throws `TransportError` `SB_ERR_BT_FD` when the fd cannot be wrapped (the fd is closed then).
 */
export function openFdStream(fd: number, options: FdStreamOptions = {}): Duplex {
  const binding = options.method === 'socat' ? undefined : pipeBinding();
  if (binding === undefined) return openWithSocat(fd, options.socat ?? 'socat');
  const handle = new binding.Pipe(binding.constants.SOCKET);
  const status = handle.open(fd);
  if (status !== 0) {
    try {
      closeSync(fd);
    } catch {
      // already gone
    }
    throw new TransportError(`cannot wrap fd ${fd} in a pipe handle (libuv status ${status})`, 'SB_ERR_BT_FD');
  }
  return new FdSocket({ handle, readable: true, writable: true } as unknown as ConstructorParameters<typeof Socket>[0]);
}

/**
 * The `socat FD:3,shut-down STDIO` relay: our fd becomes the child's fd 3 and our copy is closed, so
 * the socket lives in the child alone. Ending stdin makes socat `shutdown(SHUT_WR)` the socket (the
 * `shut-down` option: without it socat only closes the fd, which bluetoothd's own reference keeps
 * open); the peer's EOF makes socat close stdout, which ends our readable side.
 */
function openWithSocat(fd: number, socat: string): Duplex {
  const child = spawn(socat, ['-b', '65536', 'FD:3,shut-down', 'STDIO'], { stdio: ['pipe', 'pipe', 'ignore', fd] });
  try {
    closeSync(fd);
  } catch {
    // the child holds its own copy; ours may already be gone
  }
  const stdin = child.stdin as Writable;
  const stdout = child.stdout as Readable;
  let exited = false;
  const stream = new Duplex({
    allowHalfOpen: false,
    read() {
      stdout.resume();
    },
    write(chunk: Buffer, _encoding, callback) {
      stdin.write(chunk, callback);
    },
    final(callback) {
      stdin.end(callback);
    },
    destroy(error, callback) {
      // EOF on stdin makes socat shut the socket down and exit; a kill would only close() it
      if (!stdin.writableEnded) stdin.end();
      stdout.resume();
      if (!exited) {
        const timer = setTimeout(() => child.kill('SIGTERM'), 5000);
        timer.unref();
        child.once('exit', () => clearTimeout(timer));
      }
      callback(error);
    },
  });
  stdout.on('data', (chunk: Buffer) => {
    if (!stream.push(chunk)) stdout.pause();
  });
  stdout.on('end', () => stream.push(null));
  // the phone hung up while we were writing: a normal end, as on the pipe method
  stdin.on('error', (error: NodeJS.ErrnoException) => stream.destroy(error.code === 'EPIPE' ? undefined : error));
  child.on('error', (error) => stream.destroy(new TransportError(`cannot run ${socat} (Debian package socat): ${error.message}`, 'SB_ERR_BT_FD', { cause: error })));
  child.on('exit', () => {
    exited = true;
  });
  return stream;
}
