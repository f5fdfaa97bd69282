/**
 * One host-initiated ("PC Suite") sync over an open link (protocol-notes 2.3): the bridge is OBEX
 * client and SyncML server, the phone OBEX server and SyncML client. CONNECT SYNCML-SYNC, the SAN
 * the device profile describes (DS 1.2 binary first, the 1.1 SyncML form when the phone refuses
 * it or the profile says 1.1; the same SAN again while the phone answers 0xC3 for a dialog), then
 * every phone message through the local engine (each reply committed before it is PUT), and
 * DISCONNECT after the last PUT. Used by `syncml-bridge sync` and by the daemon's scheduled syncs.
 *
 * A link that fails before the SyncML session ended ends that session at once (the phone does not
 * come back by itself in this mode): nothing it did not finish is committed, anchors stay as they
 * were, and the next sync continues from there (or slow-syncs without duplicates).
 */
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { BridgeError, ObexError } from '../errors.js';
import { OBEX_ERR } from '../obex/errors.js';
import { OBEX_RESPONSE, OBEX_RESPONSE_NAMES, SAN_CONTENT_TYPE, SAN_UI_MODE, SAN_INITIATOR, SYNCML_CONTENT_TYPE, encodeSan } from '../obex/index.js';
import { ModeBDriver, type ModeBAction, type ModeBStage } from '../obex/mode-b.js';
import { encodeMessage } from '../syncml/index.js';
import { legacySanMessage } from '../syncml/san-legacy.js';
import type { StoreKind } from '../ds/ports.js';
import type { ServerSession } from '../ds/session.js';
import type { AuthPolicy, DatastoreSummary, EngineEvent, SyncMode } from '../ds/types.js';
import type { UriOptions } from '../ds/uri.js';
import type { DeviceProfile } from '../quirks/index.js';
import type { Link } from '../transport/link.js';
import type { LocalEngine } from './local-engine.js';
import { HOST_SYNC_MODES, type HostSyncMode } from './phones-config.js';

export { HOST_SYNC_MODES, type HostSyncMode };

/** Stable codes of host-initiated sync failures (the phone's OBEX response, if any, is on the error). */
export const HOST_SYNC_ERR = {
  /** The phone closed the link or never answered OBEX CONNECT (not in OBEX mode). */
  NO_OBEX: 'SB_ERR_SYNC_NO_OBEX',
  /** The phone answered CONNECT with an error (no SyncML service). */
  OBEX_REFUSED: 'SB_ERR_SYNC_OBEX_REFUSED',
  /** The phone refused every SAN form. */
  SAN_REFUSED: 'SB_ERR_SYNC_SAN_REFUSED',
  /** The phone kept answering 0xC3 Forbidden: a dialog on its screen. */
  DIALOG: 'SB_ERR_SYNC_PHONE_DIALOG',
  /** The phone took the SAN but never started its SyncML session (wrong identifier or datastore names). */
  NOT_STARTED: 'SB_ERR_SYNC_NOT_STARTED',
  /** The link dropped after CONNECT, before the session ended. */
  LINK_LOST: 'SB_ERR_SYNC_LINK_LOST',
  /** The SyncML session itself failed (authentication, refused datastores, a bad message). */
  SESSION_FAILED: 'SB_ERR_SYNC_SESSION_FAILED',
} as const;

/** What to sync. */
export interface HostSyncRequest {
  /** The merged device profile: identifier, datastore names, SAN version, encoding, packet size. */
  readonly profile: DeviceProfile;
  /** Datastores to alert (each must have a name in the profile). */
  readonly kinds: readonly StoreKind[];
  readonly mode: HostSyncMode;
  /** Write backup files after a clean session (`true`, or a name for the backup folder). */
  readonly backup?: true | string;
  /** Authentication of the phone's SyncML session. Default `none` (the phone is on a local link). */
  readonly auth?: AuthPolicy;
  /** The user a session with auth `none` runs as. Default `local`. */
  readonly user?: string;
  /** How long one OBEX request may wait for the phone (a GET waits while the user looks at a dialog). */
  readonly requestTimeoutMs?: number;
  /** 0xC3 answers to the SAN taken as "dialog on screen, ask again": attempts and delay. Default: the profile's dialogRetry. */
  readonly forbiddenRetry?: { readonly attempts: number; readonly delayMs: number };
  readonly log: Logger;
}

