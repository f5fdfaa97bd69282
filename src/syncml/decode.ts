/**
 * Tree -> typed SyncML message (SyncML RepPro 1.0/1.1/1.2). Validation failures throw
 * SyncmlModelError (a SyncmlError) carrying the status to answer with: 505 unsupported VerDTD,
 * 513 unsupported VerProto, 412 missing required element, 400 unknown or misplaced element or
 * bad number, 406 a command of a later version.
 *
 * Liberal where real peers deviate: SourceParent/TargetParent in 1.1 (Nokia), empty Target
 * LocURI (Sony Ericsson C510), unknown MetInf children, a 1.0 Status without CmdID, a Status
 * with Chal but no Data (taken as 401).
 */
import { childElements, type XDocument, type XElement } from '../util/tree.js';
import { COMMAND_NAMES, isSyncmlVersion, VERSION_OF_VERPROTO } from './constants.js';
import {
  decodeChal, decodeCred, decodeItem, decodeMeta, decodeSource, decodeTarget, fail, kids, leaf, num, opt, rawText, req,
  type DecodeCtx,
} from './decode-parts.js';
import type {
  Alert, Atomic, AtomicSubCommand, Command, Delete, Exec, Get, Item, MapCommand, MapItem, Put, Results, Search,
  Sequence, SequenceSubCommand, Status, Sync, SyncBody, SyncHdr, SyncMLMessage, SyncSubCommand,
} from './model.js';

const set = (...names: string[]): ReadonlySet<string> => new Set(names);
const NONE = set();

const HDR_KIDS = set('VerDTD', 'VerProto', 'SessionID', 'MsgID', 'Target', 'Source', 'RespURI', 'NoResp', 'Cred', 'Meta');

/** Decode a whole SyncML document tree into a message. */
export function messageFromTree(doc: XDocument): SyncMLMessage {
  const root = doc.root;
  if (root.name !== 'SyncML') fail('NOT_SYNCML', `root element is <${root.name}>, not <SyncML>`, undefined, root.name);
  const k = kids(root, set('SyncHdr', 'SyncBody'), NONE, undefined);
  const hdr = syncHdrFromTree(req(k, 'SyncHdr', 'SyncML', undefined));
  const body = syncBodyFromTree(req(k, 'SyncBody', 'SyncML', undefined), { version: hdr.VerDTD });
  return { SyncHdr: hdr, SyncBody: body };
}

/** Decode `SyncHdr`; checks VerDTD (505) and VerProto (513). */
export function syncHdrFromTree(e: XElement): SyncHdr {
  const pre = { version: '1.2' as const, cmd: 'SyncHdr', cmdId: '0' };
  const k = kids(e, HDR_KIDS, NONE, pre);
  const verDtd = leaf(req(k, 'VerDTD', 'SyncHdr', pre));
  if (!isSyncmlVersion(verDtd)) fail('UNSUPPORTED_VERDTD', `unsupported VerDTD ${JSON.stringify(verDtd)}`, pre, 'VerDTD');
  const ctx: DecodeCtx = { version: verDtd, cmd: 'SyncHdr', cmdId: '0' };
  const verProto = leaf(req(k, 'VerProto', 'SyncHdr', ctx));
  if (!VERSION_OF_VERPROTO.has(verProto)) fail('UNSUPPORTED_VERPROTO', `unsupported VerProto ${JSON.stringify(verProto)}`, ctx, 'VerProto');
  const h: SyncHdr = {
    VerDTD: verDtd,
    VerProto: verProto,
    SessionID: leaf(req(k, 'SessionID', 'SyncHdr', ctx)),
    MsgID: leaf(req(k, 'MsgID', 'SyncHdr', ctx)),
    Target: decodeTarget(req(k, 'Target', 'SyncHdr', ctx), ctx),
    Source: decodeSource(req(k, 'Source', 'SyncHdr', ctx), ctx),
  };
  const resp = opt(k, 'RespURI');
  if (resp !== undefined) h.RespURI = leaf(resp);
  if (k.has('NoResp')) h.NoResp = true;
  const cred = opt(k, 'Cred');
  if (cred !== undefined) h.Cred = decodeCred(cred, ctx);
  const meta = opt(k, 'Meta');
  if (meta !== undefined) h.Meta = decodeMeta(meta, ctx);
  return h;
}

