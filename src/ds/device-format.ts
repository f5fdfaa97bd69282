/**
 * What the engine knows of the device's side of one datastore (DeviceFormat of ports.ts), from
 * the device's DevInf (protocol-notes 3.10), its device profile, and a `?format=` option.
 *
 * - The DataStore: the one whose SourceRef is the URI the device alerted (exact, then loosely:
 *   `./Contacts` = `Contacts`, CGI ignored; devinf-query.ts dataStoreFor), else the first one
 *   whose SourceRef names the same kind (kindOfName: `./addressbook` for contacts).
 * - `accepts`: Rx-Pref then Rx (what the device receives), without repeats; a `?format=` value
 *   goes first.
 * - `supportedProps`: the CTCap property names for those types (1.0/1.1 flat CTCap or 1.2 CTCap
 *   in the DataStore; devinf-query.ts ctCapsFor), upper case; undefined when the DevInf has no
 *   CTCap for them (then every property counts as supported).
 * - `charset` (profile `charset.output`), `alarmsUtc`, `fieldLimits`, and the output and merge
 *   settings `limitedFieldLengths`, `minDate` (as `YYYYMMDD`), `times`, `categoriesPrefix`,
 *   `emailTypeInternet`, `dropEmptyProperties`, `quoteEightBit`, `foldLines`, `allDayUtcRange`
 *   from the device profile (the content handlers apply them); `timeZone` from the engine.
 *   `fieldLimits` also takes the CTCap MaxSize (1.2 MaxSize, 1.0/1.1 Size) of each property,
 *   unless the profile says `ignoreDevInfMaxSize` (Nokias claim 256 bytes for PHOTO: SE
 *   remoterules/server/00_nokia.xml); the profile's own limits win over the DevInf's.
 *
 * Pure.
 */
import { ctCapsFor, dataStoreFor, receivableTypes, type DataStore, type DevInf } from '../syncml/index.js';
import type { ProfileSettings } from '../quirks/index.js';
import type { ContentFormat, DeviceFormat, StoreKind } from './ports.js';
import { kindOfName, type UriFormat } from './uri.js';

/** The content type and version of each `?format=` value. */
export const URI_FORMAT_TYPES: Readonly<Record<UriFormat, ContentFormat>> = {
  vcard21: { type: 'text/x-vcard', version: '2.1' },
  vcard30: { type: 'text/vcard', version: '3.0' },
  vcal10: { type: 'text/x-vcalendar', version: '1.0' },
  ical: { type: 'text/calendar', version: '2.0' },
};

/** Which kinds each `?format=` value makes sense for. */
const FORMAT_KINDS: Readonly<Record<UriFormat, readonly StoreKind[]>> = {
  vcard21: ['contacts'],
  vcard30: ['contacts'],
  vcal10: ['calendar', 'tasks'],
  ical: ['calendar', 'tasks'],
};

/** Device profile settings deviceFormatFor reads. */
export type DeviceFormatProfile = Partial<Pick<ProfileSettings,
  | 'charset' | 'alarmsUtc' | 'fieldLimits' | 'ignoreDevInfMaxSize' | 'limitedFieldLengths' | 'minDate' | 'times'
  | 'categoriesPrefix' | 'emailTypeInternet' | 'dropEmptyProperties' | 'quoteEightBit' | 'foldLines' | 'allDayUtcRange'>>;

/** The profile's boolean settings DeviceFormat carries under the same name. */
const FLAGS = ['limitedFieldLengths', 'emailTypeInternet', 'dropEmptyProperties', 'quoteEightBit', 'foldLines', 'allDayUtcRange'] as const;

/** The device's DataStore for a datastore URI: by SourceRef, then by kind. */
export function deviceDataStore(devinf: DevInf | undefined, uri: string, kind: StoreKind): DataStore | undefined {
  if (devinf === undefined) return undefined;
  const t = uri.trim();
  const byRef = dataStoreFor(devinf, t);
  if (byRef !== undefined) return byRef;
  return devinf.DataStores.find((ds) => kindOfName(ds.SourceRef) === kind);
}

