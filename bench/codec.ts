/**
 * Codec benchmark: a SyncML 1.2 message carrying 2,000 vCards (made by the peers' contact
 * generator, `../shared/peers/gen-vcards.py`, fixed seed), in WBXML and in XML.
 *
 * Measured in one run, so the ratios are comparable on a noisy machine:
 *  - in-process throughput (MB/s of input) of our WBXML decode, WBXML encode, XML parse,
 *    XML write, and full message decode (bytes -> typed model);
 *  - whole-process conversions, ours (`syncml-bridge wbxml decode|encode`) against the named
 *    baseline libwbxml 0.11 (`wbxml2xml`, `xml2wbxml -n -v 1.2`), median of several runs.
 * Prints a table and the ratios; asserts nothing about time.
 *
 * Usage: npm run bench [-- --count 2000 --runs 7]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { el, type XDocument, type XElement } from '../src/util/tree.js';
import { decodeWbxml, encodeWbxml } from '../src/wbxml/index.js';
import { parseXml, writeXml } from '../src/xml/index.js';
import { decodeMessage } from '../src/syncml/index.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PEERS = resolve(ROOT, '../shared/peers');

function arg(name: string, dflt: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : dflt;
}
const COUNT = arg('count', 2000);
const RUNS = arg('runs', 7);

function makeVCards(dir: string): string[] {
  const gen = join(PEERS, 'gen-vcards.py');
  if (!existsSync(gen)) throw new Error(`needs the peers' contact generator at ${gen}`);
  execFileSync('python3', [gen, '--out', dir, '--count', String(COUNT), '--seed', '2024'], { stdio: 'ignore' });
  return readdirSync(dir).filter((f) => f.endsWith('.vcf')).sort().map((f) => readFileSync(join(dir, f), 'utf8'));
}

/** Message tree: SyncHdr + one Sync with an Add per vCard (as a phone's slow sync sends). */
function messageTree(cards: string[]): XDocument {
  const s = (name: string, kids: (XElement | string)[] = []): XElement => el(name, 'syncml', kids);
  const m = (name: string, kids: (XElement | string)[] = []): XElement => el(name, 'metinf', kids);
  const adds = cards.map((card, i) => s('Add', [
    s('CmdID', [String(i + 3)]),
    s('Meta', [m('Type', ['text/x-vcard'])]),
    s('Item', [s('Source', [s('LocURI', [String(1000 + i)])]), s('Data', [card])]),
  ]));
  const root = s('SyncML', [
    s('SyncHdr', [
      s('VerDTD', ['1.2']), s('VerProto', ['SyncML/1.2']), s('SessionID', ['42']), s('MsgID', ['2']),
      s('Target', [s('LocURI', ['http://127.0.0.1:8280/sync'])]),
      s('Source', [s('LocURI', ['IMEI:350000000000001'])]),
      s('Meta', [m('MaxMsgSize', ['10000000'])]),
    ]),
    s('SyncBody', [
      s('Status', [s('CmdID', ['1']), s('MsgRef', ['1']), s('CmdRef', ['0']), s('Cmd', ['SyncHdr']),
        s('TargetRef', ['IMEI:350000000000001']), s('SourceRef', ['http://127.0.0.1:8280/sync']), s('Data', ['200'])]),
      s('Sync', [s('CmdID', ['2']), s('Target', [s('LocURI', ['contacts'])]), s('Source', [s('LocURI', ['./contacts'])]),
        s('NumberOfChanges', [String(cards.length)]), ...adds]),
      s('Final'),
    ]),
  ]);
  return { language: { kind: 'syncml', version: '1.2' }, root };
}

