/**
 * Content sniffing for messages whose content type is missing or wrong (SYN looks for `<?xml`
 * or `<SyncML` after an optional UTF-8 BOM; protocol-notes.md 4.1).
 */

/** Quick sniff: optional UTF-8 BOM, whitespace, then `<`. */
export function looksLikeXml(bytes: Uint8Array): boolean {
  let i = 0;
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) i = 3;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d) i++;
    else return b === 0x3c;
  }
  return false;
}