export interface HostSyncResult {
  readonly ok: boolean;
  /** The phone's SyncML device id, once its first message arrived. */
  readonly device: string | undefined;
  readonly datastores: readonly DatastoreSummary[];
  /** Phone messages answered. */
  readonly messages: number;
  /** Backup files written after the session (with `backup`). */
  readonly backups: readonly string[];
  /** Which SAN the phone took. */
  readonly san: '1.2' | 'legacy' | undefined;
  /** Why it failed: a BridgeError with a HOST_SYNC_ERR code and the phone's OBEX response or SyncML status. */
  readonly error: BridgeError | undefined;
}

/** Server-alerted sync codes of a mode (206..210); a slow sync is asked of the engine (it answers 508). */
const SAN_ALERT: Record<HostSyncMode, number> = {
  'two-way': 206, slow: 206, 'one-way-from-client': 207, 'refresh-from-client': 208, 'one-way-from-server': 209, 'refresh-from-server': 210,
};

/** What each datastore is announced as: the formats every OBEX phone reads (vCard 2.1, vCalendar 1.0). */
const SAN_TYPES: Record<StoreKind, { readonly code: number; readonly mime: string }> = {
  contacts: { code: SAN_CONTENT_TYPE.TEXT_X_VCARD, mime: 'text/x-vcard' },
  calendar: { code: SAN_CONTENT_TYPE.TEXT_X_VCALENDAR, mime: 'text/x-vcalendar' },
  tasks: { code: SAN_CONTENT_TYPE.TEXT_X_VCALENDAR, mime: 'text/x-vcalendar' },
  notes: { code: SAN_CONTENT_TYPE.TEXT_PLAIN, mime: 'text/plain' },
};

/** The phone's name of a datastore: Nokia's tasks live in its calendar store; null when it has none. */
export function storeUri(profile: DeviceProfile, kind: StoreKind): string | null {
  const d = profile.datastores;
  return d[kind] ?? (kind === 'tasks' && d.calendarHoldsTasks ? d.calendar : null);
}

/** The datastores of a request as the phone names them (one entry per store: Nokia's calendar holds tasks). */
export function sanDatastores(profile: DeviceProfile, kinds: readonly StoreKind[]): Array<{ kind: StoreKind; uri: string }> {
  const out: Array<{ kind: StoreKind; uri: string }> = [];
  for (const kind of kinds) {
    const uri = storeUri(profile, kind);
    if (uri === null) throw new BridgeError(`profile ${profile.name} has no ${kind} datastore`, 'SB_ERR_SYNC_NO_DATASTORE');
    if (out.some((d) => d.uri === uri)) continue;
    out.push({ kind, uri });
  }
  return out;
}

/** The SAN forms to offer, per the profile's SAN version. */
export function buildSans(profile: DeviceProfile, kinds: readonly StoreKind[], mode: HostSyncMode, sessionId: number): { binary?: Uint8Array; legacy: Uint8Array; legacyType: string; getType: string } {
  const stores = sanDatastores(profile, kinds);
  const alert = SAN_ALERT[mode];
  const getType = profile.encoding === 'xml' ? SYNCML_CONTENT_TYPE.XML : SYNCML_CONTENT_TYPE.WBXML;
  const legacyVersion = profile.sanVersion === '1.0' ? '1.0' : '1.1';
  const legacy = encodeMessage(legacySanMessage({
    version: legacyVersion, sessionId: String(sessionId), serverId: profile.serverIdentifier,
    syncs: stores.map((d) => ({ alert, serverUri: d.uri, contentType: SAN_TYPES[d.kind].mime })),
  }), profile.encoding);
  if (profile.sanVersion !== '1.2') return { legacy, legacyType: getType, getType };
  const binary = encodeSan({
    version: 12, uiMode: SAN_UI_MODE.NOT_SPECIFIED, initiator: SAN_INITIATOR.SERVER, sessionId, serverId: profile.serverIdentifier,
    syncs: stores.map((d) => ({ syncType: alert, contentType: SAN_TYPES[d.kind].code, serverUri: d.uri })), vendor: new Uint8Array(0),
  });
  return { binary, legacy, legacyType: getType, getType };
}

const hex = (code: number | undefined): string => (code === undefined ? '' : `0x${code.toString(16).toUpperCase()} ${OBEX_RESPONSE_NAMES.get(code) ?? ''}`.trim());

/** How far a session got when it failed. */
interface Progress {
  connected: boolean;
  sanAccepted: boolean;
  messages: number;
}

