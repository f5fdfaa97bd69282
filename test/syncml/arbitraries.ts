/**
 * fast-check arbitraries for valid SyncML models, per version (1.0/1.1/1.2) and per target
 * encoding (raw bytes in Data only where WBXML can carry them). Elements a version's WBXML
 * tables lack are not generated for that version.
 */
import fc from 'fast-check';
import type {
  Anchor, Atomic, AtomicSubCommand, Command, Cred, Filter, Item, ItemData, Meta, Sequence, SequenceSubCommand,
  Source, Status, Sync, SyncHdr, SyncMLMessage, SyncSubCommand, Target,
} from '../../src/syncml/model.js';
import { CONTENT_TYPE, VERSIONS, type SyncmlVersion } from '../../src/syncml/constants.js';
import type { DevInf } from '../../src/syncml/devinf.js';

/** Generation options. */
export interface ArbOptions {
  readonly version: SyncmlVersion;
  /** Allow non-UTF-8 byte data (only WBXML can carry it). */
  readonly binary: boolean;
  /** Generator of embedded DevInf for Put/Results items (none when omitted). */
  readonly devinf?: (version: SyncmlVersion) => fc.Arbitrary<DevInf>;
}

const LEAF_CHARS = [...'abcXYZ0189./:-_?=&<>\'"é民 '];
/** A trimmed leaf value (leaves are whitespace-trimmed by the decoder). */
export const arbLeaf = fc.array(fc.constantFrom(...LEAF_CHARS), { maxLength: 12 }).map((a) => a.join('').trim());
/** A non-empty trimmed leaf. */
const arbName = arbLeaf.filter((s) => s.length > 0);
const DATA_CHARS = [...'abc XYZ019:;=\r\n\t<>&]]>é€民😀'];
/** Item data text: never trimmed, may hold markup characters and CRLF. */
export const arbDataText = fc.array(fc.constantFrom(...DATA_CHARS), { maxLength: 40 }).map((a) => a.join(''));
const arbId = fc.integer({ min: 0, max: 99999 }).map(String);
const arbNum = fc.integer({ min: 0, max: 2 ** 31 - 1 });
/** Bytes that are not valid UTF-8 (so they decode back as bytes). */
const arbBinary = fc.uint8Array({ minLength: 0, maxLength: 24 }).map((b) => Uint8Array.from([0xff, ...b]));

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined, freq: 2 });
/** Build an object dropping undefined values (exactOptionalPropertyTypes). */
function compact<T extends object>(o: { [K in keyof T]: T[K] | undefined }): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out as T;
}

export function arbAnchor(): fc.Arbitrary<Anchor> {
  return fc.record({ Last: opt(arbLeaf), Next: arbLeaf }).map((a) => compact<Anchor>(a));
}

export function arbMeta(o: ArbOptions): fc.Arbitrary<Meta> {
  const v11 = o.version !== '1.0';
  const v12 = o.version === '1.2';
  return fc.record({
    Format: opt(arbLeaf), Type: opt(fc.oneof(arbLeaf, fc.constantFrom(CONTENT_TYPE.DEVINF_XML, CONTENT_TYPE.DEVINF_WBXML, 'text/x-vcard'))), Mark: opt(arbLeaf), Size: opt(arbNum), Anchor: opt(arbAnchor()),
    Version: opt(arbLeaf), NextNonce: opt(arbLeaf), MaxMsgSize: opt(arbNum),
    MaxObjSize: v11 ? opt(arbNum) : fc.constant(undefined),
    EMI: opt(fc.array(arbLeaf, { minLength: 1, maxLength: 2 })),
    Mem: opt(fc.record({ SharedMem: opt(fc.constant(true as const)), FreeMem: arbNum, FreeID: arbNum }).map((m) => compact<NonNullable<Meta['Mem']>>(m))),
    FieldLevel: v12 ? opt(fc.constant(true as const)) : fc.constant(undefined),
  }).map((m) => compact<Meta>(m));
}

function arbCred(o: ArbOptions): fc.Arbitrary<Cred> {
  const data = o.binary ? fc.oneof(arbLeaf, arbBinary) : arbLeaf;
  return fc.record({ Meta: opt(arbMeta(o)), Data: data }).map((c) => compact<Cred>(c));
}

function arbSource(): fc.Arbitrary<Source> {
  return fc.record({ LocURI: arbLeaf, LocName: opt(arbLeaf) }).map((s) => compact<Source>(s));
}

function arbTarget(o: ArbOptions, depth = 0): fc.Arbitrary<Target> {
  const filter = o.version === '1.2' && depth === 0 ? opt(arbFilter(o)) : fc.constant(undefined);
  return fc.record({ LocURI: arbLeaf, LocName: opt(arbLeaf), Filter: filter }).map((t) => compact<Target>(t));
}

