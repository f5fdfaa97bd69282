/**
 * SyncML code page 0 and MetInf code page 1 tag tokens, per DTD version.
 *
 * Values are the wire tokens (low 6 bits of a tag byte). Sources: SyncML RepPro 1.0/1.1/1.2 WBXML
 * appendix, cross-checked against libwbxml src/wbxml_tables.c (sv_syncml_syncml11_tag_table,
 * sv_syncml_syncml12_tag_table, sv_syncml_metinf1x_tag_table) and protocol-notes 4.4 / 4.5.
 */

/** SyncML 1.0 code page 0 (RepPro 1.0). 0x30 is reserved in every version. */
export const SYNCML10_TAGS = {
  Add: 0x05, Alert: 0x06, Archive: 0x07, Atomic: 0x08, Chal: 0x09, Cmd: 0x0a, CmdID: 0x0b,
  CmdRef: 0x0c, Copy: 0x0d, Cred: 0x0e, Data: 0x0f, Delete: 0x10, Exec: 0x11, Final: 0x12,
  Get: 0x13, Item: 0x14, Lang: 0x15, LocName: 0x16, LocURI: 0x17, Map: 0x18, MapItem: 0x19,
  Meta: 0x1a, MsgID: 0x1b, MsgRef: 0x1c, NoResp: 0x1d, NoResults: 0x1e, Put: 0x1f,
  Replace: 0x20, RespURI: 0x21, Results: 0x22, Search: 0x23, Sequence: 0x24, SessionID: 0x25,
  SftDel: 0x26, Source: 0x27, SourceRef: 0x28, Status: 0x29, Sync: 0x2a, SyncBody: 0x2b,
  SyncHdr: 0x2c, SyncML: 0x2d, Target: 0x2e, TargetRef: 0x2f, VerDTD: 0x31, VerProto: 0x32,
} as const;

/** SyncML 1.1 code page 0: 1.0 plus NumberOfChanges and MoreData (large objects). */
export const SYNCML11_TAGS = {
  ...SYNCML10_TAGS,
  NumberOfChanges: 0x33,
  MoreData: 0x34,
  // Vendor extra (Nokia): SourceParent is a 1.2 tag, but Nokia phones send it in SyncML 1.1
  // sessions (SMS and bookmark sync). libwbxml carries it in its 1.1 table for the same reason.
  SourceParent: 0x39,
} as const;

/** SyncML 1.2 code page 0: filtering, hierarchical sync, Move, Correlator. */
export const SYNCML12_TAGS = {
  ...SYNCML11_TAGS,
  Field: 0x35, Filter: 0x36, Record: 0x37, FilterType: 0x38, SourceParent: 0x39,
  TargetParent: 0x3a, Move: 0x3b, Correlator: 0x3c,
} as const;

/** MetInf 1.0 (code page 1 inside SyncML, page 0 of a stand-alone MetInf document). */
export const METINF10_TAGS = {
  Anchor: 0x05, EMI: 0x06, Format: 0x07, FreeID: 0x08, FreeMem: 0x09, Last: 0x0a, Mark: 0x0b,
  MaxMsgSize: 0x0c, Mem: 0x0d, MetInf: 0x0e, Next: 0x0f, NextNonce: 0x10, SharedMem: 0x11,
  Size: 0x12, Type: 0x13, Version: 0x14,
} as const;

/** MetInf 1.1: adds MaxObjSize. */
export const METINF11_TAGS = { ...METINF10_TAGS, MaxObjSize: 0x15 } as const;

/** MetInf 1.2: adds FieldLevel. */
export const METINF12_TAGS = { ...METINF11_TAGS, FieldLevel: 0x16 } as const;
