/**
 * Decode errors of the SyncML model layer. Every one is a SyncmlError (src/errors.ts) with a
 * stable code and the SyncML status to answer with; `cmdId` names the offending command when
 * it is known, `element` the element at fault.
 */
import { SyncmlError } from '../errors.js';

/** Stable codes of SyncML model errors, each with the status it answers with. */
export const SYNCML_ERROR = {
  /** Root is not `<SyncML>` or the document is not a SyncML document. */
  NOT_SYNCML: { code: 'SB_ERR_SYNCML_NOT_SYNCML', status: 400 },
  /** VerDTD other than 1.0, 1.1, 1.2. */
  UNSUPPORTED_VERDTD: { code: 'SB_ERR_SYNCML_VERDTD', status: 505 },
  /** VerProto other than SyncML/1.0, /1.1, /1.2. */
  UNSUPPORTED_VERPROTO: { code: 'SB_ERR_SYNCML_VERPROTO', status: 513 },
  /** A required element is missing (DS Protocol: 412 incomplete command). */
  MISSING_ELEMENT: { code: 'SB_ERR_SYNCML_MISSING_ELEMENT', status: 412 },
  /** An element that is not a command where a command is expected. */
  UNKNOWN_COMMAND: { code: 'SB_ERR_SYNCML_UNKNOWN_COMMAND', status: 400 },
  /** A command where the DTD does not allow it (e.g. Status inside Sync). */
  COMMAND_NOT_ALLOWED_HERE: { code: 'SB_ERR_SYNCML_COMMAND_CONTEXT', status: 400 },
  /** A command of a later SyncML version (Move before 1.2). */
  UNSUPPORTED_FEATURE: { code: 'SB_ERR_SYNCML_UNSUPPORTED_FEATURE', status: 406 },
  /** An element the content model does not allow, or an element repeated that may not repeat. */
  UNEXPECTED_ELEMENT: { code: 'SB_ERR_SYNCML_UNEXPECTED_ELEMENT', status: 400 },
  /** A number field (MaxMsgSize, Size, NumberOfChanges, Status/Alert code) that is not a number. */
  BAD_NUMBER: { code: 'SB_ERR_SYNCML_BAD_NUMBER', status: 400 },
  /** Content type names neither SyncML XML nor WBXML and the bytes are neither. */
  UNSUPPORTED_MEDIA_TYPE: { code: 'SB_ERR_SYNCML_MEDIA_TYPE', status: 415 },
  /** An embedded DevInf the DevInf decoder rejected; `cause` is its error, status taken from it. */
  INVALID_DEVINF: { code: 'SB_ERR_SYNCML_DEVINF', status: 400 },
} as const;
export type SyncmlErrorKind = keyof typeof SYNCML_ERROR;

/** Where a model error happened, and optionally its cause and a status overriding the kind's. */
export interface SyncmlErrorWhere {
  readonly cmdId?: string | undefined;
  readonly element?: string | undefined;
  readonly cmd?: string | undefined;
  readonly cause?: unknown;
  readonly status?: number | undefined;
}

/** A SyncML model error with the offending command's CmdID and element when known. */
export class SyncmlModelError extends SyncmlError {
  /** CmdID of the command at fault, when known. */
  readonly cmdId: string | undefined;
  /** Name of the element at fault (or the missing one), when known. */
  readonly element: string | undefined;
  /** Name of the command at fault, when known. */
  readonly cmd: string | undefined;

  constructor(kind: SyncmlErrorKind, message: string, where: SyncmlErrorWhere = {}) {
    const k = SYNCML_ERROR[kind];
    const status = where.status ?? k.status;
    super(message, k.code, where.cause === undefined ? { syncmlStatus: status } : { syncmlStatus: status, cause: where.cause });
    this.cmdId = where.cmdId;
    this.element = where.element;
    this.cmd = where.cmd;
  }
}