function arbFilter(o: ArbOptions): fc.Arbitrary<Filter> {
  return fc.record({
    Meta: arbMeta(o), Field: opt(arbItem(o, false, 1)), Record: opt(arbItem(o, false, 1)), FilterType: opt(arbLeaf),
  }).map((f) => compact<Filter>(f));
}

function arbData(o: ArbOptions, devinf: boolean): fc.Arbitrary<ItemData> {
  const choices: Array<fc.Arbitrary<ItemData>> = [arbDataText, arbAnchor().map((a) => ({ Anchor: a }))];
  if (o.binary) choices.push(arbBinary);
  if (devinf && o.devinf !== undefined) choices.push(o.devinf(o.version));
  return fc.oneof(...choices);
}

export function arbItem(o: ArbOptions, devinf = false, depth = 0): fc.Arbitrary<Item> {
  const v11 = o.version !== '1.0';
  const v12 = o.version === '1.2';
  return fc.record({
    Target: opt(arbTarget(o, depth)), Source: opt(arbSource()),
    SourceParent: v11 ? opt(arbLeaf.map((LocURI) => ({ LocURI }))) : fc.constant(undefined),
    TargetParent: v12 ? opt(arbLeaf.map((LocURI) => ({ LocURI }))) : fc.constant(undefined),
    Meta: opt(arbMeta(o)), Data: opt(arbData(o, devinf)),
    MoreData: v11 ? opt(fc.constant(true as const)) : fc.constant(undefined),
  }).map((i) => compact<Item>(i));
}

const items = (o: ArbOptions, min: number, devinf = false): fc.Arbitrary<Item[]> => fc.array(arbItem(o, devinf), { minLength: min, maxLength: 3 });
const optItems = (o: ArbOptions): fc.Arbitrary<Item[] | undefined> => items(o, 1).chain((a) => fc.constantFrom(a, undefined));
const flag = opt(fc.constant(true as const));
const refs = opt(fc.array(arbLeaf, { minLength: 1, maxLength: 2 }));

function leafCommands(o: ArbOptions): Record<string, fc.Arbitrary<Command>> {
  const v12 = o.version === '1.2';
  const itemCmd = (cmd: 'Add' | 'Copy' | 'Replace' | 'Move'): fc.Arbitrary<Command> =>
    fc.record({ cmd: fc.constant(cmd), CmdID: arbId, NoResp: flag, Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), Item: items(o, 1) }).map((c) => compact<Command>(c));
  const out: Record<string, fc.Arbitrary<Command>> = {
    Add: itemCmd('Add'), Copy: itemCmd('Copy'), Replace: itemCmd('Replace'),
    Delete: fc.record({ cmd: fc.constant('Delete' as const), CmdID: arbId, NoResp: flag, Archive: flag, SftDel: flag, Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), Item: items(o, 1) }).map((c) => compact<Command>(c)),
    Alert: fc.record({ cmd: fc.constant('Alert' as const), CmdID: arbId, NoResp: flag, Cred: opt(arbCred(o)), Data: opt(arbNum), Correlator: v12 ? opt(arbLeaf) : fc.constant(undefined), Item: optItems(o) }).map((c) => compact<Command>(c)),
    Exec: fc.record({ cmd: fc.constant('Exec' as const), CmdID: arbId, NoResp: flag, Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), Correlator: v12 ? opt(arbLeaf) : fc.constant(undefined), Item: arbItem(o) }).map((c) => compact<Command>(c)),
    Get: fc.record({ cmd: fc.constant('Get' as const), CmdID: arbId, NoResp: flag, Lang: opt(arbLeaf), Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), Item: items(o, 1) }).map((c) => compact<Command>(c)),
    Put: fc.record({ cmd: fc.constant('Put' as const), CmdID: arbId, NoResp: flag, Lang: opt(arbLeaf), Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), Item: items(o, 1, true) }).map((c) => compact<Command>(c)),
    Map: fc.record({ cmd: fc.constant('Map' as const), CmdID: arbId, Target: arbTarget(o, 1), Source: arbSource(), Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)), MapItem: fc.array(fc.record({ Target: arbTarget(o, 1), Source: arbSource() }).map((m) => ({ ...m })), { minLength: 1, maxLength: 3 }) }).map((c) => compact<Command>(c)),
    Results: fc.record({ cmd: fc.constant('Results' as const), CmdID: arbId, MsgRef: opt(arbId), CmdRef: arbId, Meta: opt(arbMeta(o)), TargetRef: refs, SourceRef: refs, Item: items(o, 1, true) }).map((c) => compact<Command>(c)),
    Search: fc.record({ cmd: fc.constant('Search' as const), CmdID: arbId, NoResp: flag, NoResults: flag, Cred: opt(arbCred(o)), Target: opt(arbTarget(o)), Source: fc.array(arbSource(), { minLength: 1, maxLength: 2 }), Lang: opt(arbLeaf), Meta: arbMeta(o), Data: arbDataText }).map((c) => compact<Command>(c)),
    Status: arbStatus(o),
  };
  if (v12) out.Move = itemCmd('Move');
  return out;
}

