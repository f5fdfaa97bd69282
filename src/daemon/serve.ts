/**
 * `syncml-bridge serve`: validate the configuration, say where the bridge listens, stay up
 * until SIGTERM/SIGINT, then end cleanly with status 0.
 *
 * The listeners themselves (OBEX over TCP, serial, Bluetooth, HTTP) are wired by the OBEX and
 * engine layers; until they are, serve reports each configured link and that it is not yet
 * served, so an operator sees exactly what this build does.
 */
import { mkdirSync, accessSync, constants as fsc } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import { formatHostPort, type DaemonConfig } from './config.js';

export interface ServeIo {
  /** Human-readable lines (where everything listens) go here. */
  readonly out: (line: string) => void;
  readonly log: Logger;
}

/** Lines describing where the bridge listens, for stdout and the README. */
export function describeListeners(cfg: DaemonConfig): string[] {
  const lines: string[] = [];
  lines.push(`data directory: ${cfg.dataDir}`);
  for (const hp of cfg.obexTcp) lines.push(`OBEX over TCP: ${formatHostPort(hp)} (Target SYNCML-SYNC)`);
  if (cfg.http !== undefined) lines.push(`SyncML over HTTP: http://${formatHostPort(cfg.http)}/sync`);
  for (const s of cfg.serial) lines.push(`serial OBEX link: ${s.path}${s.profile === undefined ? '' : ` (profile ${s.profile})`}`);
  if (cfg.bluetooth !== undefined) lines.push(`Bluetooth RFCOMM: adapter ${cfg.bluetooth} (SyncML Server SDP record)`);
  if (cfg.relay !== undefined) lines.push(`relay: ${cfg.relay.mode} to ${cfg.relay.upstream.href}`);
  return lines;
}

function ensureDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, fsc.W_OK);
  } catch (err) {
    throw new ConfigError(`--data-dir: '${dir}' is not a writable directory: ${(err as Error).message}`, 'SB_ERR_CONFIG_VALUE', { cause: err });
  }
}

/**
 * Run the daemon until a termination signal. Resolves with the exit status (0 on a clean
 * SIGTERM/SIGINT).
 */
export async function serve(cfg: DaemonConfig, io: ServeIo): Promise<number> {
  ensureDataDir(cfg.dataDir);
  for (const line of describeListeners(cfg)) io.out(`syncml-bridge: ${line}`);
  io.log.info({ config: { ...cfg, relay: cfg.relay === undefined ? undefined : { mode: cfg.relay.mode, upstream: cfg.relay.upstream.origin } } }, 'configuration valid');
  io.log.warn('this build has the SyncML codec only: the links above are not served yet');
  return await new Promise<number>((resolveExit) => {
    // An interval keeps the event loop alive without touching any socket.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (signal: NodeJS.Signals): void => {
      clearInterval(keepAlive);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.log.info({ signal }, 'stopping');
      resolveExit(0);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // Only now: whoever waits for this line may signal us at once.
    io.out('syncml-bridge: ready (SIGTERM or Ctrl-C to stop)');
  });
}
