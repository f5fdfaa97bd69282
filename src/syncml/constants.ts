/**
 * SyncML wire vocabulary as data (STYLE.md convention 4): status codes, alert codes, command
 * names, content types, version identifiers and auth types. Values are the spec's wire values;
 * reverse maps are derived, never typed out twice.
 *
 * Sources: protocol-notes.md sections 3.1, 3.4, 3.5, 3.9 (SyncML RepPro / DS Protocol 1.0-1.2).
 */
import { CONTENT_TYPE } from '../util/content-types.js';

/** Build a value -> name map from a const object (first name wins for duplicate values). */
function reverse<K extends string, V extends string | number>(o: Readonly<Record<K, V>>): ReadonlyMap<V, K> {
  const m = new Map<V, K>();
  for (const k of Object.keys(o) as K[]) if (!m.has(o[k])) m.set(o[k], k);
  return m;
}

/** SyncML status codes (DS Protocol, protocol-notes 3.5). */
export const STATUS = {
  IN_PROGRESS: 101,
  OK: 200,
  ITEM_ADDED: 201,
  ACCEPTED_FOR_PROCESSING: 202,
  NO_CONTENT: 204,
  CONFLICT_RESOLVED_WITH_MERGE: 207,
  CONFLICT_RESOLVED_CLIENT_WINNING: 208,
  CONFLICT_RESOLVED_WITH_DUPLICATE: 209,
  DELETE_WITHOUT_ARCHIVE: 210,
  ITEM_NOT_DELETED: 211,
  AUTHENTICATION_ACCEPTED: 212,
  CHUNKED_ITEM_ACCEPTED: 213,
  OPERATION_CANCELLED_OK: 214,
  NOT_EXECUTED: 215,
  ATOMIC_ROLLBACK_OK: 216,
  BAD_REQUEST: 400,
  INVALID_CREDENTIALS: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  COMMAND_NOT_ALLOWED: 405,
  OPTIONAL_FEATURE_NOT_SUPPORTED: 406,
  MISSING_CREDENTIALS: 407,
  REQUEST_TIMEOUT: 408,
  CONFLICT: 409,
  INCOMPLETE_COMMAND: 412,
  REQUEST_ENTITY_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  REQUESTED_SIZE_TOO_BIG: 416,
  RETRY_LATER: 417,
  ALREADY_EXISTS: 418,
  CONFLICT_RESOLVED_WITH_SERVER_DATA: 419,
  DEVICE_FULL: 420,
  SIZE_MISMATCH: 424,
  PERMISSION_DENIED: 425,
  COMMAND_FAILED: 500,
  COMMAND_NOT_IMPLEMENTED: 501,
  SERVICE_UNAVAILABLE: 503,
  DTD_VERSION_NOT_SUPPORTED: 505,
  PROCESSING_ERROR: 506,
  ATOMIC_FAILED: 507,
  REFRESH_REQUIRED: 508,
  RESUME_NOT_POSSIBLE: 509,
  DATA_STORE_FAILURE: 510,
  SERVER_FAILURE: 511,
  SYNCHRONIZATION_FAILED: 512,
  PROTOCOL_VERSION_NOT_SUPPORTED: 513,
  OPERATION_CANCELLED: 514,
  ATOMIC_ROLLBACK_FAILED: 516,
  ATOMIC_RESPONSE_TOO_LARGE: 517,
} as const;
export type StatusName = keyof typeof STATUS;
export type StatusCode = (typeof STATUS)[StatusName];
/** Status code -> name. */
export const STATUS_NAME: ReadonlyMap<number, StatusName> = reverse(STATUS);

/** Alert codes carried in `Alert/Data` (DS Protocol, protocol-notes 3.4). */
export const ALERT = {
  DISPLAY: 100,
  TWO_WAY: 200,
  SLOW_SYNC: 201,
  ONE_WAY_FROM_CLIENT: 202,
  REFRESH_FROM_CLIENT: 203,
  ONE_WAY_FROM_SERVER: 204,
  REFRESH_FROM_SERVER: 205,
  TWO_WAY_BY_SERVER: 206,
  ONE_WAY_FROM_CLIENT_BY_SERVER: 207,
  REFRESH_FROM_CLIENT_BY_SERVER: 208,
  ONE_WAY_FROM_SERVER_BY_SERVER: 209,
  REFRESH_FROM_SERVER_BY_SERVER: 210,
  RESULT_ALERT: 221,
  NEXT_MESSAGE: 222,
  NO_END_OF_DATA: 223,
  SUSPEND: 224,
  RESUME: 225,
} as const;
export type AlertName = keyof typeof ALERT;
export type AlertCode = (typeof ALERT)[AlertName];
/** Alert code -> name. */
export const ALERT_NAME: ReadonlyMap<number, AlertName> = reverse(ALERT);

