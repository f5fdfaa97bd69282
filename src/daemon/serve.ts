/**
 * `syncml-bridge serve`: validate the configuration, listen, relay, stay up until SIGTERM/SIGINT,
 * then end cleanly with status 0.
 *
 * Without a relay, the bridge is a SyncML server on its own store (local-engine.ts): every
 * OBEX link (TCP, `--serial` tty, Bluetooth; phone-initiated, Mode A) is pumped through the
 * engine (engine-pump.ts), and `--http` serves SyncML over HTTP through the same engine.
 * With `--relay passthrough --upstream URL`, every OBEX link is pumped (pump.ts) and each phone
 * message goes to the upstream instead. Bluetooth and serial plug in through the same
 * LinkListener contract (see `extraListeners`).
 */
import { mkdirSync, accessSync, readFileSync, constants as fsc } from 'node:fs';
import type { Logger } from 'pino';
import { ConfigError } from '../errors.js';
import type { LinkListener } from '../transport/link.js';
import { listenTcp } from '../transport/tcp.js';
import { displayUrl } from '../relay/index.js';
import { formatHostPort, type DaemonConfig } from './config.js';
import { LinkPump } from './pump.js';
import { EnginePump } from './engine-pump.js';
import { LocalEngine } from './local-engine.js';
import type { ObexLinkPump } from './obex-link.js';
import { listenHttp, type HttpListener, type HttpSyncmlReply, type HttpSyncmlRequest } from '../transport/http-listener.js';
import { BridgeError } from '../errors.js';
import { SessionRegistry } from './session-registry.js';
import type { PhoneScheduler } from './phones.js';
import type { BluetoothLinks } from '../transport/bluetooth.js';

export interface ServeIo {
  /** Human-readable lines (where everything listens) go here. */
  readonly out: (line: string) => void;
  readonly log: Logger;
  /** Further link listeners (serial, Bluetooth) opened by the caller; serve pumps and closes them. */
  readonly extraListeners?: readonly LinkListener[];
  /** Called with the HTTP listener once it listens (the web page and feed attach to it). */
  readonly extraHttp?: (http: HttpListener | undefined) => void;
}

/** HTTP status for an engine error: 400 for a bad message, 404 for an unknown session, else 500. */
function httpStatusOf(err: unknown): number {
  const st = err instanceof BridgeError ? err.syncmlStatus : undefined;
  if (st === 404) return 404;
  if (st === 415) return 415;
  if (st !== undefined && st >= 400 && st < 500) return 400;
  return 500;
}

/** One SyncML message over HTTP: the engine, with the session key of the RespURI. */
async function httpMessage(local: LocalEngine, cfg: DaemonConfig, req: HttpSyncmlRequest): Promise<HttpSyncmlReply> {
  const key = req.url.searchParams.get('sessionid') ?? undefined;
  try {
    const r = local.handle(req.body, req.contentType, {
      transport: 'http', link: `http:${req.remote}`, auth: cfg.httpAuth, respUriBase: req.url.toString(),
      ...(key === undefined ? {} : { sessionKey: key }),
    });
    return { body: r.body, contentType: r.contentType };
  } catch (err) {
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), { httpStatus: httpStatusOf(err) });
  }
}