/** Decode `SyncBody`: any command, then optional Final. */
export function syncBodyFromTree(e: XElement, ctx: DecodeCtx): SyncBody {
  const commands: Command[] = [];
  let final = false;
  for (const c of childElements(e)) {
    if (c.name === 'Final') final = true;
    else commands.push(commandFromTree(c, ctx));
  }
  return final ? { commands, Final: true } : { commands };
}

const SYNC_SUB = set('Add', 'Atomic', 'Copy', 'Delete', 'Move', 'Replace', 'Sequence');
const ATOMIC_SUB = set('Add', 'Alert', 'Atomic', 'Copy', 'Delete', 'Exec', 'Get', 'Map', 'Move', 'Replace', 'Sequence', 'Sync');
const SEQUENCE_SUB = set('Add', 'Alert', 'Atomic', 'Copy', 'Delete', 'Exec', 'Get', 'Map', 'Move', 'Replace', 'Sync');

function nested<T extends Command>(e: XElement, allowed: ReadonlySet<string>, skip: ReadonlySet<string>, ctx: DecodeCtx): T[] {
  const out: T[] = [];
  for (const c of childElements(e)) {
    if (skip.has(c.name)) continue;
    if (!COMMAND_NAMES.has(c.name)) fail('UNKNOWN_COMMAND', `<${c.name}> is not a command`, ctx, c.name);
    if (!allowed.has(c.name)) fail('COMMAND_NOT_ALLOWED_HERE', `<${c.name}> is not allowed in <${e.name}>`, ctx, c.name);
    out.push(commandFromTree(c, ctx) as T);
  }
  return out;
}

