/**
 * The DS 1.0/1.1 ("legacy") Server Alerted Notification: an ordinary SyncML message sent with the
 * SyncML MIME type (protocol-notes 2.4; SYN san.cpp GetPackageLegacy):
 *
 *   SyncHdr: VerDTD 1.1 (or 1.0), VerProto, SessionID, MsgID 1, Target LocURI `/`,
 *            Source LocURI = server id
 *   SyncBody: Alert (CmdID 1, Data = sync code 206..210) with one Item per datastore
 *            (Source LocURI = server datastore URI, Meta Type = MIME type), Final
 *
 * When the datastores ask for different sync codes, one Alert per code is written (CmdID 1, 2, ...,
 * in order of first appearance); the usual SAN has one. The DS 1.2 binary SAN lives in src/obex/san.ts.
 * A legacy SAN has no UI mode or initiator field; those exist only in the binary form.
 */
import { SyncmlError } from '../errors.js';
import { VERSIONS } from './constants.js';
import type { Alert, Item, SyncMLMessage } from './model.js';

/** Error code for a legacy SAN field out of range while building. */
export const SAN_LEGACY_ERR_VALUE = 'SB_ERR_SYNCML_SAN_VALUE';

/** Sync codes a server may alert (206 two-way ... 210 refresh from server, "by server" forms). */
export const SAN_LEGACY_MIN_ALERT = 206;
export const SAN_LEGACY_MAX_ALERT = 210;

/** One datastore in a legacy SAN. */
export interface LegacySanSync {
  /** Alert code 206..210. */
  readonly alert: number;
  /** Server-side datastore URI (the client uses it as its Target). */
  readonly serverUri: string;
  /** MIME type of the datastore (e.g. `text/x-vcard`), written as Meta Type. */
  readonly contentType?: string;
}

/** A legacy SAN, as built or as recognised in a received message. */
export interface LegacySan {
  readonly version: '1.0' | '1.1';
  readonly sessionId: string;
  /** Server identifier, usually `PC Suite` (protocol-notes 2.3). */
  readonly serverId: string;
  /** At least one datastore. */
  readonly syncs: readonly LegacySanSync[];
}

/**
 * Build the legacy SAN message. Encode it with `encodeMessage(msg, 'wbxml' | 'xml')`.
 * @throws SyncmlError SB_ERR_SYNCML_SAN_VALUE when there are no syncs, an alert code is outside
 *   206..210, or a URI or the session id is empty
 */
export function legacySanMessage(san: LegacySan): SyncMLMessage {
  const fail = (what: string): never => {
    throw new SyncmlError(`legacy SAN: ${what}`, SAN_LEGACY_ERR_VALUE);
  };
  if (san.syncs.length === 0) fail('no datastores to alert');
  if (san.sessionId === '') fail('empty session id');
  const alerts: Alert[] = [];
  for (const s of san.syncs) {
    if (!Number.isInteger(s.alert) || s.alert < SAN_LEGACY_MIN_ALERT || s.alert > SAN_LEGACY_MAX_ALERT) {
      fail(`alert code ${s.alert} not in ${SAN_LEGACY_MIN_ALERT}..${SAN_LEGACY_MAX_ALERT}`);
    }
    if (s.serverUri === '') fail('empty datastore URI');
    const item: Item = { Source: { LocURI: s.serverUri } };
    if (s.contentType !== undefined) item.Meta = { Type: s.contentType };
    let alert = alerts.find((a) => a.Data === s.alert);
    if (alert === undefined) {
      alert = { cmd: 'Alert', CmdID: String(alerts.length + 1), Data: s.alert, Item: [] };
      alerts.push(alert);
    }
    alert.Item!.push(item);
  }
  return {
    SyncHdr: {
      VerDTD: san.version,
      VerProto: VERSIONS[san.version].VerProto,
      SessionID: san.sessionId,
      MsgID: '1',
      Target: { LocURI: '/' },
      Source: { LocURI: san.serverId },
    },
    SyncBody: { commands: alerts, Final: true },
  };
}

/**
 * Recognise a received message as a legacy SAN by its content (a 1.1 SAN looks like any pkg1 on
 * the wire, protocol-notes 2.4). A SAN: MsgID 1; the body holds only Alerts, each with a code
 * 206..210 and at least one Item; every Item has a Source LocURI, no Target and no Anchor (a
 * client's pkg1 Alert names both databases and carries anchors). Any VerDTD is accepted; the
 * result reports 1.0 for 1.0 and 1.1 otherwise.
 * @returns the SAN, or undefined when the message is not one
 */
export function legacySanFromMessage(msg: SyncMLMessage): LegacySan | undefined {
  if (msg.SyncHdr.MsgID !== '1') return undefined;
  const cmds = msg.SyncBody.commands;
  if (cmds.length === 0) return undefined;
  const syncs: LegacySanSync[] = [];
  for (const c of cmds) {
    if (c.cmd !== 'Alert') return undefined;
    const code = c.Data;
    if (code === undefined || code < SAN_LEGACY_MIN_ALERT || code > SAN_LEGACY_MAX_ALERT) return undefined;
    const items = c.Item ?? [];
    if (items.length === 0) return undefined;
    for (const it of items) {
      if (it.Source === undefined || it.Target !== undefined || it.Meta?.Anchor !== undefined) return undefined;
      const type = it.Meta?.Type;
      syncs.push(type === undefined ? { alert: code, serverUri: it.Source.LocURI } : { alert: code, serverUri: it.Source.LocURI, contentType: type });
    }
  }
  return {
    version: msg.SyncHdr.VerDTD === '1.0' ? '1.0' : '1.1',
    sessionId: msg.SyncHdr.SessionID,
    serverId: msg.SyncHdr.Source.LocURI,
    syncs,
  };
}
