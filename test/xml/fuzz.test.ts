/**
 * Fuzz smoke (fixed seed): 100,000 mutated inputs, byte-level (flip, insert, delete, duplicate,
 * truncate) and token-level (duplicate / remove / swap / rename tags, inject DOCTYPE, entity
 * references, CDATA). Every outcome must be a tree or an XmlError; both must occur. Accepted
 * inputs must survive writeXml -> parseXml unchanged. Kept regression inputs live in
 * test/fixtures/fuzz/xml.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { test } from 'node:test';
import { XmlError } from '../../src/errors.js';
import { sameTree, type XDocument } from '../../src/util/tree.js';
import { parseXml, writeXml } from '../../src/xml/index.js';
import { readCorpus } from './corpus-helpers.js';
import { mulberry32 as prng } from '../helpers/prng.js';

const FUZZ_DIR = fileURLToPath(new URL('../fixtures/fuzz/xml/', import.meta.url));
const ITERATIONS = 100_000;
const UTF8 = new TextEncoder();

const SEEDS: Uint8Array[] = [
  '<SyncML xmlns="SYNCML:SYNCML1.2"><SyncHdr><VerDTD>1.2</VerDTD><SessionID>1</SessionID></SyncHdr><SyncBody><Alert><CmdID>1</CmdID><Data>200</Data><Item><Meta><Anchor xmlns="syncml:metinf"><Next>2</Next></Anchor></Meta></Item></Alert><Final/></SyncBody></SyncML>',
  '<?xml version="1.0"?><!DOCTYPE SyncML PUBLIC "-//SYNCML//DTD SyncML 1.0//EN" "x"><SyncML><SyncHdr><VerDTD>1.0</VerDTD></SyncHdr><SyncBody><Add><Item><Data><![CDATA[BEGIN:VCARD\r\nN:Zoë;Ωmega\r\nEND:VCARD\r\n]]></Data></Item></Add></SyncBody></SyncML>',
  '<SyncML xmlns="syncml:syncml1.1" xmlns:m="syncml:metinf"><SyncHdr><VerDTD>1.1</VerDTD></SyncHdr><SyncBody><Put><Meta><m:Type>application/vnd.syncml-devinf+xml</m:Type></Meta><Item><Data><DevInf xmlns="syncml:devinf"><VerDTD>1.1</VerDTD><Man>&amp;&lt;&#x41;</Man><UTC/></DevInf></Data></Item></Put></SyncBody></SyncML>',
  '<DevInf xmlns="syncml:devinf"><VerDTD>1.2</VerDTD><DataStore><SourceRef>./c</SourceRef><CTCap><CTType>text/vcard</CTType><Property><PropName>N</PropName><MaxSize>5</MaxSize></Property></CTCap></DataStore></DevInf>',
].map((s) => UTF8.encode(s));
for (const f of ['syncml12/007-server-suspend-alert224.xml', 'syncml10/006-server-map-ack-exec.xml']) SEEDS.push(readCorpus(f));

const INTERESTING = [...'<>&;]["\'/!?=: -#x'].map((c) => c.charCodeAt(0)).concat([0x00, 0x0d, 0x0a, 0xff, 0xc3, 0xe2, 0x80, 0xef]);
const SNIPPETS = ['<!DOCTYPE SyncML [<!ENTITY a "b">]>', '&a;', '&amp;', '&#13;', '&#xD800;', '<![CDATA[x]]>', ']]>', '<!--c-->', '<?pi?>',
  '<Meta>', '</Meta>', '<DevInf>', 'xmlns="syncml:metinf"', ' xmlns="SYNCML:SYNCML1.1"', '<m:Type>', '<VerDTD>1.0</VerDTD>', '\r\n'].map((s) => UTF8.encode(s));

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

/** Byte ranges of the tags (`<...>`) of an input. */
function tagSpans(b: Uint8Array): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  for (let i = 0; i < b.length; i++) {
    if (b[i] !== 0x3c) continue;
    const j = b.indexOf(0x3e, i);
    if (j < 0) break;
    spans.push([i, j + 1]);
    i = j;
  }
  return spans;
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let b = input;
  const rounds = 1 + pick(3);
  for (let r = 0; r < rounds; r++) {
    const at = pick(b.length + 1);
    switch (pick(10)) {
      case 0: { const c = b.slice(); const k = pick(c.length); if (c.length > 0) c[k] = (c[k] ?? 0) ^ (1 << pick(8)); b = c; break; }
      case 1: b = concat(b.subarray(0, at), new Uint8Array([INTERESTING[pick(INTERESTING.length)]!]), b.subarray(at)); break;
      case 2: b = concat(b.subarray(0, at), b.subarray(Math.min(b.length, at + 1 + pick(8)))); break;
      case 3: b = b.subarray(0, at); break;
      case 4: b = concat(b.subarray(0, at), SNIPPETS[pick(SNIPPETS.length)]!, b.subarray(at)); break;
      default: {
        const spans = tagSpans(b);
        if (spans.length < 2) break;
        const [s1, e1] = spans[pick(spans.length)]!;
        const [s2, e2] = spans[pick(spans.length)]!;
        const op = pick(4);
        if (op === 0) b = concat(b.subarray(0, e1), b.subarray(s1, e1), b.subarray(e1)); // duplicate a tag
        else if (op === 1) b = concat(b.subarray(0, s1), b.subarray(e1)); // remove a tag
        else if (op === 2 && e1 <= s2) b = concat(b.subarray(0, s1), b.subarray(s2, e2), b.subarray(e1, s2), b.subarray(s1, e1), b.subarray(e2)); // swap
        else b = concat(b.subarray(0, s1), b.subarray(s2, e2), b.subarray(e1)); // replace by another tag
      }
    }
  }
  return b;
}

