/**
 * Small constructors for building messages in code. They return drafts (no CmdID) for
 * MessageBuilder.add, or plain model parts (Item, Meta). Every field of the model stays
 * reachable through the `extra` arguments.
 */
import { SYNC_HDR_CMD, VERSIONS, type SyncmlVersion } from './constants.js';
import type { Draft } from './builder.js';
import type {
  Add, Alert, Anchor, Command, Delete, Get, Item, ItemData, MapCommand, Meta, Put, Replace, Results, Source, Status,
  Sync, SyncHdr, SyncSubCommand, Target,
} from './model.js';

/** Options of item(). */
export interface ItemOptions {
  readonly target?: string;
  readonly source?: string;
  readonly meta?: Meta;
  readonly data?: ItemData;
  readonly moreData?: boolean;
  readonly sourceParent?: string;
  readonly targetParent?: string;
}

/** An Item from LocURIs, Meta and Data. */
export function item(o: ItemOptions): Item {
  const it: Item = {};
  if (o.target !== undefined) it.Target = { LocURI: o.target };
  if (o.source !== undefined) it.Source = { LocURI: o.source };
  if (o.sourceParent !== undefined) it.SourceParent = { LocURI: o.sourceParent };
  if (o.targetParent !== undefined) it.TargetParent = { LocURI: o.targetParent };
  if (o.meta !== undefined) it.Meta = o.meta;
  if (o.data !== undefined) it.Data = o.data;
  if (o.moreData === true) it.MoreData = true;
  return it;
}

/** A Meta; identity helper that keeps literal typing tidy. */
export function meta(m: Meta): Meta {
  return m;
}

/** Meta with an Anchor (Last omitted when undefined, e.g. on a first sync). */
export function anchorMeta(next: string, last?: string, extra: Meta = {}): Meta {
  const a: Anchor = last === undefined ? { Next: next } : { Last: last, Next: next };
  return { ...extra, Anchor: a };
}

/** A SyncHdr for `version` (VerProto derived). */
export function syncHdr(version: SyncmlVersion, sessionId: string, msgId: string, target: Target | string, source: Source | string, extra: Partial<Omit<SyncHdr, 'VerDTD' | 'VerProto' | 'SessionID' | 'MsgID' | 'Target' | 'Source'>> = {}): SyncHdr {
  return {
    VerDTD: version, VerProto: VERSIONS[version].VerProto, SessionID: sessionId, MsgID: msgId,
    Target: typeof target === 'string' ? { LocURI: target } : target,
    Source: typeof source === 'string' ? { LocURI: source } : source,
    ...extra,
  } as SyncHdr;
}

/** A Status answering command `CmdRef` (name `Cmd`) of message `MsgRef`. */
export function status(MsgRef: string, CmdRef: string, Cmd: string, code: number, extra: Partial<Omit<Status, 'cmd' | 'CmdID' | 'MsgRef' | 'CmdRef' | 'Cmd' | 'Data'>> = {}): Draft<Status> {
  return { cmd: 'Status', MsgRef, CmdRef, Cmd, Data: code, ...extra } as Draft<Status>;
}

/**
 * Add the Status of one item of a command to the drafts of a reply. `perItem` false (device
 * profile `perItemStatus`: UIQ phones break on many Statuses, HRD Device/P800.php, protocol-notes
 * 5): when the Status before it answers the same command with the same code, its item
 * references join that Status instead (SyncML RepPro: a Status carries any number of
 * TargetRef/SourceRef), so an Add of 50 items that all went in is answered by one Status with 50
 * SourceRefs; an item with another code gets its own Status. The session handles the items of a
 * command one after another, so the Status before is the only one to look at.
 */
export function addItemStatus(out: Array<Draft<Command>>, st: Draft<Status>, perItem: boolean): void {
  const last = out.at(-1);
  if (!perItem && last !== undefined && last.cmd === 'Status') {
    const prev = last as Draft<Status>;
    if (prev.MsgRef === st.MsgRef && prev.CmdRef === st.CmdRef && prev.Cmd === st.Cmd && prev.Data === st.Data) {
      if (st.TargetRef !== undefined) prev.TargetRef = [...(prev.TargetRef ?? []), ...st.TargetRef];
      if (st.SourceRef !== undefined) prev.SourceRef = [...(prev.SourceRef ?? []), ...st.SourceRef];
      return;
    }
  }
  out.push(st);
}

