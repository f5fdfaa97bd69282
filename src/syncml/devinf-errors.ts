/**
 * DevInf validation errors: each is a SyncmlError (src/errors.ts) with a stable code and the
 * SyncML status to answer the Put/Results that carried the DevInf with.
 */
import { SyncmlError } from '../errors.js';

/** Stable codes of DevInf errors, each with the status it answers with. */
export const DEVINF_ERROR = {
  /** The element or document is not `<DevInf>`. */
  NOT_DEVINF: { code: 'SB_ERR_DEVINF_NOT_DEVINF', status: 400 },
  /** VerDTD, DevID, DevTyp or a DataStore's SourceRef is missing or empty (412 incomplete command). */
  MISSING_ELEMENT: { code: 'SB_ERR_DEVINF_MISSING_ELEMENT', status: 412 },
  /** VerDTD other than 1.0, 1.1, 1.2 (505 DTD version not supported). */
  UNSUPPORTED_VERDTD: { code: 'SB_ERR_DEVINF_VERDTD', status: 505 },
} as const;
export type DevInfErrorKind = keyof typeof DEVINF_ERROR;

/** A DevInf that cannot be decoded or encoded; `element` names the element at fault. */
export class DevInfError extends SyncmlError {
  /** The element at fault (or the missing one), e.g. `DevID`, `DataStore/SourceRef`. */
  readonly element: string | undefined;

  constructor(kind: DevInfErrorKind, message: string, element?: string) {
    const k = DEVINF_ERROR[kind];
    super(message, k.code, { syncmlStatus: k.status });
    this.element = element;
  }
}
