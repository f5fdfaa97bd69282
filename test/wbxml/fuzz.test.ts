/**
 * Fuzz smoke (mqtt-packet testRandom style): a fixed-seed PRNG mutates seed documents (real
 * samples under 1.2 KB, hand-written fixtures) 100,000 times — bit flips, byte sets, insertions,
 * deletions, truncations, mb_u_int32 length bumps — and every outcome must be a document or a
 * WbxmlError. Crash inputs found while writing this are kept in test/fixtures/fuzz/wbxml/.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { WbxmlError } from '../../src/errors.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';
import { hex, toHex } from '../helpers/hex.js';
import { loadSamples } from './samples.js';
import { DEVINF_HEADER, SYNCML_HEADER } from './wbxml-codec.js';
import { mulberry32 } from '../helpers/prng.js';

const FIXTURES = [
  `${SYNCML_HEADER['1.0']} 6D 6C 71 03 "1.0" 00 01 01 6B 46 4B 03 "1" 00 01 5A 00 01 4A 03 "5" 00 01 4F 03 "9" 00 01 01 00 00 12 01 01 01`,
  `${SYNCML_HEADER['1.2']} 6D 5F 54 4F C3 16 ${DEVINF_HEADER['1.2']} 4A 65 03 "1.2" 00 01 51 03 "ACME" 00 01 01 01 01 01 01`,
  `${SYNCML_HEADER['1.1']} ED 04 00 03 "SYNCML:SYNCML1.1" 00 01 79 03 "p" 00 01 12 01`,
  '02 A401 6A 08 "x" 00 "hello" 00 6D 4F 83 02 01 02 81 69 01',
  '02 01 6A 00 4A 65 03 "1.1" 00 01 5C 03 "9" 00 01 01',
  '02 A402 6A 00 00 01 4E 4C 03 "4000" 00 01 01',
  `${SYNCML_HEADER['1.2']} 6D 4F C3 0D "BEGIN:VCARD" 0D 0A 01 01`,
].map((t) => hex(t));

const ITERATIONS = 100_000;

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let b: Uint8Array = src.slice();
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(Math.max(1, b.length));
    switch (pick(7)) {
      case 0: if (b.length > 0) b[at] = b[at]! ^ (1 << pick(8)); break; // bit flip
      case 1: if (b.length > 0) b[at] = pick(256); break; // byte set
      case 2: { // insertion
        const ins = Uint8Array.from({ length: 1 + pick(4) }, () => pick(256));
        const nb = new Uint8Array(b.length + ins.length);
        nb.set(b.subarray(0, at)); nb.set(ins, at); nb.set(b.subarray(at), at + ins.length);
        b = nb; break;
      }
      case 3: { // deletion
        const head = b.subarray(0, at);
        const tail = b.subarray(Math.min(b.length, at + 1 + pick(4)));
        const nb = new Uint8Array(head.length + tail.length);
        nb.set(head); nb.set(tail, head.length);
        b = nb; break;
      }
      case 4: b = b.slice(0, at); break; // truncation
      case 5: { // length-field bump: make a byte after OPAQUE / STR_T / the header a large mb_u_int32
        const idx = b.findIndex((x, i) => i >= at && (x === 0xc3 || x === 0x83));
        const p = idx >= 0 ? idx + 1 : 4;
        if (p < b.length) b[p] = b[p]! | 0x80;
        break;
      }
      default: if (b.length > 1) { const j = pick(b.length); const t = b[at]!; b[at] = b[j]!; b[j] = t; } break; // swap
    }
  }
  return b;
}

test(`fuzz smoke: ${ITERATIONS} mutated inputs give a document or a WbxmlError`, () => {
  const seeds = [...loadSamples().map(([, b]) => b).filter((b) => b.length <= 1200), ...FIXTURES];
  assert.ok(seeds.length >= 10);
  const rnd = mulberry32(0x5eed1234);
  let ok = 0;
  const codes = new Map<string, number>();
  for (let i = 0; i < ITERATIONS; i++) {
    const input = mutate(seeds[Math.floor(rnd() * seeds.length)]!, rnd);
    try {
      const doc = decodeWbxml(input, { limits: { maxDepth: 24, maxElements: 5000 } });
      ok++;
      // What decodes must also encode (or fail with a coded WbxmlError, e.g. a 1.1 DevInf nested in 1.2).
      try { encodeWbxml(doc); } catch (e) { if (!(e instanceof WbxmlError)) throw e; }
    } catch (e) {
      if (!(e instanceof WbxmlError)) assert.fail(`iteration ${i}: ${String(e)} for input ${toHex(input)}`);
      assert.ok(e.code.startsWith('SB_ERR_WBXML_') && typeof e.offset === 'number', `${e.code} ${e.message}`);
      codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
    }
  }
  const errors = [...codes.values()].reduce((a, b) => a + b, 0);
  assert.equal(ok + errors, ITERATIONS);
  assert.ok(ok > 0, 'some mutated inputs decode');
  assert.ok(errors > 0, 'some mutated inputs fail');
  assert.ok(codes.size >= 5, `several error kinds: ${[...codes.keys()].join(', ')}`);
});

test('regression inputs in test/fixtures/fuzz/wbxml decode or fail with a WbxmlError', () => {
  const dir = new URL('../fixtures/fuzz/wbxml/', import.meta.url);
  const files = readdirSync(dir).filter((f) => f.endsWith('.bin') || f.endsWith('.hex'));
  for (const f of files) {
    const raw = new Uint8Array(readFileSync(new URL(f, dir)));
    const input = f.endsWith('.hex') ? hex(new TextDecoder().decode(raw)) : raw;
    try { decodeWbxml(input); } catch (e) { assert.ok(e instanceof WbxmlError, `${f}: ${String(e)}`); }
  }
});
