/**
 * Fuzz smoke for the full message decoder (fixed-seed PRNG): 100,000 mutated real WBXML and
 * XML samples, plus mutated encodings of generated messages covering every command. Every
 * outcome must be a message or a BridgeError (WbxmlError / XmlError / SyncmlError), never
 * another exception.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import fc from 'fast-check';
import { BridgeError } from '../../src/errors.js';
import { decodeMessage, encodeMessage } from '../../src/syncml/index.js';
import { arbMessage } from './arbitraries.js';
import { samplePaths } from './samples.js';
import { mulberry32 as prng } from '../helpers/prng.js';

const ITERATIONS = 100_000;

const XML_TOKENS = ['<', '>', '</', '/>', '<Data>', '</Data>', '<CmdID>', '<Item>', '<![CDATA[', ']]>', '&amp;', '&#0;', '\u0000', 'xmlns="syncml:devinf"', '<Sync>', '<Meta>', '999999999999999999'];

function cat(...parts: Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) { out.set(p, o); o += p.length; }
  return out;
}

function mutate(input: Uint8Array, rnd: () => number): Uint8Array {
  const int = (n: number): number => Math.floor(rnd() * n);
  let b: Uint8Array = Uint8Array.from(input);
  const rounds = 1 + int(4);
  for (let r = 0; r < rounds; r++) {
    if (b.length === 0) break;
    switch (int(7)) {
      case 0: { const i = int(b.length); b[i] = b[i]! ^ (1 << int(8)); break; }
      case 1: { b[int(b.length)] = int(256); break; }
      case 2: { b = b.subarray(0, int(b.length)); break; }
      case 3: { // delete a slice
        const i = int(b.length); const n = 1 + int(16);
        b = cat(b.subarray(0, i), b.subarray(i + n));
        break;
      }
      case 4: { // duplicate a slice
        const i = int(b.length); const n = 1 + int(32);
        b = cat(b.subarray(0, i + n), b.subarray(i, i + n), b.subarray(i + n));
        break;
      }
      case 5: { // insert interesting bytes (WBXML tokens / XML markup)
        const i = int(b.length);
        const ins = rnd() < 0.5 ? Uint8Array.from([[0x00, 0x01, 0x03, 0x83, 0xc3, 0x40, 0x80, 0xff][int(8)]!, int(256)]) : new TextEncoder().encode(XML_TOKENS[int(XML_TOKENS.length)]!);
        b = cat(b.subarray(0, i), ins, b.subarray(i));
        break;
      }
      default: { const i = int(b.length); b[i] = [0x00, 0x01, 0x03, 0xc3, 0x3c, 0x3e][int(6)]!; }
    }
  }
  return b;
}

test(`decodeMessage survives ${ITERATIONS} mutated inputs with only BridgeErrors`, (t) => {
  const real = samplePaths().filter((p) => statSync(p).size <= 2500).map((p) => new Uint8Array(readFileSync(p)));
  const big = samplePaths().filter((p) => statSync(p).size > 2500).slice(0, 4).map((p) => new Uint8Array(readFileSync(p)));
  const generated = [
    ...fc.sample(arbMessage({ version: '1.2', binary: true }), { seed: 7, numRuns: 12 }).map((m) => encodeMessage(m, 'wbxml')),
    ...fc.sample(arbMessage({ version: '1.1', binary: false }), { seed: 8, numRuns: 12 }).map((m) => encodeMessage(m, 'xml')),
    ...fc.sample(arbMessage({ version: '1.0', binary: true }), { seed: 9, numRuns: 6 }).map((m) => encodeMessage(m, 'wbxml')),
  ];
  assert.ok(real.length >= 10 && generated.length > 0);
  const rnd = prng(0x5eed);
  const outcomes = { message: 0, WbxmlError: 0, XmlError: 0, SyncmlError: 0, other: 0 };
  for (let i = 0; i < ITERATIONS; i++) {
    const pool = i % 100 === 0 && big.length > 0 ? big : i % 3 === 0 ? generated : real;
    const input = mutate(pool[Math.floor(rnd() * pool.length)]!, rnd);
    try {
      decodeMessage(input, i % 2 === 0 ? {} : { contentType: i % 4 === 1 ? 'application/vnd.syncml+wbxml' : 'application/vnd.syncml+xml' });
      outcomes.message++;
    } catch (e) {
      if (!(e instanceof BridgeError)) {
        assert.fail(`iteration ${i}: ${String(e)}\ninput: ${Buffer.from(input).toString('hex').slice(0, 400)}`);
      }
      if (e.name === 'WbxmlError' || e.name === 'XmlError') outcomes[e.name]++;
      else outcomes.SyncmlError++;
    }
  }
  t.diagnostic(JSON.stringify(outcomes));
  // Sanity: the mutations neither always break nor never break the input.
  assert.ok(outcomes.message > 1000, JSON.stringify(outcomes));
  assert.ok(outcomes.SyncmlError > 100, JSON.stringify(outcomes));
  assert.ok(outcomes.WbxmlError > 1000 && outcomes.XmlError > 1000, JSON.stringify(outcomes));
});