function outcome(bytes: Uint8Array): XDocument | XmlError {
  try {
    return parseXml(bytes);
  } catch (e) {
    if (e instanceof XmlError) return e;
    throw new Error(`non-XmlError escaped for input ${JSON.stringify(new TextDecoder().decode(bytes))}: ${String(e)}`, { cause: e });
  }
}

function assertRoundTrip(d: XDocument, what: string): void {
  const again = parseXml(writeXml(d));
  assert.deepEqual(again.language, d.language, what);
  assert.ok(sameTree(again.root, d.root), what);
}

test('kept fuzz regression inputs give a tree or an XmlError', () => {
  const files = readdirSync(FUZZ_DIR).filter((f) => f.endsWith('.xml'));
  assert.ok(files.length >= 5);
  for (const f of files) {
    const r = outcome(new Uint8Array(readFileSync(join(FUZZ_DIR, f))));
    if (!(r instanceof XmlError)) assertRoundTrip(r, f);
  }
});

test(`fuzz smoke: ${ITERATIONS} mutated inputs, fixed seed`, () => {
  const rnd = prng(0x5eed1234);
  const codes = new Map<string, number>();
  let trees = 0;
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(SEEDS[i % SEEDS.length]!, rnd);
    const r = outcome(input);
    if (r instanceof XmlError) codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
    else {
      trees++;
      if (i % 10 === 0) assertRoundTrip(r, `iteration ${i}`);
    }
  }
  const errors = [...codes.values()].reduce((a, b) => a + b, 0);
  assert.equal(trees + errors, ITERATIONS);
  assert.ok(trees > 1000, `only ${trees} inputs parsed`);
  assert.ok(errors > 1000, `only ${errors} inputs rejected`);
  for (const c of ['SB_ERR_XML_MALFORMED', 'SB_ERR_XML_TRUNCATED', 'SB_ERR_XML_UNBALANCED', 'SB_ERR_XML_ENTITY', 'SB_ERR_XML_DTD', 'SB_ERR_XML_ENCODING']) {
    assert.ok((codes.get(c) ?? 0) > 0, `no ${c} outcome: ${JSON.stringify([...codes])}`);
  }
});
