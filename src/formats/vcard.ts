/**
 * vCard 2.1 and 3.0, read and written by one hand-written parser (DESIGN.md section 4 allows
 * ical.js for 3.0; one code path for both versions keeps 2.1 <-> 3.0 conversion lossless).
 * Quirks tolerated: protocol-notes section 5 (QP soft breaks across folded lines, N9 bogus
 * soft break, per-property CHARSET, bare TYPE values, both folding styles, missing END,
 * lower-case names, LF-only line ends).
 */
import { decodeBytes, encodeText, isAscii } from './charset.js';
import { formatError, parseContentLine, toBinaryString, unfold, foldLine, quoteParam, type MimeDirLimits, type MimeDirParam } from './mime-dir.js';
import { qpDecode, qpEncode } from './qp.js';

/** One vCard property, decoded. */
export interface VCardProperty {
  readonly group?: string;
  /** Upper-case name. */
  readonly name: string;
  /** Parameters other than ENCODING and CHARSET; bare 2.1 values appear as `TYPE` with `bare`. */
  readonly params: readonly MimeDirParam[];
  /** Decoded text; components of structured values (N, ADR, ORG, GEO) joined with `;`. */
  readonly value: string;
  /** Decoded, unescaped components (one element for non-structured values). */
  readonly values: readonly string[];
  /** Decoded bytes when the value was BASE64 / b. */
  readonly data?: Uint8Array;
  /** ENCODING as read (upper case), if any. */
  readonly encoding?: string;
  /** CHARSET as read, if any. */
  readonly charset?: string;
  /** The unfolded line as read (binary string), for faithful rewrite; absent on built cards. */
  readonly raw?: string;
}

/** One vCard: its version and its ordered properties (BEGIN, VERSION and END excluded). */
export interface VCard {
  readonly version: string;
  readonly properties: readonly VCardProperty[];
}

/** Parse options. */
export interface ParseVCardOptions extends MimeDirLimits {
  /** Charset for properties without CHARSET (default: UTF-8, falling back to Latin-1). */
  readonly defaultCharset?: string;
}

/** Write options. */
export interface WriteVCardOptions {
  /** Charset for 2.1 non-ASCII values (default UTF-8); values it cannot hold fall back to UTF-8. */
  readonly charset?: string;
  /** Longest physical line (default 75). */
  readonly foldAt?: number;
  /**
   * 2.1: QP-encode values holding 8-bit characters (default true). False: such values go out as
   * characters with CHARSET (encode the result in `charset`); multi-line values still use QP,
   * which is the only way 2.1 carries a line break.
   */
  readonly quoteEightBit?: boolean;
  /**
   * Fold long lines (default true): 3.0 CRLF+space folding, 2.1 QP soft breaks for long values
   * and BASE64 on indented lines. False: every property on one physical line (Motorola V3).
   */
  readonly fold?: boolean;
  /** Drop properties with an empty value (Siemens SX1 crashes on them). */
  readonly dropEmpty?: boolean;
  /** Add TYPE INTERNET to EMAIL when missing (Nokia E51 hides such addresses). */
  readonly emailInternet?: boolean;
}

const STRUCTURED = new Set(['N', 'ADR', 'ORG', 'GEO']);
const LISTS = new Set(['CATEGORIES', 'NICKNAME']);
const BARE_ENCODINGS = new Set(['QUOTED-PRINTABLE', 'BASE64', '8BIT', '7BIT', 'B']);

/** True for the structured properties whose `;` separates components. */
export function isStructured(name: string): boolean {
  return STRUCTURED.has(name.toUpperCase());
}

/** All TYPE values of a property, upper case, in order. */
export function typesOf(prop: VCardProperty): string[] {
  return prop.params.filter((p) => p.name === 'TYPE').flatMap((p) => p.values.map((v) => v.toUpperCase()));
}

function splitComponents(text: string, v30: boolean): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] ?? '';
    if (ch === '\\' && i + 1 < text.length) {
      const next = text[i + 1] ?? '';
      if (next === ';') cur += ';';
      else if (v30) cur += unescapeOne(next);
      else cur += ch + next;
      i += 1;
    } else if (ch === ';') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function unescapeOne(next: string): string {
  if (next === 'n' || next === 'N') return '\n';
  if (next === ',' || next === ';' || next === '\\' || next === ':') return next;
  return `\\${next}`;
}

function unescapeText(text: string, keepCommaEscapes: boolean): string {
  return text.replace(/\\(.)/gs, (_m, ch: string) => (keepCommaEscapes && ch === ',' ? '\\,' : unescapeOne(ch)));
}

function binaryToBytes(bin: string): Uint8Array {
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i) & 0xff;
  return out;
}

function decodeParamText(bin: string): string {
  return decodeBytes(binaryToBytes(bin));
}

