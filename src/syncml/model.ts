/**
 * The typed SyncML message model (SyncML RepPro 1.0/1.1/1.2). Field names keep the DTD
 * spelling (STYLE.md convention 5). Conventions:
 * - PCDATA ids (CmdID, MsgID, MsgRef, CmdRef, SessionID) are strings; sizes, counts and codes
 *   are numbers.
 * - An element that may repeat (`X*` / `X+` in the DTD) is an array named like the element
 *   (`Item`, `TargetRef`, `MapItem`). Optional repeats (`X*`) are omitted when empty, never `[]`.
 * - An empty flag element (`NoResp`, `Final`, `MoreData`, ...) is `true` when present and omitted
 *   otherwise.
 * - Nested commands (Sync, Atomic, Sequence) are in `commands`, in document order.
 */
import type { DevInf } from './devinf.js';
import type { SyncmlVersion } from './constants.js';

/** `Target` (and `MapItem/Target`); `Filter` is SyncML 1.2. */
export interface Target {
  LocURI: string;
  LocName?: string;
  Filter?: Filter;
}

/** `Source`. */
export interface Source {
  LocURI: string;
  LocName?: string;
}

/** `SourceParent` / `TargetParent` (1.2; Nokia sends SourceParent in 1.1 too). */
export interface ParentRef {
  LocURI: string;
}

/** MetInf `Anchor`: opaque strings, never parsed. */
export interface Anchor {
  Last?: string;
  Next: string;
}

/** MetInf `Mem`. */
export interface Mem {
  SharedMem?: true;
  FreeMem: number;
  FreeID: number;
}

/**
 * `Meta` with its MetInf children (namespace `syncml:metinf`). Encoded in MetInf DTD order:
 * Format, Type, Mark, Size, Anchor, Version, NextNonce, MaxMsgSize, MaxObjSize, EMI*, Mem,
 * FieldLevel; then the non-DTD top-level FreeMem, FreeID, SharedMem that some peers send.
 * Unknown children are ignored when decoding.
 */
export interface Meta {
  Format?: string;
  Type?: string;
  Mark?: string;
  Size?: number;
  Anchor?: Anchor;
  Version?: string;
  NextNonce?: string;
  MaxMsgSize?: number;
  MaxObjSize?: number;
  EMI?: string[];
  Mem?: Mem;
  FieldLevel?: true;
  FreeMem?: number;
  FreeID?: number;
  SharedMem?: true;
}

/** `Cred`: authentication data; `Data` is bytes when it came as non-UTF-8 OPAQUE (raw MD5). */
export interface Cred {
  Meta?: Meta;
  Data: string | Uint8Array;
}

/** `Chal`: authentication challenge. */
export interface Chal {
  Meta: Meta;
}

/** `Filter` (1.2). */
export interface Filter {
  Meta: Meta;
  Field?: Item;
  Record?: Item;
  FilterType?: string;
}

/** Item data carrying a MetInf Anchor (the Alert Status echo of the anchors). */
export interface AnchorData {
  Anchor: Anchor;
}

/**
 * `Item/Data`: text, raw bytes (OPAQUE that is not UTF-8), an embedded DevInf document, or a
 * MetInf Anchor (Status for Alert).
 */
export type ItemData = string | Uint8Array | DevInf | AnchorData;

/** `Item`. */
export interface Item {
  Target?: Target;
  Source?: Source;
  SourceParent?: ParentRef;
  TargetParent?: ParentRef;
  Meta?: Meta;
  Data?: ItemData;
  MoreData?: true;
}

/** `MapItem`. */
export interface MapItem {
  Target: Target;
  Source: Source;
}

/** Fields common to Add, Copy, Replace, Move. */
interface ItemCommandBase {
  CmdID: string;
  NoResp?: true;
  Cred?: Cred;
  Meta?: Meta;
  Item: Item[];
}

export interface Add extends ItemCommandBase { cmd: 'Add' }
export interface Copy extends ItemCommandBase { cmd: 'Copy' }
export interface Replace extends ItemCommandBase { cmd: 'Replace' }
/** `Move` (1.2 only). */
export interface Move extends ItemCommandBase { cmd: 'Move' }

export interface Delete {
  cmd: 'Delete';
  CmdID: string;
  NoResp?: true;
  Archive?: true;
  SftDel?: true;
  Cred?: Cred;
  Meta?: Meta;
  Item: Item[];
}

