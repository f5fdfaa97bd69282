/**
 * The DevInf content type follows how the DevInf is embedded (libwbxml and Synthesis do the
 * same): inside a WBXML message it is a nested WBXML document, so a MetInf `Type` of
 * `application/vnd.syncml-devinf+xml` is written as `...+wbxml`; inside an XML message it is
 * inline XML, so `...+wbxml` is written as `...+xml`. Both codecs call this on every MetInf
 * `Type` text they write, so sizes and bytes agree.
 */
import { CONTENT_TYPE } from './content-types.js';

const DEVINF_XML_TYPE = CONTENT_TYPE.DEVINF_XML;
const DEVINF_WBXML_TYPE = CONTENT_TYPE.DEVINF_WBXML;

/** The Type text to write for `value` in a message of this encoding. */
export function devInfTypeFor(value: string, encoding: 'xml' | 'wbxml'): string {
  if (encoding === 'wbxml') return value === DEVINF_XML_TYPE ? DEVINF_WBXML_TYPE : value;
  return value === DEVINF_WBXML_TYPE ? DEVINF_XML_TYPE : value;
}
