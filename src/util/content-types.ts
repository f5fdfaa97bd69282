/**
 * MIME content types of SyncML and its OBEX binding (OMA SyncML RepPro, DevInf, DS
 * Notification; protocol-notes 2.1), one table for every layer.
 */
export const CONTENT_TYPE = {
  SYNCML_XML: 'application/vnd.syncml+xml',
  SYNCML_WBXML: 'application/vnd.syncml+wbxml',
  DEVINF_XML: 'application/vnd.syncml-devinf+xml',
  DEVINF_WBXML: 'application/vnd.syncml-devinf+wbxml',
  /** DS 1.2 binary SAN as SyncEvolution sends it. */
  DS_NOTIFICATION: 'application/vnd.syncml.ds.notification',
  /** DS 1.2 binary SAN, the spelling the virtual phone (vphone.py CT_SAN) uses. */
  NOTIFICATION: 'application/vnd.syncml.notification',
  DM_XML: 'application/vnd.syncml.dm+xml',
  DM_WBXML: 'application/vnd.syncml.dm+wbxml',
} as const;
