// fast-check arbitraries for valid DevInf models of each version (exported for other property
// tests, e.g. a Put/Results carrying a DevInf). "Valid" = what that version's DTD allows:
// 1.0/1.1 carry CTCaps at the top level in the flat grammar (ValEnum+ | (DataType, Size?)), 1.2
// per DataStore with VerCT and the 1.2-only elements. Text is trimmed and non-empty, optional
// lists are absent or non-empty: the shapes the decoder produces.
import fc from 'fast-check';
import type {
  ContentTypeRef, CTCap, DataStore, DevInf, DevInfVersion, DSMem, Ext, FilterCap, PropParam, Property,
} from '../../src/syncml/devinf.js';

/** Characters that must survive XML escaping and UTF-8, WBXML included (no whitespace at the ends). */
const CHARS = [...'abcXYZ019-_./:+*<>&"\'=;éü日€'];

/** A trimmed, non-empty text: words of CHARS joined by single spaces. */
export const arbText: fc.Arbitrary<string> = fc
  .array(fc.string({ unit: fc.constantFrom(...CHARS), minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 3 })
  .map((ws) => ws.join(' '));

const arbNumber = fc.nat({ max: 2 ** 31 - 1 });

/** A plain object (fc.record makes null-prototype ones) without the keys whose value is undefined. */
function compact<T>(o: Record<string, unknown>): T {
  const r: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) r[k] = v;
  return r as T;
}

const opt = <T>(a: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(a, { nil: undefined });
const optList = <T>(a: fc.Arbitrary<T>, max = 3): fc.Arbitrary<T[] | undefined> => opt(fc.array(a, { minLength: 1, maxLength: max }));
const optFlag = opt(fc.constant(true as const));

const arbRef: fc.Arbitrary<ContentTypeRef> = fc.record({ CTType: arbText, VerCT: arbText }).map((o) => compact<ContentTypeRef>(o));

/** 1.0/1.1: `(ValEnum+ | (DataType, Size?))?` then DisplayName?. */
const arbFlatValues = fc.oneof(
  fc.constant({}),
  fc.array(arbText, { minLength: 1, maxLength: 3 }).map((ValEnums) => ({ ValEnums })),
  fc.tuple(arbText, opt(arbNumber)).map(([DataType, MaxSize]) => ({ DataType, MaxSize })),
).chain((v) => opt(arbText).map((DisplayName) => ({ ...v, DisplayName })));

const arbFlatParam: fc.Arbitrary<PropParam> = fc.tuple(arbText, arbFlatValues)
  .map(([ParamName, v]) => compact<PropParam>({ ParamName, ...v }));

const arbFlatProperty: fc.Arbitrary<Property> = fc.tuple(arbText, arbFlatValues, optList(arbFlatParam))
  .map(([PropName, v, PropParams]) => compact<Property>({ PropName, ...v, PropParams }));

const arbFlatCTCap: fc.Arbitrary<CTCap> = fc.record({ CTType: arbText, Properties: fc.array(arbFlatProperty, { minLength: 1, maxLength: 3 }) })
  .map((o) => compact<CTCap>(o));

const arbPropParam12: fc.Arbitrary<PropParam> = fc.record({
  ParamName: arbText, DataType: opt(arbText), ValEnums: optList(arbText), DisplayName: opt(arbText),
}).map((o) => compact<PropParam>(o));

const arbProperty12: fc.Arbitrary<Property> = fc.record({
  PropName: arbText, DataType: opt(arbText), MaxOccur: opt(arbNumber), MaxSize: opt(arbNumber), NoTruncate: optFlag,
  ValEnums: optList(arbText), DisplayName: opt(arbText), PropParams: optList(arbPropParam12),
}).map((o) => compact<Property>(o));

const arbCTCap12: fc.Arbitrary<CTCap> = fc.record({
  CTType: arbText, VerCT: arbText, FieldLevel: optFlag, Properties: fc.array(arbProperty12, { minLength: 1, maxLength: 3 }),
}).map((o) => compact<CTCap>(o));

const arbDSMem: fc.Arbitrary<DSMem> = fc.record({ SharedMem: optFlag, MaxMem: opt(arbNumber), MaxID: opt(arbNumber) })
  .map((o) => compact<DSMem>(o));

const arbFilterCap: fc.Arbitrary<FilterCap> = fc.record({
  CTType: arbText, VerCT: arbText, FilterKeywords: optList(arbText), PropNames: optList(arbText),
}).map((o) => compact<FilterCap>(o));

const arbSyncType = fc.oneof(fc.constantFrom('1', '2', '3', '4', '5', '6', '7'), fc.constant('390001'));

function arbDataStore(version: DevInfVersion): fc.Arbitrary<DataStore> {
  const common = {
    SourceRef: arbText, DisplayName: opt(arbText), MaxGUIDSize: opt(arbNumber),
    RxPref: arbRef, Rx: optList(arbRef), TxPref: arbRef, Tx: optList(arbRef),
    DSMem: opt(arbDSMem), SyncCap: fc.array(arbSyncType, { minLength: 1, maxLength: 8 }),
  };
  const v12 = version === '1.2'
    ? {
      CTCaps: optList(arbCTCap12, 2), SupportHierarchicalSync: optFlag, FilterRx: optList(arbRef, 2), FilterCaps: optList(arbFilterCap, 2),
    }
    : {};
  return fc.record({ ...common, ...v12 }).map((o) => compact<DataStore>(o));
}

const arbExt: fc.Arbitrary<Ext> = fc.record({ XNam: arbText, XVals: optList(arbText) }).map((o) => compact<Ext>(o));

/** A valid DevInf model of `version`. */
export function arbDevInf(version: DevInfVersion): fc.Arbitrary<DevInf> {
  const flags = version === '1.0' ? {} : { UTC: optFlag, SupportLargeObjs: optFlag, SupportNumberOfChanges: optFlag };
  return fc.record({
    VerDTD: fc.constant(version),
    Man: opt(arbText), Mod: opt(arbText), OEM: opt(arbText), FwV: opt(arbText), SwV: opt(arbText), HwV: opt(arbText),
    DevID: arbText,
    DevTyp: fc.constantFrom('phone', 'smartphone', 'pda', 'handheld', 'pager', 'server', 'workstation'),
    ...flags,
    DataStores: fc.array(arbDataStore(version), { minLength: 1, maxLength: 3 }),
    CTCaps: version === '1.2' ? fc.constant(undefined) : optList(arbFlatCTCap),
    Exts: optList(arbExt, 2),
  }).map((o) => compact<DevInf>(o));
}
