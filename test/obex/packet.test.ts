// Header and packet codec: four-way cases (decode, encode, both mirrors), real CONNECT captures,
// and _nval_ cases naming their error code and offset.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codecCase, decodeCase, nvalCase, type Codec } from '../helpers/codec-cases.js';
import { loadHex } from '../helpers/hex.js';
import {
  OBEX_ERR, OBEX_HEADER, bytesHeader, decodeHeader, decodeRequest, decodeResponse, encodeHeader, encodePacket,
  headerKind, uint32Header, uint8Header, unicodeHeader, type ObexHeader, type ObexPacket,
} from '../../src/obex/index.js';
import { asciiBytes } from '../../src/obex/values.js';

const fixture = (name: string): Uint8Array => loadHex(new URL(`../fixtures/obex/${name}`, import.meta.url));

const headerCodec: Codec<ObexHeader> = {
  decode: (b) => {
    const { header, next } = decodeHeader(b, 0);
    assert.equal(next, b.length, 'header did not consume all bytes');
    return header;
  },
  encode: encodeHeader,
};
const requestCodec: Codec<ObexPacket> = { decode: decodeRequest, encode: (p) => encodePacket(p) };
const connectResponseCodec: Codec<ObexPacket> = { decode: (b) => decodeResponse(b, true), encode: (p) => encodePacket(p) };
const responseCodec: Codec<ObexPacket> = { decode: (b) => decodeResponse(b), encode: (p) => encodePacket(p) };

// --- headers, one per encoding class -------------------------------------------------------
codecCase(headerCodec, 'unicode Name "ab"', unicodeHeader(OBEX_HEADER.NAME, 'ab'), `
  01        # Name (class 0x00 unicode)
  00 09     # header length 3 + 4 + 2
  00 61 00 62  # "ab" UTF-16BE
  00 00     # NUL terminator`);
codecCase(headerCodec, 'unicode empty Name', unicodeHeader(OBEX_HEADER.NAME, ''), `01 00 03  # Name, length 3, no NUL`);
codecCase(headerCodec, 'bytes Type with NUL', bytesHeader(OBEX_HEADER.TYPE, asciiBytes('text/x\0')), `
  42 00 0a  # Type, length 3 + 7
  "text/x" 00`);
codecCase(headerCodec, '1-byte SRM', uint8Header(OBEX_HEADER.SRM, 1), `97 01   # SRM (class 0x80), value 1`);
codecCase(headerCodec, '4-byte Length', uint32Header(OBEX_HEADER.LENGTH, 0x01020304), `c3 01 02 03 04  # Length (class 0xC0)`);
codecCase(headerCodec, 'unknown unicode id 0x30 kept', unicodeHeader(0x30, 'x'), `30 00 07 00 78 00 00  # user-defined unicode header`);
codecCase(headerCodec, 'unknown bytes id 0x70 kept', bytesHeader(0x70, Uint8Array.of(1, 2)), `70 00 05 01 02`);
codecCase(headerCodec, 'unknown 4-byte id 0xF0 max value', uint32Header(0xf0, 0xffffffff), `f0 ff ff ff ff`);

nvalCase(headerCodec, 'unicode odd length', `01 00 06 00 41 00`, OBEX_ERR.HEADER_UNICODE, 1);
nvalCase(headerCodec, 'unicode without NUL', `01 00 07 00 41 00 42`, OBEX_ERR.HEADER_UNICODE, 5);
nvalCase(headerCodec, 'bytes length < 3', `48 00 02`, OBEX_ERR.HEADER_LENGTH, 1);
nvalCase(headerCodec, 'bytes length past end', `48 00 09 01 02`, OBEX_ERR.HEADER_LENGTH, 1);
nvalCase(headerCodec, 'bytes length field truncated', `48 00`, OBEX_ERR.TRUNCATED, 0);
nvalCase(headerCodec, '4-byte truncated', `cb 00 00 01`, OBEX_ERR.TRUNCATED, 0);
nvalCase(headerCodec, '1-byte truncated', `97`, OBEX_ERR.TRUNCATED, 0);

test('headerKind follows the top two bits', () => {
  assert.equal(headerKind(OBEX_HEADER.NAME), 'unicode');
  assert.equal(headerKind(OBEX_HEADER.BODY), 'bytes');
  assert.equal(headerKind(OBEX_HEADER.SESSION_SEQUENCE_NUMBER), 'uint8');
  assert.equal(headerKind(OBEX_HEADER.CONNECTION_ID), 'uint32');
});