/** Lines describing where the bridge listens, for stdout and the README. */
export function describeListeners(cfg: DaemonConfig): string[] {
  const lines: string[] = [];
  const served = cfg.relay === undefined || cfg.relay.mode === 'passthrough';
  const note = served ? '' : ' — not served: store-forward is not implemented yet';
  lines.push(`data directory: ${cfg.dataDir}`);
  for (const hp of cfg.obexTcp) lines.push(`OBEX over TCP: ${formatHostPort(hp)} (Target SYNCML-SYNC)${note}`);
  if (cfg.http !== undefined) {
    const how = cfg.relay === undefined ? ` (authentication: ${cfg.httpAuth})` : ' — not served in relay mode';
    lines.push(`SyncML over HTTP: http://${formatHostPort(cfg.http)}/sync${how}`);
  }
  for (const s of cfg.serial) {
    const how = served ? ' (phone-initiated: the phone starts OBEX, no AT switch)' : note;
    lines.push(`serial OBEX link: ${s.path}${s.profile === undefined ? '' : ` (profile ${s.profile})`}${how}`);
  }
  if (cfg.bluetooth !== undefined) lines.push(`Bluetooth RFCOMM: adapter ${cfg.bluetooth} (SyncML Server SDP record, BlueZ over D-Bus)${note}`);
  for (const p of cfg.phones) {
    const when = [p.everyMs === undefined ? undefined : `every ${Math.round(p.everyMs / 1000)} s`, p.onAppear ? 'when it appears' : undefined].filter((x) => x !== undefined).join(' and ');
    lines.push(`host-initiated sync: ${p.name} ${when}`);
  }
  if (cfg.relay !== undefined) {
    const enc = cfg.relay.upstreamEncoding === undefined ? '' : ` (upstream encoding ${cfg.relay.upstreamEncoding})`;
    lines.push(`relay: ${cfg.relay.mode} to ${displayUrl(cfg.relay.upstream)}${enc}${cfg.relay.mode === 'passthrough' ? '' : ' — not implemented yet'}`);
  }
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

function readCa(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`--upstream-ca: cannot read '${file}': ${(err as Error).message}`, 'SB_ERR_CONFIG_FILE', { cause: err });
  }
}

/**
 * Run the daemon until a termination signal. Resolves with the exit status (0 on a clean
 * SIGTERM/SIGINT).
 * @throws TransportError when a listener cannot be opened (exit 1).
 */