function decodeProperty(raw: string, v30: boolean, opts: ParseVCardOptions): VCardProperty {
  const line = parseContentLine(raw);
  let encoding: string | undefined;
  let charset: string | undefined;
  const params: MimeDirParam[] = [];
  for (const p of line.params) {
    const first = decodeParamText(p.values[0] ?? '');
    if (p.name === 'ENCODING') encoding = first.toUpperCase();
    else if (p.name === 'CHARSET') charset = first;
    else if (p.bare === true && BARE_ENCODINGS.has(first.toUpperCase())) encoding = first.toUpperCase();
    else if (p.name === 'TYPE') params.push({ ...p, values: p.values.map((v) => decodeParamText(v).toUpperCase()) });
    else params.push({ ...p, values: p.values.map(decodeParamText) });
  }
  const base = {
    ...(line.group === undefined ? {} : { group: decodeParamText(line.group) }),
    name: line.name,
    params,
    ...(encoding === undefined ? {} : { encoding }),
    ...(charset === undefined ? {} : { charset }),
    raw,
  };
  if (encoding === 'BASE64' || encoding === 'B') {
    const data = new Uint8Array(Buffer.from(line.value.replace(/\s+/g, ''), 'base64'));
    return { ...base, value: '', values: [''], data };
  }
  const bytes = encoding === 'QUOTED-PRINTABLE' ? qpDecode(line.value) : binaryToBytes(line.value);
  const text = decodeBytes(bytes, charset ?? opts.defaultCharset).replace(/\r\n|\r/g, '\n');
  const values = STRUCTURED.has(line.name)
    ? splitComponents(text, v30)
    : [v30 ? unescapeText(text, LISTS.has(line.name)) : text];
  return { ...base, value: values.join(';'), values };
}

/**
 * Parse every vCard in a text or byte stream.
 * @throws SyncmlError `SB_ERR_FORMAT_NO_BEGIN` (415) when there is no `BEGIN:VCARD`,
 *   `SB_ERR_FORMAT_TOO_LARGE` (413), `SB_ERR_FORMAT_LINE_TOO_LONG`, `SB_ERR_FORMAT_LINE` (400).
 */
export function parseVCards(input: string | Uint8Array, opts: ParseVCardOptions = {}): VCard[] {
  const lines = unfold(toBinaryString(input, opts.maxBytes), opts);
  const cards: VCard[] = [];
  let props: VCardProperty[] | undefined;
  let version = '2.1';
  const close = (): void => {
    if (props !== undefined) cards.push({ version, properties: props });
    props = undefined;
  };
  for (const raw of lines) {
    if (/^\s*BEGIN\s*:\s*VCARD\s*$/i.test(raw)) {
      close();
      props = [];
      version = '2.1';
      continue;
    }
    if (props === undefined) continue;
    if (/^\s*END\s*:\s*VCARD\s*$/i.test(raw)) {
      close();
      continue;
    }
    if (/^\s*VERSION\s*:/i.test(raw)) {
      version = raw.slice(raw.indexOf(':') + 1).trim();
      continue;
    }
    if (raw.trim() === '') continue;
    props.push(decodeProperty(raw, version !== '2.1', opts));
  }
  close();
  if (cards.length === 0) throw formatError('no BEGIN:VCARD in input', 'NO_BEGIN', 415);
  return cards;
}

/** Parse exactly one vCard (the first in the input). */
export function parseVCard(input: string | Uint8Array, opts: ParseVCardOptions = {}): VCard {
  const [card] = parseVCards(input, opts);
  if (card === undefined) throw formatError('no BEGIN:VCARD in input', 'NO_BEGIN', 415);
  return card;
}

function escape30(text: string, name: string): string {
  let out = text.replace(/\\/g, '\\\\').replace(/;/g, '\\;').replace(/\n/g, '\\n');
  if (!LISTS.has(name)) out = out.replace(/,/g, '\\,');
  return out;
}

function paramsFor(prop: VCardProperty, v30: boolean, opts: WriteVCardOptions): string {
  const types: string[] = [];
  const others: string[] = [];
  for (const p of prop.params) {
    if (p.name === 'TYPE') types.push(...p.values.filter((v) => v !== ''));
    else if (v30) others.push(`;${p.name}=${p.values.map(quoteParam).join(',')}`);
    else others.push(...p.values.map((v) => `;${p.name}=${quoteParam(v)}`));
  }
  if (opts.emailInternet === true && prop.name === 'EMAIL' && !types.some((t) => t.toUpperCase() === 'INTERNET')) types.unshift('INTERNET');
  if (types.length === 0) return others.join('');
  if (v30) return `;TYPE=${types.map(quoteParam).join(',')}${others.join('')}`;
  const binary = prop.data !== undefined;
  return types.map((t) => (binary ? `;TYPE=${t}` : `;${t}`)).join('') + others.join('');
}