test('encodeHeader refuses a value of the wrong class', () => {
  assert.throws(() => encodeHeader({ id: OBEX_HEADER.BODY, kind: 'uint32', value: 1 }), { code: OBEX_ERR.HEADER_VALUE });
  assert.throws(() => encodeHeader(uint8Header(OBEX_HEADER.SRM, 256)), { code: OBEX_ERR.HEADER_VALUE });
});

// --- packets ---------------------------------------------------------------------------------
const TARGET = asciiBytes('SYNCML-SYNC');
const syncmlConnect: ObexPacket = {
  code: 0x80, connect: { version: 0x10, flags: 0, maxPacketLength: 1024 }, headers: [bytesHeader(OBEX_HEADER.TARGET, TARGET)],
};
codecCase(requestCodec, 'SyncML CONNECT (protocol-notes 1.5)', syncmlConnect, fixture('connect-syncml-sync.hex'));
codecCase(connectResponseCodec, 'SyncML CONNECT response', {
  code: 0xa0, connect: { version: 0x10, flags: 0, maxPacketLength: 1024 },
  headers: [uint32Header(OBEX_HEADER.CONNECTION_ID, 1), bytesHeader(OBEX_HEADER.WHO, TARGET)],
}, fixture('connect-response-syncml-sync.hex'));

const ftp = { version: 0x10, flags: 0, maxPacketLength: 1024 };
codecCase(requestCodec, 'obexftp default CONNECT (FBS UUID)', {
  code: 0x80, connect: ftp,
  headers: [bytesHeader(OBEX_HEADER.TARGET, Uint8Array.of(0xf9, 0xec, 0x7b, 0xc4, 0x95, 0x3c, 0x11, 0xd2, 0x98, 0x4e, 0x52, 0x54, 0x00, 0xdc, 0x9e, 0x09))],
}, fixture('connect-obexftp-default.hex'));
codecCase(requestCodec, 'obexftp -Unone CONNECT', { code: 0x80, connect: ftp, headers: [] }, fixture('connect-obexftp-none.hex'));
codecCase(requestCodec, 'obexftp -Uirmc CONNECT', { code: 0x80, connect: ftp, headers: [bytesHeader(OBEX_HEADER.TARGET, asciiBytes('IRMC-SYNC'))] }, fixture('connect-obexftp-irmc.hex'));
codecCase(requestCodec, 'obexftp -Us45 CONNECT', {
  code: 0x80, connect: ftp,
  headers: [bytesHeader(OBEX_HEADER.TARGET, Uint8Array.of(0x6b, 0x01, 0xcb, 0x31, 0x41, 0x06, 0x11, 0xd4, 0x9a, 0x77, 0x00, 0x50, 0xda, 0x3f, 0x47, 0x1f))],
}, fixture('connect-obexftp-s45.hex'));
codecCase(requestCodec, 'obexftp -Upcsoftware CONNECT', { code: 0x80, connect: ftp, headers: [bytesHeader(OBEX_HEADER.TARGET, asciiBytes('PCSOFTWARE'))] }, fixture('connect-obexftp-pcsoftware.hex'));
codecCase(requestCodec, 'obex_test CONNECT with Who "Linux\\0"', {
  code: 0x80, connect: { version: 0x10, flags: 0, maxPacketLength: 0x2000 }, headers: [bytesHeader(OBEX_HEADER.WHO, asciiBytes('Linux\0'))],
}, `80 00 10  # CONNECT, length 16
    10 00 20 00  # version 1.0, flags 0, max 8192
    4a 00 09 "Linux" 00  # Who (peers/README 6: obex_test sends only Who "Linux\\0")`);

codecCase(requestCodec, 'PUT first packet (ConnID, Type, Length, Body)', {
  code: 0x02,
  headers: [
    uint32Header(OBEX_HEADER.CONNECTION_ID, 1), bytesHeader(OBEX_HEADER.TYPE, asciiBytes('application/vnd.syncml+wbxml\0')),
    uint32Header(OBEX_HEADER.LENGTH, 3), bytesHeader(OBEX_HEADER.BODY, Uint8Array.of(2, 0xa4)),
  ],
}, `02 00 32          # PUT (not final), length 50
    cb 00 00 00 01    # Connection ID 1
    42 00 20 "application/vnd.syncml+wbxml" 00   # Type, 3+29, NUL-terminated
    c3 00 00 00 03    # Length 3
    48 00 05 02 a4    # Body, 2 bytes`);
codecCase(requestCodec, 'final GET with ConnID and Type', {
  code: 0x83, headers: [uint32Header(OBEX_HEADER.CONNECTION_ID, 7), bytesHeader(OBEX_HEADER.TYPE, asciiBytes('application/vnd.syncml+xml\0'))],
}, `83 00 26 cb 00 00 00 07   # GET final, length 38, Connection ID 7
    42 00 1e "application/vnd.syncml+xml" 00`);