function key(f: ContentFormat): string {
  return `${f.type.toLowerCase()}\u0000${f.version}`;
}

function overrideFormat(formatOverride: string | undefined, kind: StoreKind): ContentFormat | undefined {
  if (formatOverride === undefined) return undefined;
  const name = formatOverride.trim().toLowerCase() as UriFormat;
  const f = URI_FORMAT_TYPES[name] as ContentFormat | undefined;
  return f !== undefined && FORMAT_KINDS[name].includes(kind) ? f : undefined;
}

/**
 * The DeviceFormat of one datastore of a device. `formatOverride` ('vcard21' | 'vcard30' |
 * 'vcal10' | 'ical', from `?format=`) puts that type first; a value that does not fit the kind
 * (vcard21 for a calendar) is ignored. `timeZone` (EngineConfig.timeZone) is the zone the
 * profile's `times: local|utc` converts in.
 */
export function deviceFormatFor(
  devinf: DevInf | undefined,
  uri: string,
  kind: StoreKind,
  profile?: DeviceFormatProfile,
  formatOverride?: string,
  timeZone?: string,
): DeviceFormat {
  const ds = deviceDataStore(devinf, uri, kind);
  const accepts: ContentFormat[] = [];
  const seen = new Set<string>();
  const push = (f: ContentFormat): void => {
    if (seen.has(key(f))) return;
    seen.add(key(f));
    accepts.push(f);
  };
  const forced = overrideFormat(formatOverride, kind);
  if (forced !== undefined) push(forced);
  if (ds !== undefined) for (const r of receivableTypes(ds)) push({ type: r.CTType, version: r.VerCT ?? '' });

  const out: { -readonly [K in keyof DeviceFormat]: DeviceFormat[K] } = { accepts };
  let limits: Record<string, number> | undefined;
  if (devinf !== undefined && ds !== undefined) {
    const types = new Set(accepts.map((f) => f.type.toLowerCase()));
    const caps = ctCapsFor(devinf, ds).filter((c) => types.size === 0 || types.has(c.CTType.toLowerCase()));
    if (caps.length > 0) {
      const props = new Set<string>();
      for (const c of caps) {
        for (const p of c.Properties) {
          const name = p.PropName.trim().toUpperCase();
          if (name === '') continue;
          props.add(name);
          if (p.MaxSize !== undefined && p.MaxSize > 0 && profile?.ignoreDevInfMaxSize !== true) {
            limits ??= {};
            limits[name] = Math.min(limits[name] ?? Infinity, p.MaxSize);
          }
        }
      }
      out.supportedProps = props;
    }
  }
  const charset = profile?.charset?.output;
  if (charset !== undefined) out.charset = charset;
  if (profile?.alarmsUtc !== undefined) out.alarmsUtc = profile.alarmsUtc;
  for (const flag of FLAGS) {
    const v = profile?.[flag];
    if (v !== undefined) out[flag] = v;
  }
  if (profile?.minDate != null) out.minDate = profile.minDate.replace(/-/g, '');
  if (profile?.times !== undefined) out.times = profile.times;
  if (profile?.categoriesPrefix != null) out.categoriesPrefix = profile.categoriesPrefix;
  if (timeZone !== undefined) out.timeZone = timeZone;
  if (profile?.fieldLimits !== undefined) {
    limits ??= {};
    for (const [name, n] of Object.entries(profile.fieldLimits)) limits[name.toUpperCase()] = n;
  }
  if (limits !== undefined && Object.keys(limits).length > 0) out.fieldLimits = limits;
  return out;
}

/** The device's MaxGUIDSize for that datastore, when its DevInf gives one. */
export function maxGuidSize(devinf: DevInf | undefined, uri: string, kind: StoreKind): number | undefined {
  return deviceDataStore(devinf, uri, kind)?.MaxGUIDSize;
}