/** Run fn repeatedly for at least ~1 s (and at least 3 times); MB/s of `bytes` per call, median of batches. */
function throughput(bytes: number, fn: () => unknown): number {
  fn(); // warm up
  const rates: number[] = [];
  const deadline = performance.now() + 1500;
  while (rates.length < 3 || performance.now() < deadline) {
    const t0 = performance.now();
    fn();
    const dt = (performance.now() - t0) / 1000;
    rates.push(bytes / 1e6 / dt);
  }
  return median(rates);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/** Median wall time (s) of a whole process. */
function processTime(cmd: string, args: string[]): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    const dt = (performance.now() - t0) / 1000;
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr.toString()}`);
    times.push(dt);
  }
  return median(times);
}

function main(): void {
  const work = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  try {
    const cards = makeVCards(join(work, 'vcards'));
    const doc = messageTree(cards);
    const wbxml = encodeWbxml(doc);
    const xmlText = writeXml(doc);
    const xml = new TextEncoder().encode(xmlText);
    const wbxmlFile = join(work, 'msg.wbxml');
    const xmlFile = join(work, 'msg.xml');
    writeFileSync(wbxmlFile, wbxml);
    writeFileSync(xmlFile, xml);
    const mb = (n: number): string => (n / 1e6).toFixed(2);
    process.stdout.write(`message: ${cards.length} vCards; WBXML ${mb(wbxml.length)} MB, XML ${mb(xml.length)} MB\n\n`);

    const inproc: [string, number][] = [
      ['WBXML decode (bytes -> tree)', throughput(wbxml.length, () => decodeWbxml(wbxml))],
      ['WBXML encode (tree -> bytes)', throughput(wbxml.length, () => encodeWbxml(doc))],
      ['XML parse (bytes -> tree)', throughput(xml.length, () => parseXml(xml))],
      ['XML write (tree -> text)', throughput(xml.length, () => writeXml(doc))],
      ['message decode WBXML (bytes -> model)', throughput(wbxml.length, () => decodeMessage(wbxml, { contentType: 'application/vnd.syncml+wbxml' }))],
      ['message decode XML (bytes -> model)', throughput(xml.length, () => decodeMessage(xml, { contentType: 'application/vnd.syncml+xml' }))],
      ['WBXML -> XML (decode + write)', throughput(wbxml.length, () => writeXml(decodeWbxml(wbxml)))],
      ['XML -> WBXML (parse + encode)', throughput(xml.length, () => encodeWbxml(parseXml(xml)))],
    ];
    process.stdout.write('in-process throughput (MB/s of input, median):\n');
    for (const [name, rate] of inproc) process.stdout.write(`  ${name.padEnd(40)} ${rate.toFixed(1).padStart(8)}\n`);

    const bin = join(ROOT, 'bin/syncml-bridge.js');
    const haveLib = spawnSync('wbxml2xml', ['--help'], { stdio: 'ignore' }).error === undefined;
    if (!haveLib) {
      process.stdout.write('\nlibwbxml tools not found (apt-get install libwbxml2-utils): no baseline ratio\n');
      return;
    }
    if (!existsSync(join(ROOT, 'dist/daemon/main.js'))) execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'ignore' });
    const outX = join(work, 'lib.xml');
    const outW = join(work, 'lib.wbxml');
    const rows: [string, number, number][] = [
      ['WBXML -> XML', processTime('wbxml2xml', ['-o', outX, wbxmlFile]), processTime(process.execPath, [bin, 'wbxml', 'decode', wbxmlFile])],
      ['XML -> WBXML', processTime('xml2wbxml', ['-n', '-v', '1.2', '-o', outW, xmlFile]), processTime(process.execPath, [bin, 'wbxml', 'encode', xmlFile])],
    ];
    const idle = processTime(process.execPath, ['-e', '0']);
    process.stdout.write(`\nwhole process, median of ${RUNS} (baseline: libwbxml 0.11 wbxml2xml / xml2wbxml -n -v 1.2):\n`);
    process.stdout.write(`  ${'conversion'.padEnd(14)} ${'libwbxml s'.padStart(11)} ${'ours s'.padStart(9)} ${'ours/libwbxml'.padStart(14)}   (node startup alone: ${idle.toFixed(3)} s)\n`);
    for (const [name, lib, ours] of rows) {
      process.stdout.write(`  ${name.padEnd(14)} ${lib.toFixed(3).padStart(11)} ${ours.toFixed(3).padStart(9)} ${(ours / lib).toFixed(2).padStart(14)}x\n`);
    }
    const libRate = wbxml.length / 1e6 / rows[0]![1];
    process.stdout.write(`\nlibwbxml wbxml2xml whole-process throughput: ${libRate.toFixed(1)} MB/s; ours in-process WBXML -> XML: ${inproc[6]![1].toFixed(1)} MB/s (ratio ${(inproc[6]![1] / libRate).toFixed(2)}x)\n`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main();
