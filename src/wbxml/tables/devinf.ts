/**
 * DevInf code page 0 tag tokens (DevInf is always its own WBXML document), per DTD version.
 *
 * Sources: SyncML DevInf 1.0/1.1 and OMA DS DevInf 1.2 WBXML appendix, cross-checked against
 * libwbxml src/wbxml_tables.c (sv_syncml_devinf11_tag_table, sv_syncml_devinf12_tag_table) and
 * protocol-notes 4.6. Token 0x1C is `Size` in 1.0/1.1 and was renamed `MaxSize` in 1.2; 0x2F is
 * unassigned.
 */

/** DevInf 1.0. */
export const DEVINF10_TAGS = {
  CTCap: 0x05, CTType: 0x06, DataStore: 0x07, DataType: 0x08, DevID: 0x09, DevInf: 0x0a,
  DevTyp: 0x0b, DisplayName: 0x0c, DSMem: 0x0d, Ext: 0x0e, FwV: 0x0f, HwV: 0x10, Man: 0x11,
  MaxGUIDSize: 0x12, MaxID: 0x13, MaxMem: 0x14, Mod: 0x15, OEM: 0x16, ParamName: 0x17,
  PropName: 0x18, Rx: 0x19, 'Rx-Pref': 0x1a, SharedMem: 0x1b, Size: 0x1c, SourceRef: 0x1d,
  SwV: 0x1e, SyncCap: 0x1f, SyncType: 0x20, Tx: 0x21, 'Tx-Pref': 0x22, ValEnum: 0x23,
  VerCT: 0x24, VerDTD: 0x25, XNam: 0x26, XVal: 0x27,
} as const;

/** DevInf 1.1: adds UTC, SupportNumberOfChanges, SupportLargeObjs. */
export const DEVINF11_TAGS = {
  ...DEVINF10_TAGS,
  UTC: 0x28, SupportNumberOfChanges: 0x29, SupportLargeObjs: 0x2a,
} as const;

const { Size: _size, ...DEVINF11_WITHOUT_SIZE } = DEVINF11_TAGS;

/** DevInf 1.2: 0x1C renamed MaxSize; CTCap restructured (Property, PropParam ...); filtering. */
export const DEVINF12_TAGS = {
  ...DEVINF11_WITHOUT_SIZE,
  MaxSize: 0x1c, Property: 0x2b, PropParam: 0x2c, MaxOccur: 0x2d, NoTruncate: 0x2e,
  'Filter-Rx': 0x30, FilterCap: 0x31, FilterKeyword: 0x32, FieldLevel: 0x33,
  SupportHierarchicalSync: 0x34,
} as const;