/** The message a user reads for a failure (each says what to do next), by how far the session got. */
function explain(stage: ModeBStage, err: ObexError, at: Progress, o: { profile: DeviceProfile; stores: string; link: Link }): BridgeError {
  const code = err.obexResponse;
  const isLink = err.code === OBEX_ERR.LINK_CLOSED;
  const fromPeer = !isLink && err.code !== OBEX_ERR.TIMEOUT && code !== undefined;
  const opts = { cause: err, ...(code === undefined ? {} : { obexResponse: code }) };
  const p = o.profile;
  const plural = (n: number): string => `${n} SyncML message${n === 1 ? '' : 's'}`;
  if (!at.connected) {
    if (fromPeer) {
      return new BridgeError(`the phone refused the OBEX connection to ${p.obex.target} (${hex(code)}): it offers no SyncML service on this link (on Bluetooth it may want pairing first)`, HOST_SYNC_ERR.OBEX_REFUSED, opts);
    }
    const viaAt = o.link.info.transport === 'serial' || o.link.info.transport === 'irda';
    const hint = viaAt
      ? `the port is not in OBEX mode: the AT switch of profile ${p.name} may be wrong for this phone (try --profile; syncml-bridge probe suggests one)`
      : 'is this a SyncML phone, and the right address or port?';
    return new BridgeError(`no OBEX answer: the phone ${isLink ? 'closed the link' : 'did not answer'} on OBEX CONNECT; ${hint}`, HOST_SYNC_ERR.NO_OBEX, opts);
  }
  if (!at.sanAccepted) {
    if (code === OBEX_RESPONSE.FORBIDDEN && fromPeer) {
      return new BridgeError(`the phone answered the sync request with ${hex(code)} each time: it is probably showing a dialog; accept the PC on the phone (or let it connect without asking) and run sync again`, HOST_SYNC_ERR.DIALOG, opts);
    }
    if (fromPeer) {
      return new BridgeError(`the phone refused the sync request (SAN ${p.sanVersion === '1.2' ? '1.2, then 1.1' : p.sanVersion}) with ${hex(code)}: it does not take server alerts the way profile ${p.name} sends them (identifier '${p.serverIdentifier}'); try another --profile`, HOST_SYNC_ERR.SAN_REFUSED, opts);
    }
    return new BridgeError(`the phone ${isLink ? 'dropped the link' : 'stopped answering'} after OBEX CONNECT, before it took the sync request (SAN)`, HOST_SYNC_ERR.LINK_LOST, opts);
  }
  if (at.messages === 0 && !isLink) {
    const what = fromPeer ? `GET answered ${hex(code)}` : err.message;
    return new BridgeError(`the phone took the sync request but did not start its SyncML session (${what}): it may not know the server identifier '${p.serverIdentifier}' or the datastore names (${o.stores}) of profile ${p.name}; check the phone's PC sync settings or try another --profile`, HOST_SYNC_ERR.NOT_STARTED, opts);
  }
  const when = at.messages === 0 ? 'after it took the sync request' : `after ${plural(at.messages)}`;
  const what = isLink ? `the phone dropped the link ${when}` : `OBEX ${stage} failed ${when} (${err.message})`;
  return new BridgeError(`${what}; the session was not finished, its anchors are unchanged and the next sync goes on from there`, HOST_SYNC_ERR.LINK_LOST, opts);
}