/** The Status for a received SyncHdr (CmdRef 0; TargetRef/SourceRef from the header). */
export function headerStatus(hdr: SyncHdr, code: number, extra: Partial<Omit<Status, 'cmd' | 'CmdID' | 'MsgRef' | 'CmdRef' | 'Cmd' | 'Data'>> = {}): Draft<Status> {
  return status(hdr.MsgID, '0', SYNC_HDR_CMD, code, { TargetRef: [hdr.Target.LocURI], SourceRef: [hdr.Source.LocURI], ...extra });
}

/**
 * The Status for a received command: CmdRef/Cmd from it; TargetRef/SourceRef from its single
 * Item when it has exactly one (DS Protocol: item-level references for one-item commands).
 */
export function statusFor(msgRef: string, c: Command, code: number, extra: Partial<Omit<Status, 'cmd' | 'CmdID' | 'MsgRef' | 'CmdRef' | 'Cmd' | 'Data'>> = {}): Draft<Status> {
  const refs: { TargetRef?: string[]; SourceRef?: string[] } = {};
  const one = 'Item' in c && Array.isArray(c.Item) && c.Item.length === 1 ? c.Item[0] : undefined;
  if (c.cmd === 'Sync' || c.cmd === 'Map') {
    if (c.Target !== undefined) refs.TargetRef = [c.Target.LocURI];
    if (c.Source !== undefined) refs.SourceRef = [c.Source.LocURI];
  } else if (one !== undefined) {
    if (one.Target !== undefined) refs.TargetRef = [one.Target.LocURI];
    if (one.Source !== undefined) refs.SourceRef = [one.Source.LocURI];
  }
  return status(msgRef, c.CmdID, c.cmd, code, { ...refs, ...extra });
}

/** An Alert with a code and items. */
export function alert(code: number, items: Item[] = [], extra: Partial<Omit<Alert, 'cmd' | 'CmdID' | 'Data' | 'Item'>> = {}): Draft<Alert> {
  const a = { cmd: 'Alert', Data: code, ...extra } as Draft<Alert>;
  if (items.length > 0) a.Item = items;
  return a;
}

/** A Sync for target/source LocURIs with nested commands. */
export function sync(target: string, source: string, commands: Array<Draft<SyncSubCommand>> = [], extra: Partial<Omit<Sync, 'cmd' | 'CmdID' | 'Target' | 'Source' | 'commands'>> = {}): Draft<Sync> {
  return { cmd: 'Sync', Target: { LocURI: target }, Source: { LocURI: source }, ...extra, commands } as Draft<Sync>;
}

type ItemCmdExtra<C> = Partial<Omit<C, 'cmd' | 'CmdID' | 'Item'>>;

/** An Add of items. */
export function add(items: Item[], extra: ItemCmdExtra<Add> = {}): Draft<Add> {
  return { cmd: 'Add', ...extra, Item: items } as Draft<Add>;
}

/** A Replace of items. */
export function replace(items: Item[], extra: ItemCmdExtra<Replace> = {}): Draft<Replace> {
  return { cmd: 'Replace', ...extra, Item: items } as Draft<Replace>;
}

/** A Delete of items. */
export function del(items: Item[], extra: ItemCmdExtra<Delete> = {}): Draft<Delete> {
  return { cmd: 'Delete', ...extra, Item: items } as Draft<Delete>;
}

/** A Put of items. */
export function put(items: Item[], extra: ItemCmdExtra<Put> = {}): Draft<Put> {
  return { cmd: 'Put', ...extra, Item: items } as Draft<Put>;
}

/** A Get of items. */
export function get(items: Item[], extra: ItemCmdExtra<Get> = {}): Draft<Get> {
  return { cmd: 'Get', ...extra, Item: items } as Draft<Get>;
}

/** Results answering command `CmdRef` of message `MsgRef`. */
export function results(MsgRef: string, CmdRef: string, items: Item[], extra: Partial<Omit<Results, 'cmd' | 'CmdID' | 'MsgRef' | 'CmdRef' | 'Item'>> = {}): Draft<Results> {
  return { cmd: 'Results', MsgRef, CmdRef, ...extra, Item: items } as Draft<Results>;
}

/** A Map of (target = server GUID, source = client LUID) pairs. */
export function mapCmd(target: string, source: string, pairs: ReadonlyArray<readonly [guid: string, luid: string]>, extra: Partial<Omit<MapCommand, 'cmd' | 'CmdID' | 'Target' | 'Source' | 'MapItem'>> = {}): Draft<MapCommand> {
  return {
    cmd: 'Map', Target: { LocURI: target }, Source: { LocURI: source }, ...extra,
    MapItem: pairs.map(([g, l]) => ({ Target: { LocURI: g }, Source: { LocURI: l } })),
  } as Draft<MapCommand>;
}
