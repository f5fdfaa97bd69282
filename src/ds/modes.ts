/**
 * Sync type negotiation (protocol-notes 3.4 Alert codes, 3.6 anchors and the slow-sync fallback).
 *
 * The server accepts the mode the client alerts when it can: a mode that builds on the previous
 * session (two-way, one-way from client, one-way from server) needs the client's Last anchor to
 * equal the one we stored at the end of the last good session; otherwise the server answers the
 * Alert with 508 (refresh required) and runs the slow variant of that mode instead (SYN
 * localengineds.cpp; the one-way fallbacks follow the anchor/slow-sync decision table of the
 * IceWarp SyncML guide). Slow sync, the refreshes and the three extras of `?sync=7..9` never need
 * an anchor. A `?sync=` override replaces the requested mode before that rule. Pure.
 */
import { SyncmlError } from '../errors.js';
import { ALERT } from '../syncml/index.js';
import type { SyncMode } from './types.js';

const MODE_OF_ALERT: ReadonlyMap<number, SyncMode> = new Map<number, SyncMode>([
  [ALERT.TWO_WAY, 'two-way'],
  [ALERT.SLOW_SYNC, 'slow'],
  [ALERT.ONE_WAY_FROM_CLIENT, 'one-way-from-client'],
  [ALERT.REFRESH_FROM_CLIENT, 'refresh-from-client'],
  [ALERT.ONE_WAY_FROM_SERVER, 'one-way-from-server'],
  [ALERT.REFRESH_FROM_SERVER, 'refresh-from-server'],
  // Server-alerted versions (206-210): the client runs them as the plain modes.
  [ALERT.TWO_WAY_BY_SERVER, 'two-way'],
  [ALERT.ONE_WAY_FROM_CLIENT_BY_SERVER, 'one-way-from-client'],
  [ALERT.REFRESH_FROM_CLIENT_BY_SERVER, 'refresh-from-client'],
  [ALERT.ONE_WAY_FROM_SERVER_BY_SERVER, 'one-way-from-server'],
  [ALERT.REFRESH_FROM_SERVER_BY_SERVER, 'refresh-from-server'],
]);

/** The sync mode of a client's Alert code (200..210), or undefined for any other code. */
export function modeOfAlert(code: number): SyncMode | undefined {
  return MODE_OF_ALERT.get(code);
}

const ALERT_OF_MODE: Readonly<Record<SyncMode, number>> = {
  'two-way': ALERT.TWO_WAY,
  slow: ALERT.SLOW_SYNC,
  'one-way-from-client': ALERT.ONE_WAY_FROM_CLIENT,
  'refresh-from-client': ALERT.REFRESH_FROM_CLIENT,
  'one-way-from-server': ALERT.ONE_WAY_FROM_SERVER,
  'refresh-from-server': ALERT.REFRESH_FROM_SERVER,
  // The extras, as the client must see them: it sends all its items (203), or it wipes its data
  // and takes ours (205; for a client reset the engine then sends nothing, so the client ends
  // empty while the server keeps everything).
  'slow-one-way-from-client': ALERT.REFRESH_FROM_CLIENT,
  'slow-one-way-from-server': ALERT.REFRESH_FROM_SERVER,
  'client-reset': ALERT.REFRESH_FROM_SERVER,
};

/** The Alert code the server sends back to the client for a mode. */
export function alertOfMode(mode: SyncMode): number {
  return ALERT_OF_MODE[mode];
}

/** Modes that continue from the previous session and so need matching anchors. */
const ANCHORED_FALLBACK: ReadonlyMap<SyncMode, SyncMode> = new Map<SyncMode, SyncMode>([
  ['two-way', 'slow'],
  ['one-way-from-client', 'slow-one-way-from-client'],
  ['one-way-from-server', 'slow-one-way-from-server'],
]);

/** True when the mode builds on the previous session's state (two-way and the one-ways). */
export function needsAnchors(mode: SyncMode): boolean {
  return ANCHORED_FALLBACK.has(mode);
}

/** The outcome of the negotiation for one datastore. */
export interface ModeDecision {
  /** The mode the session runs. */
  mode: SyncMode;
  /** The Alert code the server sends for it (alertOfMode). */
  alert: number;
  /** Status for the client's Alert: 508 when the anchors forced a slow variant, else 200. */
  status: 200 | 508;
  /** A short human reason, for logs and the `alert` event. */
  reason: string;
}

/**
 * The decision table.
 * - `requested`: the client's Alert code (200..210);
 * - `override`: the mode of a `?sync=` option, if any (replaces the request first);
 * - `anchorsMatch`: a stored anchor exists and equals the client's Last;
 * - `hasServerState`: we have a device_store record for this device and datastore (when false,
 *   the anchors cannot match whatever `anchorsMatch` says).
 * @throws SyncmlError (SB_ERR_DS_ALERT_CODE, status 406) for a code that is not a sync type.
 */
export function decideMode(o: { requested: number; override?: SyncMode; anchorsMatch: boolean; hasServerState: boolean }): ModeDecision {
  const asked = o.override ?? modeOfAlert(o.requested);
  if (asked === undefined) {
    throw new SyncmlError(`Alert ${o.requested} is not a sync type`, 'SB_ERR_DS_ALERT_CODE', { syncmlStatus: 406 });
  }
  const via = o.override === undefined ? '' : ` (?sync= override of ${o.requested})`;
  const fallback = ANCHORED_FALLBACK.get(asked);
  if (fallback !== undefined && !(o.anchorsMatch && o.hasServerState)) {
    const why = o.hasServerState ? 'anchors do not match' : 'no sync state for this device and datastore';
    return { mode: fallback, alert: alertOfMode(fallback), status: 508, reason: `${why}: ${asked} falls back to ${fallback}${via}` };
  }
  const reason = fallback !== undefined ? `anchors match: ${asked}${via}` : `${asked} needs no anchors${via}`;
  return { mode: asked, alert: alertOfMode(asked), status: 200, reason };
}