codecCase(requestCodec, 'DISCONNECT (protocol-notes 1.5)', { code: 0x81, headers: [uint32Header(OBEX_HEADER.CONNECTION_ID, 1)] },
  `81 00 08 cb 00 00 00 01  # DISCONNECT, length 8, Connection ID`);
codecCase(requestCodec, 'ABORT', { code: 0xff, headers: [] }, `ff 00 03`);
codecCase(requestCodec, 'SETPATH fixed fields', { code: 0x85, setpath: { flags: 3, constants: 0 }, headers: [unicodeHeader(OBEX_HEADER.NAME, '')] },
  `85 00 08  # SETPATH, length 8
   03 00     # flags: parent + do not create, constants
   01 00 03  # empty Name`);
codecCase(responseCodec, 'final GET response with End-of-Body', { code: 0xa0, headers: [bytesHeader(OBEX_HEADER.END_OF_BODY, asciiBytes('hi'))] },
  `a0 00 08 49 00 05 "hi"`);
decodeCase(connectResponseCodec, 'bare error answer to CONNECT (no fixed fields)', `c4 00 03`, { code: 0xc4, headers: [] });
codecCase(connectResponseCodec, 'CONNECT refused with fixed fields', { code: 0xc4, connect: { version: 0x10, flags: 0, maxPacketLength: 1024 }, headers: [] },
  `c4 00 07 10 00 04 00`);

nvalCase(requestCodec, 'packet shorter than 3 bytes', `82 00`, OBEX_ERR.TRUNCATED, 2);
nvalCase(requestCodec, 'packet length field < 3', `82 00 02`, OBEX_ERR.PACKET_LENGTH, 1);
nvalCase(requestCodec, 'packet length field != bytes', `82 00 05 49 00 03 00`, OBEX_ERR.PACKET_LENGTH, 1);
nvalCase(requestCodec, 'CONNECT without fixed fields', `80 00 05 10 00`, OBEX_ERR.TRUNCATED, 3);
nvalCase(requestCodec, 'SETPATH without fixed fields', `85 00 04 03`, OBEX_ERR.TRUNCATED, 3);
nvalCase(requestCodec, 'header length past packet end', fixture('put-header-length-past-end_nval_.hex'), OBEX_ERR.HEADER_LENGTH, 4);
nvalCase(requestCodec, 'unicode header odd length', fixture('name-unicode-odd_nval_.hex'), OBEX_ERR.HEADER_UNICODE, 4);
nvalCase(requestCodec, 'truncated 4-byte header in packet', `83 00 06 cb 00 00`, OBEX_ERR.TRUNCATED, 3);
nvalCase(connectResponseCodec, 'CONNECT success without fixed fields', `a0 00 03`, OBEX_ERR.TRUNCATED, 3);

test('decoded errors carry obexResponse 0xC0', () => {
  assert.throws(() => decodeRequest(Uint8Array.of(0x82, 0, 2)), { obexResponse: 0xc0, name: 'ObexError' });
});

test('encodePacket refuses a packet over the limit with 0xCD', () => {
  const p: ObexPacket = { code: 0x02, headers: [bytesHeader(OBEX_HEADER.BODY, new Uint8Array(300))] };
  assert.equal(encodePacket(p).length, 306);
  assert.throws(() => encodePacket(p, 255), { code: OBEX_ERR.PACKET_TOO_LARGE, obexResponse: 0xcd });
  const huge: ObexPacket = { code: 0x02, headers: [bytesHeader(OBEX_HEADER.BODY, new Uint8Array(65533))] };
  assert.throws(() => encodePacket(huge), { code: OBEX_ERR.PACKET_TOO_LARGE });
});

test('decoded byte values are copies, not views of the input', () => {
  const bytes = fixture('connect-syncml-sync.hex');
  const p = decodeRequest(bytes);
  bytes[10] = 0;
  const h = p.headers[0];
  assert.equal(h?.kind, 'bytes');
  if (h?.kind === 'bytes') assert.equal(h.value[0], 0x53);
});

test('largest unicode header (65533 bytes) round-trips, surrogate pairs kept as code units', () => {
  const text = 'é😀'.repeat(10921) + 'x';
  const bytes = encodeHeader(unicodeHeader(OBEX_HEADER.NAME, text));
  assert.equal(bytes.length, 3 + 2 * text.length + 2);
  assert.equal(decodeHeader(bytes, 0).header.value, text);
  assert.throws(() => encodeHeader(unicodeHeader(OBEX_HEADER.NAME, text + 'xx')), { code: OBEX_ERR.HEADER_VALUE });
});