export interface Alert {
  cmd: 'Alert';
  CmdID: string;
  NoResp?: true;
  Cred?: Cred;
  /** Alert code (see ALERT). */
  Data?: number;
  /** 1.2. */
  Correlator?: string;
  Item?: Item[];
}

export interface Exec {
  cmd: 'Exec';
  CmdID: string;
  NoResp?: true;
  Cred?: Cred;
  Meta?: Meta;
  /** 1.2. */
  Correlator?: string;
  Item: Item;
}

export interface Get {
  cmd: 'Get';
  CmdID: string;
  NoResp?: true;
  Lang?: string;
  Cred?: Cred;
  Meta?: Meta;
  Item: Item[];
}

export interface Put {
  cmd: 'Put';
  CmdID: string;
  NoResp?: true;
  Lang?: string;
  Cred?: Cred;
  Meta?: Meta;
  Item: Item[];
}

export interface MapCommand {
  cmd: 'Map';
  CmdID: string;
  Target: Target;
  Source: Source;
  Cred?: Cred;
  Meta?: Meta;
  MapItem: MapItem[];
}

export interface Results {
  cmd: 'Results';
  CmdID: string;
  MsgRef?: string;
  CmdRef: string;
  Meta?: Meta;
  TargetRef?: string[];
  SourceRef?: string[];
  Item: Item[];
}

export interface Search {
  cmd: 'Search';
  CmdID: string;
  NoResp?: true;
  NoResults?: true;
  Cred?: Cred;
  Target?: Target;
  Source: Source[];
  Lang?: string;
  Meta: Meta;
  Data: string;
}

export interface Status {
  cmd: 'Status';
  /** Empty only for a SyncML 1.0 Status that had none (1.0 Status had no CmdID). */
  CmdID: string;
  MsgRef: string;
  CmdRef: string;
  /** Name of the command answered, or `SyncHdr`. */
  Cmd: string;
  TargetRef?: string[];
  SourceRef?: string[];
  Cred?: Cred;
  Chal?: Chal;
  /** Status code (see STATUS). */
  Data: number;
  Item?: Item[];
}

/** Commands allowed inside Sync. */
export type SyncSubCommand = Add | Atomic | Copy | Delete | Move | Replace | Sequence;

export interface Sync {
  cmd: 'Sync';
  CmdID: string;
  NoResp?: true;
  Cred?: Cred;
  Target?: Target;
  Source?: Source;
  Meta?: Meta;
  NumberOfChanges?: number;
  commands: SyncSubCommand[];
}

/** Commands allowed inside Atomic. */
export type AtomicSubCommand = Add | Alert | Atomic | Copy | Delete | Exec | Get | MapCommand | Move | Replace | Sequence | Sync;

export interface Atomic {
  cmd: 'Atomic';
  CmdID: string;
  NoResp?: true;
  Meta?: Meta;
  commands: AtomicSubCommand[];
}

/** Commands allowed inside Sequence. */
export type SequenceSubCommand = Add | Alert | Atomic | Copy | Delete | Exec | Get | MapCommand | Move | Replace | Sync;

export interface Sequence {
  cmd: 'Sequence';
  CmdID: string;
  NoResp?: true;
  Meta?: Meta;
  commands: SequenceSubCommand[];
}

/** Any SyncML command (a SyncBody child). */
export type Command =
  | Add | Alert | Atomic | Copy | Delete | Exec | Get | MapCommand | Move | Put | Replace | Results | Search
  | Sequence | Status | Sync;

/** `SyncHdr`. */
export interface SyncHdr {
  VerDTD: SyncmlVersion;
  /** `SyncML/1.x`. */
  VerProto: string;
  SessionID: string;
  MsgID: string;
  Target: Target;
  Source: Source;
  RespURI?: string;
  NoResp?: true;
  Cred?: Cred;
  Meta?: Meta;
}

/** `SyncBody`. */
export interface SyncBody {
  commands: Command[];
  Final?: true;
}

/** A whole SyncML message. */
export interface SyncMLMessage {
  SyncHdr: SyncHdr;
  SyncBody: SyncBody;
}

/** True when item data is an embedded DevInf document. */
export function isDevInfData(d: ItemData): d is DevInf {
  return typeof d === 'object' && !(d instanceof Uint8Array) && 'DevID' in d;
}

/** True when item data is a MetInf Anchor. */
export function isAnchorData(d: ItemData): d is AnchorData {
  return typeof d === 'object' && !(d instanceof Uint8Array) && 'Anchor' in d && !('DevID' in d);
}
