/** Shared test scaffolding for the WBXML tests: the codec under test and per-version headers. */
import assert from 'node:assert/strict';
import type { Codec } from '../helpers/codec-cases.js';
import type { DtdVersion, XDocument } from '../../src/util/tree.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';

/** decodeWbxml / encodeWbxml, compared with deepStrictEqual (text vs opaque matters). */
export const WBXML: Codec<XDocument> = {
  decode: (b) => decodeWbxml(b),
  encode: (d) => encodeWbxml(d),
  assertEqual: (a, b, m) => assert.deepStrictEqual(a, b, m),
};

/** SyncML document headers as the encoder writes them, typed from protocol-notes 4.1 / 4.3. */
export const SYNCML_HEADER: Readonly<Record<DtdVersion, string>> = {
  '1.0': `02            # WBXML 1.2
          00 00         # public id 0 = literal, FPI at string table index 0
          6A            # charset UTF-8
          1D "-//SYNCML//DTD SyncML 1.0//EN"  # string table: 29 bytes, no NUL (as Synthesis)
  `,
  '1.1': '02 9F53 6A 00 # WBXML 1.2, SyncML 1.1 (0x0FD3), UTF-8, empty string table\n',
  '1.2': '02 A401 6A 00 # WBXML 1.2, SyncML 1.2 (0x1201), UTF-8, empty string table\n',
};

/** DevInf document headers (numeric public ids for every version). */
export const DEVINF_HEADER: Readonly<Record<DtdVersion, string>> = {
  '1.0': '02 9F52 6A 00 # DevInf 1.0 (0x0FD2)\n',
  '1.1': '02 9F54 6A 00 # DevInf 1.1 (0x0FD4)\n',
  '1.2': '02 A403 6A 00 # DevInf 1.2 (0x1203)\n',
};

export const VERSIONS: readonly DtdVersion[] = ['1.0', '1.1', '1.2'];

/** The same codec with some limits lowered. */
export function wbxmlWithLimits(limits: Partial<import('../../src/util/limits.js').CodecLimits>): Codec<XDocument> {
  return { ...WBXML, decode: (b) => decodeWbxml(b, { limits }) };
}