function writeProperty(prop: VCardProperty, v30: boolean, opts: WriteVCardOptions): string {
  const foldAt = opts.foldAt ?? 75;
  const fold = opts.fold !== false;
  const folded = (line: string): string => (fold ? foldLine(line, foldAt) : line);
  const head = `${prop.group === undefined ? '' : `${prop.group}.`}${prop.name}${paramsFor(prop, v30, opts)}`;
  if (prop.data !== undefined) {
    const b64 = Buffer.from(prop.data).toString('base64');
    if (v30) return folded(`${head};ENCODING=b:${b64}`);
    if (!fold) return `${head};ENCODING=BASE64:${b64}\r\n`;
    const chunks = b64.match(new RegExp(`.{1,${Math.max(foldAt - 4, 8)}}`, 'g')) ?? [''];
    return `${head};ENCODING=BASE64:\r\n${chunks.map((c) => `    ${c}`).join('\r\n')}\r\n`;
  }
  const values = prop.values.length > 0 ? prop.values : [prop.value];
  if (v30) {
    const text = STRUCTURED.has(prop.name) ? values.map((v) => escape30(v, '')).join(';') : escape30(values[0] ?? '', prop.name);
    return folded(`${head}:${text}`);
  }
  const text = STRUCTURED.has(prop.name) ? values.map((v) => v.replace(/;/g, '\\;')).join(';') : (values[0] ?? '');
  const ascii = isAscii(text);
  const wantQp = /[\r\n]/.test(text) || (!ascii && opts.quoteEightBit !== false) || (fold && head.length + 1 + text.length > foldAt);
  let charset = opts.charset ?? 'UTF-8';
  let fallback = false;
  if (!ascii && encodeText(text, charset) === undefined) {
    charset = 'UTF-8';
    fallback = opts.charset !== undefined && opts.charset.toUpperCase() !== 'UTF-8';
  }
  const cs = ascii ? '' : `;CHARSET=${charset}`;
  // A value that does not fit the output charset is QP-encoded UTF-8 so the output stays in one charset.
  if (!wantQp && !fallback) return `${head}${cs}:${text}`;
  const bytes = encodeText(text.replace(/\n/g, '\r\n'), charset) ?? new TextEncoder().encode(text);
  const lead = `${head}${cs};ENCODING=QUOTED-PRINTABLE:`;
  return lead + qpEncode(bytes, fold ? foldAt + 1 : Infinity, lead.length);
}

/**
 * Write a vCard in the given version, CRLF line ends. 2.1: QP for non-ASCII/long/multi-line
 * values with CHARSET, `ENCODING=BASE64`, bare TYPE values. 3.0: escaping, `ENCODING=b`,
 * `TYPE=` lists, CRLF+space folding. Non-ASCII 2.1 values written without QP (`quoteEightBit: false`)
 * are left as characters: encode the result in `opts.charset`.
 */
export function writeVCard(card: VCard, version: '2.1' | '3.0', opts: WriteVCardOptions = {}): string {
  const v30 = version === '3.0';
  const lines = ['BEGIN:VCARD', `VERSION:${version}`];
  for (const prop of card.properties) {
    if (opts.dropEmpty === true && prop.data === undefined && prop.values.every((v) => v === '')) continue;
    lines.push(writeProperty(prop, v30, opts));
  }
  lines.push('END:VCARD');
  return `${lines.join('\r\n')}\r\n`;
}

/** Build a property from plain parts; values of structured names split on `;` (`\;` is a literal `;`). */
export function vcardProperty(name: string, value: string | Uint8Array, types: readonly string[] = [], group?: string): VCardProperty {
  const upper = name.toUpperCase();
  const params: MimeDirParam[] = types.length === 0 ? [] : [{ name: 'TYPE', values: [...types] }];
  const base = { ...(group === undefined ? {} : { group }), name: upper, params };
  if (typeof value !== 'string') return { ...base, value: '', values: [''], data: value };
  const values = STRUCTURED.has(upper) ? value.split(/(?<!\\);/).map((v) => v.replace(/\\;/g, ';')) : [value];
  return { ...base, value, values };
}

/**
 * `writeVCard`, then encoded in `opts.charset` (default UTF-8): the bytes to send when 2.1
 * values are written without QP.
 */
export function encodeVCard(card: VCard, version: '2.1' | '3.0', opts: WriteVCardOptions = {}): Uint8Array {
  const text = writeVCard(card, version, opts);
  const charset = version === '3.0' ? 'UTF-8' : (opts.charset ?? 'UTF-8');
  return encodeText(text, charset) ?? new TextEncoder().encode(text);
}
