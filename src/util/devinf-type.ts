/**
 * The DevInf content type follows how the DevInf is embedded (libwbxml and Synthesis do the
 * same): inside a WBXML message it is a nested WBXML document, so a MetInf `Type` of
 * `application/vnd.syncml-devinf+xml` is written as `...+wbxml`; inside an XML message it is
 * inline XML, so `...+wbxml` is written as `...+xml`. Both codecs call this on every MetInf
 * `Type` text they write, so sizes and bytes agree.
 */
export const DEVINF_XML_TYPE = 'application/vnd.syncml-devinf+xml';
export const DEVINF_WBXML_TYPE = 'application/vnd.syncml-devinf+wbxml';

/** The Type text to write for `value` in a message of this encoding. */
export function devInfTypeFor(value: string, encoding: 'xml' | 'wbxml'): string {
  if (encoding === 'wbxml') return value === DEVINF_XML_TYPE ? DEVINF_WBXML_TYPE : value;
  return value === DEVINF_WBXML_TYPE ? DEVINF_XML_TYPE : value;
}