export async function serve(cfg: DaemonConfig, io: ServeIo): Promise<number> {
  ensureDataDir(cfg.dataDir);
  const relay = cfg.relay?.mode === 'passthrough' ? cfg.relay : undefined;
  const ca = relay?.caFile === undefined ? undefined : readCa(relay.caFile);
  for (const line of describeListeners(cfg)) io.out(`syncml-bridge: ${line}`);
  io.log.info({ config: { ...cfg, relay: cfg.relay === undefined ? undefined : { mode: cfg.relay.mode, upstream: cfg.relay.upstream.origin, upstreamEncoding: cfg.relay.upstreamEncoding } } }, 'configuration valid');

  const listeners: LinkListener[] = [...(io.extraListeners ?? [])];
  const pumps = new Set<ObexLinkPump>();
  let local: LocalEngine | undefined;
  let http: HttpListener | undefined;
  let scheduler: PhoneScheduler | undefined;
  /** The Bluetooth driver: serve's own (--bluetooth), or one opened for scheduled syncs. */
  let bluetooth: BluetoothLinks | undefined;
  let ownBluetooth: Promise<BluetoothLinks> | undefined;
  if (relay !== undefined || cfg.relay === undefined) {
    for (const hp of cfg.obexTcp) {
      try {
        listeners.push(await listenTcp(hp));
      } catch (err) {
        await Promise.all(listeners.map((l) => l.close()));
        throw err;
      }
    }
    if (cfg.serial.length > 0) {
      // Loaded only when needed: serialport's native binding is not for every host.
      const { listenTty } = await import('../transport/tty.js');
      for (const s of cfg.serial) {
        listeners.push(listenTty({
          path: s.path,
          onError: (error) => io.log.warn({ tty: s.path, code: error.code }, `serial link not available, retrying: ${error.message}`),
        }));
      }
    }
    if (cfg.bluetooth !== undefined) {
      // Loaded only when needed: dbus-next and the fd passing binding.
      const { BluetoothLinks } = await import('../transport/bluetooth.js');
      try {
        const bt = await BluetoothLinks.open({ ...(cfg.bluetooth === 'default' ? {} : { adapter: cfg.bluetooth }), requirePairing: cfg.bluetoothRequirePairing });
        bt.onEvent((event) => {
          if (event.type === 'bus-error') io.log.error({ code: (event.error as { code?: string }).code }, `Bluetooth: ${event.error.message}`);
          else if (event.type === 'refused') io.log.warn({ bluetooth: event }, `Bluetooth: refused ${event.device}: ${event.reason}`);
          else io.log.info({ bluetooth: event }, `Bluetooth: ${event.type}`);
        });
        listeners.push(bt);
        bluetooth = bt;
      } catch (err) {
        await Promise.all(listeners.map((l) => l.close()));
        throw err;
      }
    }
    const registry = relay === undefined ? undefined : new SessionRegistry({
      agent: {
        upstream: relay.upstream,
        selfAddresses: [...cfg.obexTcp.map(formatHostPort), ...(cfg.http === undefined ? [] : [formatHostPort(cfg.http)])],
        ...(ca === undefined ? {} : { ca }),
      },
      ...(relay.upstreamEncoding === undefined ? {} : { upstreamEncoding: relay.upstreamEncoding }),
    });
    const upstream = relay === undefined ? undefined : relay.upstream;
    if (registry === undefined) {
      try {
        local = new LocalEngine(cfg, io.log);
        if (cfg.http !== undefined) http = await listenHttp({ ...cfg.http, path: '/sync', onMessage: (req) => httpMessage(local!, cfg, req), onError: (err) => io.log.warn({ code: (err as BridgeError).code }, `HTTP: ${(err as Error).message}`) });
      } catch (err) {
        local?.close();
        await Promise.all(listeners.map((l) => l.close()));
        throw err;
      }
      io.extraHttp?.(http);
      if (cfg.phones.length > 0) {
        const { PhoneScheduler } = await import('./phones.js');
        const bt = async (): Promise<BluetoothLinks> => {
          if (bluetooth !== undefined) return bluetooth;
          const { BluetoothLinks: Links } = await import('../transport/bluetooth.js');
          ownBluetooth ??= Links.open();
          return await ownBluetooth;
        };
        try {
          scheduler = new PhoneScheduler(local, cfg.phones, io.log, bt);
        } catch (err) {
          local.close();
          await Promise.all([...listeners.map((l) => l.close()), http?.close()]);
          throw err;
        }
      }
    }
    const profileOf = new Map(cfg.serial.map((s) => [s.path, s.profile] as const));
    for (const l of listeners) {
      l.onLink((link) => {
        const profileName = profileOf.get(link.info.name.replace(/^[a-z]+:/, ''));
        const pump: ObexLinkPump = registry !== undefined
          ? new LinkPump({ link, log: io.log, registry })
          : new EnginePump({ link, log: io.log, engine: local!, auth: cfg.obexAuth, ...(profileName === undefined ? {} : { profileName }) });
        pumps.add(pump);
        void pump.done.then(() => pumps.delete(pump));
      });
      io.log.info({ address: l.address, upstream: upstream === undefined ? undefined : displayUrl(upstream) }, 'listening');
    }
    if (http !== undefined) io.log.info({ url: http.url }, 'listening for SyncML over HTTP');
  } else {
    io.log.warn('store-forward relay is not implemented yet: the OBEX links above are not served');
  }

  return await new Promise<number>((resolveExit) => {
    // An interval keeps the event loop alive even with no listener.
    const keepAlive = setInterval(() => undefined, 1 << 30);
    const stop = (signal: NodeJS.Signals): void => {
      clearInterval(keepAlive);
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.log.info({ signal, sessions: pumps.size }, 'stopping');
      void (async () => {
        const closing = Promise.all([...listeners.map((l) => l.close()), http?.close()]);
        for (const p of pumps) p.close('shutdown');
        await Promise.all([...pumps].map((p) => p.done));
        await closing;
        await scheduler?.stop();
        if (ownBluetooth !== undefined) await (await ownBluetooth.catch(() => undefined))?.close();
        local?.close();
        io.log.info('stopped');
        resolveExit(0);
      })();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // Only now: whoever waits for this line may signal us at once.
    io.out('syncml-bridge: ready (SIGTERM or Ctrl-C to stop)');
    scheduler?.start();
  });
}