/** Decode one command element (any of the 16 commands of the representation protocol). */
export function commandFromTree(e: XElement, outer: DecodeCtx): Command {
  if (!COMMAND_NAMES.has(e.name)) fail('UNKNOWN_COMMAND', `<${e.name}> is not a command`, outer, e.name);
  const idEl = childElements(e).find((c) => c.name === 'CmdID');
  const ctx: DecodeCtx = idEl === undefined ? { version: outer.version, cmd: e.name } : { version: outer.version, cmd: e.name, cmdId: leaf(idEl) };
  const cmdId = (): string => {
    if (idEl === undefined) fail('MISSING_ELEMENT', `<${e.name}> without <CmdID>`, ctx, 'CmdID');
    return leaf(idEl);
  };
  switch (e.name) {
    case 'Add': case 'Copy': case 'Replace': case 'Move': {
      if (e.name === 'Move' && ctx.version !== '1.2') fail('UNSUPPORTED_FEATURE', `<Move> needs SyncML 1.2, message is ${ctx.version}`, ctx, 'Move');
      const k = kids(e, set('CmdID', 'NoResp', 'Cred', 'Meta', 'Item'), set('Item'), ctx);
      const c = { cmd: e.name, CmdID: cmdId(), ...flags(k, ctx), Item: items(k, e.name, ctx, true) };
      return c as Command;
    }
    case 'Delete': {
      const k = kids(e, set('CmdID', 'NoResp', 'Archive', 'SftDel', 'Cred', 'Meta', 'Item'), set('Item'), ctx);
      const c = { cmd: 'Delete', CmdID: cmdId() } as Delete;
      if (k.has('NoResp')) c.NoResp = true;
      if (k.has('Archive')) c.Archive = true;
      if (k.has('SftDel')) c.SftDel = true;
      credMeta(c, k, ctx);
      c.Item = items(k, 'Delete', ctx, true);
      return c;
    }
    case 'Alert': {
      const k = kids(e, set('CmdID', 'NoResp', 'Cred', 'Data', 'Correlator', 'Item'), set('Item'), ctx);
      const c: Alert = { cmd: 'Alert', CmdID: cmdId() };
      if (k.has('NoResp')) c.NoResp = true;
      const cred = opt(k, 'Cred');
      if (cred !== undefined) c.Cred = decodeCred(cred, ctx);
      const d = opt(k, 'Data');
      if (d !== undefined) c.Data = num(d, ctx);
      const cor = opt(k, 'Correlator');
      if (cor !== undefined) c.Correlator = leaf(cor);
      const it = items(k, 'Alert', ctx, false);
      if (it.length > 0) c.Item = it;
      return c;
    }
    case 'Atomic': case 'Sequence': {
      const k = kids(e, new Set(['CmdID', 'NoResp', 'Meta', ...COMMAND_NAMES]), COMMAND_NAMES, ctx);
      const c = { cmd: e.name, CmdID: cmdId() } as Atomic | Sequence;
      if (k.has('NoResp')) c.NoResp = true;
      const meta = opt(k, 'Meta');
      if (meta !== undefined) c.Meta = decodeMeta(meta, ctx);
      const skip = set('CmdID', 'NoResp', 'Meta');
      if (c.cmd === 'Atomic') c.commands = nested<AtomicSubCommand>(e, ATOMIC_SUB, skip, ctx);
      else c.commands = nested<SequenceSubCommand>(e, SEQUENCE_SUB, skip, ctx);
      return c;
    }
    case 'Exec': {
      const k = kids(e, set('CmdID', 'NoResp', 'Cred', 'Meta', 'Correlator', 'Item'), NONE, ctx);
      const c = { cmd: 'Exec', CmdID: cmdId() } as Exec;
      if (k.has('NoResp')) c.NoResp = true;
      credMeta(c, k, ctx);
      const cor = opt(k, 'Correlator');
      if (cor !== undefined) c.Correlator = leaf(cor);
      c.Item = decodeItem(req(k, 'Item', 'Exec', ctx), ctx);
      return c;
    }
    case 'Get': case 'Put': {
      const k = kids(e, set('CmdID', 'NoResp', 'Lang', 'Cred', 'Meta', 'Item'), set('Item'), ctx);
      const c = { cmd: e.name, CmdID: cmdId() } as Get | Put;
      if (k.has('NoResp')) c.NoResp = true;
      const lang = opt(k, 'Lang');
      if (lang !== undefined) c.Lang = leaf(lang);
      credMeta(c, k, ctx);
      c.Item = items(k, e.name, ctx, true);
      return c;
    }
    case 'Map': {
      const k = kids(e, set('CmdID', 'Target', 'Source', 'Cred', 'Meta', 'MapItem'), set('MapItem'), ctx);
      const c = {
        cmd: 'Map', CmdID: cmdId(),
        Target: decodeTarget(req(k, 'Target', 'Map', ctx), ctx),
        Source: decodeSource(req(k, 'Source', 'Map', ctx), ctx),
      } as MapCommand;
      credMeta(c, k, ctx);
      const mi = k.get('MapItem');
      if (mi === undefined) fail('MISSING_ELEMENT', '<Map> without <MapItem>', ctx, 'MapItem');
      c.MapItem = mi.map((m): MapItem => {
        const mk = kids(m, set('Target', 'Source'), NONE, ctx);
        return { Target: decodeTarget(req(mk, 'Target', 'MapItem', ctx), ctx), Source: decodeSource(req(mk, 'Source', 'MapItem', ctx), ctx) };
      });
      return c;
    }
    case 'Results': {
      const k = kids(e, set('CmdID', 'MsgRef', 'CmdRef', 'Meta', 'TargetRef', 'SourceRef', 'Item'), set('TargetRef', 'SourceRef', 'Item'), ctx);
      const c = { cmd: 'Results', CmdID: cmdId() } as Results;
      const mr = opt(k, 'MsgRef');
      if (mr !== undefined) c.MsgRef = leaf(mr);
      c.CmdRef = leaf(req(k, 'CmdRef', 'Results', ctx));
      const meta = opt(k, 'Meta');
      if (meta !== undefined) c.Meta = decodeMeta(meta, ctx);
      refs(c, k);
      c.Item = items(k, 'Results', ctx, true);
      return c;
    }
    case 'Search': {
      const k = kids(e, set('CmdID', 'NoResp', 'NoResults', 'Cred', 'Target', 'Source', 'Lang', 'Meta', 'Data'), set('Source'), ctx);
      const c = { cmd: 'Search', CmdID: cmdId() } as Search;
      if (k.has('NoResp')) c.NoResp = true;
      if (k.has('NoResults')) c.NoResults = true;
      const cred = opt(k, 'Cred');
      if (cred !== undefined) c.Cred = decodeCred(cred, ctx);
      const t = opt(k, 'Target');
      if (t !== undefined) c.Target = decodeTarget(t, ctx);
      const src = k.get('Source');
      if (src === undefined) fail('MISSING_ELEMENT', '<Search> without <Source>', ctx, 'Source');
      c.Source = src.map((s) => decodeSource(s, ctx));
      const lang = opt(k, 'Lang');
      if (lang !== undefined) c.Lang = leaf(lang);
      c.Meta = decodeMeta(req(k, 'Meta', 'Search', ctx), ctx);
      const d = req(k, 'Data', 'Search', ctx);
      c.Data = rawText(d);
      return c;
    }
    case 'Status':
      return statusFromTree(e, ctx, idEl);
    case 'Sync': {
      const k = kids(e, new Set(['CmdID', 'NoResp', 'Cred', 'Target', 'Source', 'Meta', 'NumberOfChanges', ...COMMAND_NAMES]), COMMAND_NAMES, ctx);
      const c = { cmd: 'Sync', CmdID: cmdId() } as Sync;
      if (k.has('NoResp')) c.NoResp = true;
      const cred = opt(k, 'Cred');
      if (cred !== undefined) c.Cred = decodeCred(cred, ctx);
      const t = opt(k, 'Target');
      if (t !== undefined) c.Target = decodeTarget(t, ctx);
      const s = opt(k, 'Source');
      if (s !== undefined) c.Source = decodeSource(s, ctx);
      const meta = opt(k, 'Meta');
      if (meta !== undefined) c.Meta = decodeMeta(meta, ctx);
      const noc = opt(k, 'NumberOfChanges');
      if (noc !== undefined) c.NumberOfChanges = num(noc, ctx);
      c.commands = nested<SyncSubCommand>(e, SYNC_SUB, set('CmdID', 'NoResp', 'Cred', 'Target', 'Source', 'Meta', 'NumberOfChanges'), ctx);
      return c;
    }
    default:
      return fail('UNKNOWN_COMMAND', `<${e.name}> is not a command`, ctx, e.name);
  }
}

