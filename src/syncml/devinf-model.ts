/**
 * The DevInf model: one shape for DevInf 1.0, 1.1 and 1.2 (SyncML DevInf DTD 1.0/1.1, OMA DS
 * DevInf DTD 1.2; protocol-notes 3.10, 4.6).
 *
 * Field names keep the DTD spelling. Elements that repeat get a plural name (`DataStores`,
 * `CTCaps`, `Properties`, `PropParams`, `ValEnums`, `XVals`, `FilterCaps`, `FilterKeywords`,
 * `PropNames`); the `(CTType, VerCT)` elements keep their DTD names (`RxPref` for `Rx-Pref`,
 * `Rx`, `TxPref`, `Tx`, `FilterRx` for `Filter-Rx`).
 *
 * Conventions:
 * - Optional lists are omitted rather than empty: the decoder never produces an empty optional
 *   list, and the encoder writes nothing for an empty one.
 * - Numbers (MaxGUIDSize, MaxMem, MaxID, MaxOccur, MaxSize) are decimal integers; a value that
 *   is not one is dropped by the decoder (liberal with devices).
 * - Flags (UTC, SharedMem, NoTruncate, ...) are `true` when the empty element is present.
 * - CTCap has the same shape whatever the version: one CTCap per CTType with its Properties and
 *   their PropParams. 1.0/1.1 carry them in `DevInf.CTCaps` (written as the flat DTD 1.1
 *   sequence), 1.2 in `DataStore.CTCaps`. `MaxSize` is the 1.2 `MaxSize` and the 1.0/1.1 `Size`.
 *   Use `ctCapsFor()` to get the CTCaps of a datastore whatever the version.
 */

/** DevInf DTD version (`VerDTD`). */
export type DevInfVersion = '1.0' | '1.1' | '1.2';

/** Every supported DevInf version, oldest first. */
export const DEVINF_VERSIONS: readonly DevInfVersion[] = ['1.0', '1.1', '1.2'];

/** True for a VerDTD value this model supports. */
export function isDevInfVersion(v: string): v is DevInfVersion {
  return v === '1.0' || v === '1.1' || v === '1.2';
}

/** `Rx-Pref`, `Rx`, `Tx-Pref`, `Tx`, `Filter-Rx`: `(CTType, VerCT)`. */
export interface ContentTypeRef {
  readonly CTType: string;
  /** Required by the DTDs; some devices omit it. */
  readonly VerCT?: string;
}

/** `DSMem (SharedMem?, MaxMem?, MaxID?)`. */
export interface DSMem {
  readonly SharedMem?: true;
  /** Bytes. */
  readonly MaxMem?: number;
  /** Number of items. */
  readonly MaxID?: number;
}

/**
 * A property parameter. 1.2: `PropParam (ParamName, DataType?, ValEnum*, DisplayName?)`;
 * 1.0/1.1: `ParamName, (ValEnum+ | (DataType, Size?))?, DisplayName?` inside the flat CTCap.
 */
export interface PropParam {
  readonly ParamName: string;
  readonly DataType?: string;
  readonly ValEnums?: readonly string[];
  /** 1.0/1.1 `Size` of a parameter; DevInf 1.2 has no equivalent. */
  readonly MaxSize?: number;
  readonly DisplayName?: string;
}

/**
 * A property. 1.2: `Property (PropName, DataType?, MaxOccur?, MaxSize?, NoTruncate?, ValEnum*,
 * DisplayName?, PropParam*)`; 1.0/1.1: `PropName, (ValEnum+ | (DataType, Size?))?, DisplayName?,
 * (ParamName ...)*` inside the flat CTCap.
 */
export interface Property {
  readonly PropName: string;
  readonly DataType?: string;
  /** 1.2 only. */
  readonly MaxOccur?: number;
  /** 1.2 `MaxSize`, 1.0/1.1 `Size` (same WBXML token 0x1C). */
  readonly MaxSize?: number;
  /** 1.2 only. */
  readonly NoTruncate?: true;
  readonly ValEnums?: readonly string[];
  readonly DisplayName?: string;
  readonly PropParams?: readonly PropParam[];
}