export function arbStatus(o: ArbOptions): fc.Arbitrary<Status> {
  return fc.record({
    cmd: fc.constant('Status' as const), CmdID: arbId, MsgRef: arbId, CmdRef: arbId, Cmd: arbName, TargetRef: refs, SourceRef: refs,
    Cred: opt(arbCred(o)), Chal: opt(arbMeta(o).map((Meta) => ({ Meta }))), Data: fc.integer({ min: 100, max: 599 }), Item: optItems(o),
  }).map((c) => compact<Status>(c));
}

/** Any command valid at SyncBody level for the version, nesting up to `depth` containers. */
export function arbCommand(o: ArbOptions, depth = 2): fc.Arbitrary<Command> {
  const leaf = leafCommands(o);
  const pick = (names: string[]): fc.Arbitrary<Command> => fc.oneof(...names.filter((n) => leaf[n] !== undefined).map((n) => leaf[n]!));
  const syncSub = ['Add', 'Copy', 'Delete', 'Move', 'Replace'];
  const atomicSub = ['Add', 'Alert', 'Copy', 'Delete', 'Exec', 'Get', 'Map', 'Move', 'Replace'];
  const container = (d: number): fc.Arbitrary<Command> => {
    const sub = (names: string[], extra: Array<fc.Arbitrary<Command>>): fc.Arbitrary<Command[]> =>
      fc.array(d <= 0 ? pick(names) : fc.oneof(pick(names), ...extra), { maxLength: 3 });
    const inner = d <= 0 ? [] : [container(d - 1)];
    const syncArb = fc.record({
      cmd: fc.constant('Sync' as const), CmdID: arbId, NoResp: flag, Cred: opt(arbCred(o)), Target: opt(arbTarget(o)), Source: opt(arbSource()),
      Meta: opt(arbMeta(o)), NumberOfChanges: o.version === '1.0' ? fc.constant(undefined) : opt(arbNum),
      commands: sub(syncSub, inner.length === 0 ? [] : [container(d - 1).filter((c) => c.cmd !== 'Sync')]).map((a) => a.filter((c) => c.cmd !== 'Sync') as SyncSubCommand[]),
    }).map((c) => compact<Sync>(c));
    const group = (cmd: 'Atomic' | 'Sequence'): fc.Arbitrary<Command> => fc.record({
      cmd: fc.constant(cmd), CmdID: arbId, NoResp: flag, Meta: opt(arbMeta(o)),
      commands: fc.array(d <= 0 ? pick(atomicSub) : fc.oneof(pick(atomicSub), container(d - 1)), { minLength: 1, maxLength: 3 })
        .map((a) => (cmd === 'Sequence' ? a.filter((c) => c.cmd !== 'Sequence') : a) as AtomicSubCommand[] & SequenceSubCommand[]),
    }).map((c) => compact<Atomic | Sequence>(c));
    return fc.oneof(syncArb, group('Atomic'), group('Sequence'));
  };
  return fc.oneof({ weight: 4, arbitrary: pick(Object.keys(leaf)) }, { weight: 1, arbitrary: container(depth - 1) });
}

export function arbHdr(o: ArbOptions): fc.Arbitrary<SyncHdr> {
  return fc.record({
    VerDTD: fc.constant(o.version), VerProto: fc.constant(VERSIONS[o.version].VerProto), SessionID: arbId, MsgID: arbId,
    Target: fc.record({ LocURI: arbLeaf, LocName: opt(arbLeaf) }).map((t) => compact<Target>(t)), Source: arbSource(),
    RespURI: opt(arbLeaf), NoResp: flag, Cred: opt(arbCred(o)), Meta: opt(arbMeta(o)),
  }).map((h) => compact<SyncHdr>(h));
}

/** A whole valid message. */
export function arbMessage(o: ArbOptions): fc.Arbitrary<SyncMLMessage> {
  return fc.record({
    SyncHdr: arbHdr(o),
    SyncBody: fc.record({ commands: fc.array(arbCommand(o), { maxLength: 5 }), Final: flag }).map((b) => compact<SyncMLMessage['SyncBody']>(b)),
  }).map((m) => ({ ...m }));
}