/** DevInf `SyncCap/SyncType` numbering: NOT the Alert codes (protocol-notes 3.4). */
export const DEVINF_SYNC_TYPE = {
  TWO_WAY: 1,
  SLOW_SYNC: 2,
  ONE_WAY_FROM_CLIENT: 3,
  REFRESH_FROM_CLIENT: 4,
  ONE_WAY_FROM_SERVER: 5,
  REFRESH_FROM_SERVER: 6,
  SERVER_ALERTED: 7,
} as const;
export type DevInfSyncTypeName = keyof typeof DEVINF_SYNC_TYPE;
/** DevInf SyncType -> name. */
export const DEVINF_SYNC_TYPE_NAME: ReadonlyMap<number, DevInfSyncTypeName> = reverse(DEVINF_SYNC_TYPE);

/** Command element names of the representation protocol (the `cmd` discriminant of the model). */
export const COMMAND = {
  ADD: 'Add',
  ALERT: 'Alert',
  ATOMIC: 'Atomic',
  COPY: 'Copy',
  DELETE: 'Delete',
  EXEC: 'Exec',
  GET: 'Get',
  MAP: 'Map',
  MOVE: 'Move',
  PUT: 'Put',
  REPLACE: 'Replace',
  RESULTS: 'Results',
  SEARCH: 'Search',
  SEQUENCE: 'Sequence',
  STATUS: 'Status',
  SYNC: 'Sync',
} as const;
export type CommandName = (typeof COMMAND)[keyof typeof COMMAND];
/** Every command name, for membership tests. */
export const COMMAND_NAMES: ReadonlySet<string> = new Set(Object.values(COMMAND));
/** `Cmd` value of the Status that answers the SyncHdr (with CmdRef `0`). */
export const SYNC_HDR_CMD = 'SyncHdr';

/** MIME content types (OMA SyncML RepPro / DevInf / DS Notification). */
export { CONTENT_TYPE };
export type ContentTypeName = keyof typeof CONTENT_TYPE;

/** SyncML DTD versions the codec accepts. */
export type SyncmlVersion = '1.0' | '1.1' | '1.2';

/** Per-version identifiers (protocol-notes 3.1, 4.3). */
export interface VersionIds {
  readonly VerDTD: SyncmlVersion;
  readonly VerProto: string;
  /** XML namespace of `<SyncML>`. */
  readonly namespace: string;
  /** DOCTYPE public identifier of a SyncML document. */
  readonly fpi: string;
  /** DOCTYPE public identifier of a DevInf document. */
  readonly devinfFpi: string;
  /** LocURI of the DevInf object (`./devinf1x`). */
  readonly devinfLocURI: string;
}

export const VERSIONS: Readonly<Record<SyncmlVersion, VersionIds>> = {
  '1.0': {
    VerDTD: '1.0', VerProto: 'SyncML/1.0', namespace: 'SYNCML:SYNCML1.0',
    fpi: '-//SYNCML//DTD SyncML 1.0//EN', devinfFpi: '-//SYNCML//DTD DevInf 1.0//EN', devinfLocURI: './devinf10',
  },
  '1.1': {
    VerDTD: '1.1', VerProto: 'SyncML/1.1', namespace: 'SYNCML:SYNCML1.1',
    fpi: '-//SYNCML//DTD SyncML 1.1//EN', devinfFpi: '-//SYNCML//DTD DevInf 1.1//EN', devinfLocURI: './devinf11',
  },
  '1.2': {
    VerDTD: '1.2', VerProto: 'SyncML/1.2', namespace: 'SYNCML:SYNCML1.2',
    fpi: '-//SYNCML//DTD SyncML 1.2//EN', devinfFpi: '-//SYNCML//DTD DevInf 1.2//EN', devinfLocURI: './devinf12',
  },
};

/** VerProto -> VerDTD. */
export const VERSION_OF_VERPROTO: ReadonlyMap<string, SyncmlVersion> = new Map(
  Object.values(VERSIONS).map((v) => [v.VerProto, v.VerDTD] as const),
);

/** True for a VerDTD value the codec supports. */
export function isSyncmlVersion(v: string): v is SyncmlVersion {
  return v === '1.0' || v === '1.1' || v === '1.2';
}

/** Authentication types in Cred/Chal Meta Type (protocol-notes 3.9). */
export const AUTH_TYPE = {
  BASIC: 'syncml:auth-basic',
  MD5: 'syncml:auth-md5',
  MAC: 'syncml:auth-MAC',
} as const;
export type AuthTypeName = keyof typeof AUTH_TYPE;

/** Meta Format values that matter here. */
export const FORMAT = {
  B64: 'b64',
  BIN: 'bin',
  CHR: 'chr',
} as const;