/** Capabilities for one content type. 1.2: `CTCap (CTType, VerCT, FieldLevel?, Property+)`. */
export interface CTCap {
  readonly CTType: string;
  /** Required in 1.2; the flat 1.0/1.1 form has none. */
  readonly VerCT?: string;
  /** 1.2 only. */
  readonly FieldLevel?: true;
  readonly Properties: readonly Property[];
}

/** `FilterCap (CTType, VerCT, FilterKeyword*, PropName*)` (1.2). */
export interface FilterCap {
  readonly CTType: string;
  readonly VerCT?: string;
  readonly FilterKeywords?: readonly string[];
  readonly PropNames?: readonly string[];
}

/** `Ext (XNam, XVal*)`. */
export interface Ext {
  readonly XNam: string;
  readonly XVals?: readonly string[];
}

/**
 * `DataStore (SourceRef, DisplayName?, MaxGUIDSize?, Rx-Pref, Rx*, Tx-Pref, Tx*, CTCap*, DSMem?,
 * SupportHierarchicalSync?, SyncCap, Filter-Rx*, FilterCap*)` (1.2; 1.0/1.1 lack CTCap and the
 * elements after SyncCap).
 */
export interface DataStore {
  readonly SourceRef: string;
  readonly DisplayName?: string;
  readonly MaxGUIDSize?: number;
  /** Required by the DTDs; some devices omit it. A second Rx-Pref is ignored (libsynthesis does too). */
  readonly RxPref?: ContentTypeRef;
  readonly Rx?: readonly ContentTypeRef[];
  readonly TxPref?: ContentTypeRef;
  readonly Tx?: readonly ContentTypeRef[];
  /** 1.2 (and Nokia 1.1): CTCaps of this datastore. */
  readonly CTCaps?: readonly CTCap[];
  readonly DSMem?: DSMem;
  /** 1.2 only. */
  readonly SupportHierarchicalSync?: true;
  /**
   * `SyncCap`: the SyncType texts as sent, trimmed (DevInf numbering 1..7, protocol-notes 3.4;
   * SyncEvolution adds 390001 and up). Kept verbatim so the tree round-trips; `syncTypes()` gives
   * the standard ones as numbers and drops the rest. Absent when the element is absent.
   */
  readonly SyncCap?: readonly string[];
  /** 1.2 only. */
  readonly FilterRx?: readonly ContentTypeRef[];
  /** 1.2 only. */
  readonly FilterCaps?: readonly FilterCap[];
}

/**
 * `DevInf (VerDTD, Man?, Mod?, OEM?, FwV?, SwV?, HwV?, DevID, DevTyp, UTC?, SupportLargeObjs?,
 * SupportNumberOfChanges?, DataStore+, CTCap?, Ext*)`: CTCap only up to 1.1, the three flags
 * from 1.1 on.
 */
export interface DevInf {
  readonly VerDTD: DevInfVersion;
  readonly Man?: string;
  readonly Mod?: string;
  readonly OEM?: string;
  readonly FwV?: string;
  readonly SwV?: string;
  readonly HwV?: string;
  readonly DevID: string;
  /** phone, smartphone, pda, handheld, pager, server, workstation, ... */
  readonly DevTyp: string;
  readonly UTC?: true;
  readonly SupportLargeObjs?: true;
  readonly SupportNumberOfChanges?: true;
  readonly DataStores: readonly DataStore[];
  /** 1.0/1.1 top-level CTCap (one entry per CTType); also Nokia 1.2 devices that put it here. */
  readonly CTCaps?: readonly CTCap[];
  readonly Exts?: readonly Ext[];
}

/** Writable view used while building a model. */
export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