/** Run one host-initiated session over `link`; never throws for what the phone does (the result says). */
export async function runHostSync(local: LocalEngine, link: Link, req: HostSyncRequest): Promise<HostSyncResult> {
  const log = req.log;
  const profile = req.profile;
  const stores = sanDatastores(profile, req.kinds);
  const sessionId = randomBytes(2).readUInt16BE(0) || 1;
  const sans = buildSans(profile, req.kinds, req.mode, sessionId);
  const driver = new ModeBDriver({
    san: { ...(sans.binary === undefined ? {} : { binary: sans.binary }), legacy: sans.legacy },
    legacyType: sans.legacyType, getType: sans.getType,
    forbiddenRetry: req.forbiddenRetry ?? profile.dialogRetry,
    client: {
      maxPacketLength: Math.min(profile.obex.maxPacket, link.info.mtu ?? 65535), target: profile.obex.target,
      ...(req.requestTimeoutMs === undefined ? {} : { timeoutMs: req.requestTimeoutMs }),
    },
  });
  const hostOptions: UriOptions = {
    ...(req.mode === 'two-way' ? {} : { sync: req.mode as SyncMode }),
    ...(req.backup === undefined ? {} : { backup: req.backup }),
  };
  const linkName = link.info.name;
  const storeNames = stores.map((d) => d.uri).join(', ');
  log.info({ link: linkName, profile: profile.name, san: profile.sanVersion, serverId: profile.serverIdentifier, datastores: storeNames, mode: req.mode }, `host-initiated sync: ${req.mode} of ${storeNames} as '${profile.serverIdentifier}' (profile ${profile.name})`);

  let session: ServerSession | undefined;
  const at: Progress = { connected: false, sanAccepted: false, messages: 0 };
  let san: '1.2' | 'legacy' | undefined;
  let end: Extract<EngineEvent, { type: 'end' }> | undefined;
  return await new Promise<HostSyncResult>((resolve) => {
    let finished = false;
    const stream = link.stream;
    const finish = (error: BridgeError | undefined): void => {
      if (finished) return;
      finished = true;
      clearInterval(timer);
      stream.off('data', onData);
      stream.destroy();
      if (session !== undefined && !session.done) local.end(session, error?.message ?? 'link closed', linkName);
      const ok = error === undefined && end?.ok === true;
      const failure = error ?? (end?.ok === true ? undefined : new BridgeError(`the SyncML session failed: ${end?.reason ?? 'it did not end'}`, HOST_SYNC_ERR.SESSION_FAILED));
      resolve({ ok, device: session?.device, datastores: end?.datastores ?? [], messages: at.messages, san, backups: session === undefined ? [] : local.takeBackupFiles(session), error: ok ? undefined : failure });
    };
    const handle = (actions: readonly ModeBAction[]): void => {
      for (const a of actions) {
        if (finished) return;
        switch (a.kind) {
          case 'send': stream.write(a.bytes); break;
          case 'connected': at.connected = true; log.debug({ link: linkName, connectionId: a.connectionId, peerMaxPacket: a.peerMaxPacketLength }, 'OBEX connected'); break;
          case 'san-fallback': log.info({ link: linkName, obexResponse: hex(a.response) }, `the phone refused the 1.2 SAN (${hex(a.response)}); sending the 1.1 form`); break;
          case 'san-forbidden': log.warn({ link: linkName, attempt: a.attempt }, `the phone answered the SAN 0xC3 Forbidden (a dialog on its screen?); asking again in ${Math.round((a.retryAt - Date.now()) / 1000)} s`); break;
          case 'san-accepted': at.sanAccepted = true; san = a.version; log.info({ link: linkName, san: a.version }, `the phone took the ${a.version === '1.2' ? '1.2' : '1.1'} SAN`); break;
          case 'phone-message': onPhoneMessage(a.body, a.type); break;
          case 'done': finish(undefined); break;
          case 'error': finish(explain(a.stage, a.error, at, { profile, stores: storeNames, link })); break;
          case 'close': finish(new BridgeError('the OBEX session was closed', HOST_SYNC_ERR.LINK_LOST)); break;
        }
      }
    };
    const onPhoneMessage = (body: Uint8Array, type: string): void => {
      let r;
      try {
        r = local.handle(body, type, {
          transport: 'obex', link: linkName, auth: req.auth ?? 'none', profileName: profile.name, hostOptions,
          ...(req.user === undefined ? {} : { localUser: req.user }),
        });
      } catch (err) {
        const e = err instanceof BridgeError ? err : new BridgeError(String(err));
        finish(new BridgeError(`the phone's SyncML message ${at.messages + 1} was refused: ${e.message}`, HOST_SYNC_ERR.SESSION_FAILED, { cause: e, ...(e.syncmlStatus === undefined ? {} : { syncmlStatus: e.syncmlStatus }) }));
        return;
      }
      at.messages++;
      session = r.session;
      for (const e of r.events) if (e.type === 'end') end = e;
      handle(driver.reply(r.body, { last: r.done }, Date.now()));
    };
    const onData = (b: Buffer): void => handle(driver.feed(new Uint8Array(b), Date.now()));
    const timer = setInterval(() => handle(driver.tick(Date.now())), 250);
    stream.on('data', onData);
    stream.once('close', () => handle(driver.linkClosed()));
    stream.on('error', (err: Error) => log.debug({ link: linkName, err: err.message }, 'link error'));
    handle(driver.start(Date.now()));
  });
}

/** One line per datastore for people: `contacts (Contact) slow: phone -> bridge +200 ~0 -0, bridge -> phone +0 ~0 -0`. */
export function summaryLines(r: HostSyncResult): string[] {
  return r.datastores.map((d) => {
    const f = d.fromClient;
    const t = d.toClient;
    const failed = f.failed + t.failed > 0 ? `, failed ${f.failed} from phone, ${t.failed} to phone` : '';
    const conflicts = d.conflicts > 0 ? `, ${d.conflicts} conflict${d.conflicts === 1 ? '' : 's'}` : '';
    return `${d.kind} (${d.uri}) ${d.mode}: phone -> bridge +${f.added} ~${f.updated} -${f.deleted}, bridge -> phone +${t.added} ~${t.updated} -${t.deleted}${failed}${conflicts}`;
  });
}
