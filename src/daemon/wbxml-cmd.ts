/**
 * `syncml-bridge wbxml decode|encode [FILE|-]`: the codec on the command line.
 * decode: WBXML -> readable XML on stdout (nested DevInf inlined).
 * encode: XML -> WBXML on stdout; SyncML or DevInf tables chosen from the root element,
 * namespace or DOCTYPE.
 */
import { readFileSync } from 'node:fs';
import { decodeWbxml, encodeWbxml } from '../wbxml/index.js';
import { parseXml, writeXml } from '../xml/index.js';

/** Read FILE, or standard input for `-` / no argument. */
export function readInput(file: string | undefined): Uint8Array {
  return file === undefined || file === '-' ? readFileSync(0) : readFileSync(file);
}

export function wbxmlDecode(input: Uint8Array): string {
  return writeXml(decodeWbxml(input), { pretty: true }) + '\n';
}

export function wbxmlEncode(input: Uint8Array): Uint8Array {
  return encodeWbxml(parseXml(input));
}
