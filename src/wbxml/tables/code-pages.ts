/**
 * Code-page sets per document language, built once from the token tables. A SyncML document has
 * SyncML on page 0 and MetInf on page 1; a DevInf document has DevInf on page 0; a stand-alone
 * MetInf document has MetInf on page 0 (and, when decoding, also on page 1, where libwbxml's
 * stand-alone MetInf tables put it).
 */
import type { DtdVersion, Language, Ns } from '../../util/tree.js';
import { DEVINF10_TAGS, DEVINF11_TAGS, DEVINF12_TAGS } from './devinf.js';
import { METINF10_TAGS, METINF11_TAGS, METINF12_TAGS, SYNCML10_TAGS, SYNCML11_TAGS, SYNCML12_TAGS } from './syncml.js';

/** One code page: which vocabulary it is, and its token maps in both directions. */
export interface CodePage {
  readonly page: number;
  readonly ns: Ns;
  readonly nameOfToken: ReadonlyMap<number, string>;
  readonly tokenOfName: ReadonlyMap<string, number>;
}

/** All code pages of one document language. */
export interface CodePageSet {
  readonly language: Language;
  /** Pages the decoder accepts, by page number. */
  readonly pages: ReadonlyMap<number, CodePage>;
  /** Page the encoder uses for each namespace it can write in this document. */
  readonly pageOfNs: ReadonlyMap<Ns, CodePage>;
}

type TagTable = Readonly<Record<string, number>>;

/** Tag tables by namespace and version (the data the code pages are derived from). */
export const TAG_TABLES: Readonly<Record<Ns, Readonly<Record<DtdVersion, TagTable>>>> = {
  syncml: { '1.0': SYNCML10_TAGS, '1.1': SYNCML11_TAGS, '1.2': SYNCML12_TAGS },
  metinf: { '1.0': METINF10_TAGS, '1.1': METINF11_TAGS, '1.2': METINF12_TAGS },
  devinf: { '1.0': DEVINF10_TAGS, '1.1': DEVINF11_TAGS, '1.2': DEVINF12_TAGS },
};

function codePage(page: number, ns: Ns, table: TagTable): CodePage {
  const tokenOfName = new Map<string, number>();
  const nameOfToken = new Map<number, string>();
  for (const [name, token] of Object.entries(table)) {
    tokenOfName.set(name, token);
    nameOfToken.set(token, name);
  }
  return { page, ns, nameOfToken, tokenOfName };
}

const VERSIONS: readonly DtdVersion[] = ['1.0', '1.1', '1.2'];

/**
 * The table of `ns` as a `version` document uses it: its own tokens, plus every token of a later
 * version whose number and name are still free in it. Real peers put later tags into earlier
 * documents (Nokia: SourceParent in SyncML 1.1, DevInf 1.2 Property/PropParam in DevInf 1.1);
 * since the numbers never collide except for renames (DevInf 0x1C Size -> MaxSize, where the
 * document's own name wins), accepting them costs nothing and loses nothing.
 */
function liberalTable(ns: Ns, version: DtdVersion): TagTable {
  const own = TAG_TABLES[ns][version];
  const out: Record<string, number> = { ...own };
  const used = new Set(Object.values(own));
  for (const later of VERSIONS.slice(VERSIONS.indexOf(version) + 1)) {
    for (const [name, token] of Object.entries(TAG_TABLES[ns][later])) {
      if (name in out || used.has(token)) continue;
      out[name] = token;
      used.add(token);
    }
  }
  return out;
}

function buildSet(language: Language): CodePageSet {
  const v = language.version;
  const pages = new Map<number, CodePage>();
  const pageOfNs = new Map<Ns, CodePage>();
  if (language.kind === 'syncml') {
    const p0 = codePage(0, 'syncml', liberalTable('syncml', v));
    const p1 = codePage(1, 'metinf', liberalTable('metinf', v));
    pages.set(0, p0).set(1, p1);
    pageOfNs.set('syncml', p0).set('metinf', p1);
  } else if (language.kind === 'devinf') {
    const p0 = codePage(0, 'devinf', liberalTable('devinf', v));
    pages.set(0, p0);
    pageOfNs.set('devinf', p0);
  } else {
    // libwbxml (the oracle) writes stand-alone MetInf on page 1, the page MetInf has inside
    // SyncML; protocol-notes 4.5 calls it page 0. Decode both, write page 1 like libwbxml.
    const p1 = codePage(1, 'metinf', liberalTable('metinf', v));
    pages.set(0, codePage(0, 'metinf', liberalTable('metinf', v))).set(1, p1);
    pageOfNs.set('metinf', p1);
  }
  return { language, pages, pageOfNs };
}

const CACHE = new Map<string, CodePageSet>();

/** The code pages of a document language (cached). */
export function codePagesOf(language: Language): CodePageSet {
  const key = `${language.kind}/${language.version}`;
  let set = CACHE.get(key);
  if (set === undefined) {
    set = buildSet({ kind: language.kind, version: language.version });
    CACHE.set(key, set);
  }
  return set;
}
