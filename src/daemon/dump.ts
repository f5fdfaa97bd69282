/**
 * Debug dumps: every SyncML message as readable XML (WBXML decoded, nested DevInf inline,
 * credentials redacted), and bytes as a hexdump with an ASCII column (gobex-debug style).
 * Used by the debug log level; never throws.
 */
import { decodeWbxml, looksLikeWbxml } from '../wbxml/index.js';
import { parseXml, writeXml } from '../xml/index.js';
import { el, text, type XDocument, type XElement, type XNode } from '../util/tree.js';

/** Readable XML for a SyncML (or DevInf) message in either encoding; a hexdump if it does not decode. */
export function dumpSyncml(bytes: Uint8Array): string {
  try {
    const doc = looksLikeWbxml(bytes) ? decodeWbxml(bytes) : parseXml(bytes);
    return writeXml(redactCredentials(doc), { pretty: true, declaration: false });
  } catch (err) {
    return `<!-- not decodable: ${(err as Error).message} -->\n${hexdump(bytes, 4096)}`;
  }
}

/** A copy of the document whose Cred/Data contents read `[redacted]`. */
export function redactCredentials(doc: XDocument): XDocument {
  return { language: doc.language, root: redactElement(doc.root, false) };
}

function redactElement(e: XElement, inCred: boolean): XElement {
  if (inCred && e.name === 'Data') return el('Data', e.ns, [text('[redacted]')]);
  const cred = inCred || e.name === 'Cred';
  return el(e.name, e.ns, e.children.map((c: XNode) => (c.kind === 'element' ? redactElement(c, cred) : c)));
}

/** Classic 16-bytes-per-line hexdump with offsets and an ASCII column, at most `max` bytes. */
export function hexdump(bytes: Uint8Array, max = Infinity): string {
  const n = Math.min(bytes.length, max);
  const lines: string[] = [];
  for (let off = 0; off < n; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, n));
    let hex = '';
    let ascii = '';
    for (let i = 0; i < 16; i++) {
      const b = row[i];
      hex += b === undefined ? '   ' : b.toString(16).padStart(2, '0') + ' ';
      if (i === 7) hex += ' ';
      if (b !== undefined) ascii += b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.';
    }
    lines.push(`${off.toString(16).padStart(8, '0')}  ${hex} |${ascii}|`);
  }
  if (n < bytes.length) lines.push(`... ${bytes.length - n} more bytes`);
  return lines.join('\n');
}