function statusFromTree(e: XElement, ctx: DecodeCtx, idEl: XElement | undefined): Status {
  const k = kids(e, set('CmdID', 'MsgRef', 'CmdRef', 'Cmd', 'TargetRef', 'SourceRef', 'Cred', 'Chal', 'Data', 'Item'), set('TargetRef', 'SourceRef', 'Item'), ctx);
  // SyncML 1.0 Status had no CmdID (added in 1.0.1).
  if (idEl === undefined && ctx.version !== '1.0') fail('MISSING_ELEMENT', '<Status> without <CmdID>', ctx, 'CmdID');
  const c = {
    cmd: 'Status',
    CmdID: idEl === undefined ? '' : leaf(idEl),
    MsgRef: leaf(req(k, 'MsgRef', 'Status', ctx)),
    CmdRef: leaf(req(k, 'CmdRef', 'Status', ctx)),
    Cmd: leaf(req(k, 'Cmd', 'Status', ctx)),
  } as Status;
  refs(c, k);
  const cred = opt(k, 'Cred');
  if (cred !== undefined) c.Cred = decodeCred(cred, ctx);
  const chal = opt(k, 'Chal');
  if (chal !== undefined) c.Chal = decodeChal(chal, ctx);
  const d = opt(k, 'Data');
  if (d !== undefined) c.Data = num(d, ctx);
  else if (c.Chal !== undefined) c.Data = 401;
  else fail('MISSING_ELEMENT', '<Status> without <Data>', ctx, 'Data');
  const it = items(k, 'Status', ctx, false);
  if (it.length > 0) c.Item = it;
  return c;
}

function flags(k: Map<string, XElement[]>, ctx: DecodeCtx): { NoResp?: true; Cred?: ReturnType<typeof decodeCred>; Meta?: ReturnType<typeof decodeMeta> } {
  const o: { NoResp?: true; Cred?: ReturnType<typeof decodeCred>; Meta?: ReturnType<typeof decodeMeta> } = {};
  if (k.has('NoResp')) o.NoResp = true;
  credMeta(o, k, ctx);
  return o;
}

function credMeta(o: { Cred?: ReturnType<typeof decodeCred>; Meta?: ReturnType<typeof decodeMeta> }, k: Map<string, XElement[]>, ctx: DecodeCtx): void {
  const cred = opt(k, 'Cred');
  if (cred !== undefined) o.Cred = decodeCred(cred, ctx);
  const meta = opt(k, 'Meta');
  if (meta !== undefined) o.Meta = decodeMeta(meta, ctx);
}

function refs(o: { TargetRef?: string[]; SourceRef?: string[] }, k: Map<string, XElement[]>): void {
  const t = k.get('TargetRef');
  if (t !== undefined) o.TargetRef = t.map(leaf);
  const s = k.get('SourceRef');
  if (s !== undefined) o.SourceRef = s.map(leaf);
}

function items(k: Map<string, XElement[]>, parent: string, ctx: DecodeCtx, required: boolean): Item[] {
  const list = k.get('Item');
  if (list === undefined) {
    if (required) fail('MISSING_ELEMENT', `<${parent}> without <Item>`, ctx, 'Item');
    return [];
  }
  return list.map((i) => decodeItem(i, ctx));
}
