/**
 * Cross-check of our WBXML and XML codecs against libwbxml's tools (Debian libwbxml2-utils 0.11):
 *
 * (a) `xml2wbxml -n -v 1.2` of every corpus document, decoded by decodeWbxml, equals
 *     parseXml of the document;
 * (b) encodeWbxml(parseXml(doc)) through `wbxml2xml -m 0`, parsed by parseXml, equals it too;
 * (c) every real captured message (peers/samples, peers/vphone/fixtures) decodes, and each
 *     `.wbxml` sample equals our parse of its libwbxml `.decoded.xml`.
 *
 * Compared modulo what libwbxml itself rewrites (normalise()):
 * - it inlines an OPAQUE DevInf and turns Meta Type `application/vnd.syncml-devinf+wbxml` into
 *   `+xml` (and back when encoding);
 * - wbxml2xml drops trailing whitespace of non-vCard item data (`Shopping:\r\n- milk\r\n` loses
 *   its last line end), so trailing whitespace of text is not compared;
 * - CR characters: expat normalises line ends (CRLF -> LF) when libwbxml reads XML, and libwbxml
 *   then turns LF into CRLF inside vCard/vCalendar payloads only; so CRs are left out of the
 *   comparison where libwbxml parsed XML (our codecs keep them exactly; test/xml covers that).
 *   The samples' `.wbxml` / `.decoded.xml` pairs are compared exactly, CRs included.
 *
 * If xml2wbxml / wbxml2xml are missing the tests FAIL: install libwbxml2-utils.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { after, test } from 'node:test';
import { sameTree, type XDocument, type XElement } from '../../src/util/tree.js';
import { decodeWbxml, encodeWbxml } from '../../src/wbxml/index.js';
import { parseXml, writeXml } from '../../src/xml/index.js';
import { corpusFiles, CORPUS_DIR, filesUnder, mapText, SAMPLES_DIR, VPHONE_FIXTURES_DIR } from '../xml/corpus-helpers.js';

/**
 * Corpus documents libwbxml cannot process, with the reason. Each one is asserted to still fail
 * in libwbxml, so this list cannot go stale silently.
 */
const LIBWBXML_GAPS: Readonly<Record<string, string>> = {
  // libwbxml has no MetInf 1.0 language (only METINF11 / METINF12): "The XML language is unknown".
  'metinf10/001-meta-standalone.xml': 'xml2wbxml',
};

function toolMissing(tool: string): boolean {
  const r = spawnSync(tool, ['-h'], { stdio: 'ignore' });
  return r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ENOENT';
}

function requireTools(): void {
  for (const tool of ['xml2wbxml', 'wbxml2xml']) {
    assert.ok(!toolMissing(tool), `${tool} is not on PATH: install the Debian package libwbxml2-utils (apt-get install libwbxml2-utils)`);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'syncml-bridge-libwbxml-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(tool: string, args: string[]): void {
  execFileSync(tool, args, { stdio: 'pipe' });
}

const DEVINF_WBXML = 'application/vnd.syncml-devinf+wbxml';
const DEVINF_XML = 'application/vnd.syncml-devinf+xml';

/**
 * Apply libwbxml's rewrites to a tree (see the file comment). `exact` keeps CRs and trailing
 * whitespace: for pairs where libwbxml only wrote XML from WBXML (the real samples and their
 * `.decoded.xml`), line ends survive exactly.
 */
function normalise(doc: XDocument, exact: boolean): XElement {
  return mapText(doc.root, (s, owner) => {
    const t = exact ? s : s.replace(/\r/g, '').replace(/[ \t\n]+$/, '');
    return owner.name === 'Type' && owner.ns === 'metinf' && t === DEVINF_WBXML ? DEVINF_XML : t;
  });
}

function assertSame(actual: XDocument, expected: XDocument, what: string, exact = false): void {
  assert.deepEqual(actual.language, expected.language, `${what}: language`);
  const a = normalise(actual, exact);
  const b = normalise(expected, exact);
  if (!sameTree(a, b)) {
    assert.equal(writeXml({ language: actual.language, root: a }, { pretty: true }),
      writeXml({ language: expected.language, root: b }, { pretty: true }), `${what}: trees differ`);
    assert.fail(`${what}: trees differ`);
  }
}

test('libwbxml tools are installed (libwbxml2-utils)', () => {
  requireTools();
});

for (const rel of corpusFiles()) {
  test(`corpus ${rel}: xml2wbxml -> decodeWbxml, and encodeWbxml -> wbxml2xml`, () => {
    requireTools();
    const src = join(CORPUS_DIR, rel);
    const ours = parseXml(readFileSync(src));
    const id = rel.replace(/[/]/g, '_');
    const wb = join(tmp, `${id}.lib.wbxml`);
    if (LIBWBXML_GAPS[rel] === 'xml2wbxml') {
      assert.throws(() => run('xml2wbxml', ['-n', '-v', '1.2', '-o', wb, src]), `${rel} is listed as a libwbxml gap but xml2wbxml now accepts it`);
    } else {
      // (a) libwbxml encodes, we decode.
      run('xml2wbxml', ['-n', '-v', '1.2', '-o', wb, src]);
      assertSame(decodeWbxml(new Uint8Array(readFileSync(wb))), ours, `${rel} (a) xml2wbxml -> decodeWbxml`);
    }
    // (b) we encode, libwbxml decodes, we parse its XML.
    const enc = join(tmp, `${id}.our.wbxml`);
    const back = join(tmp, `${id}.lib.xml`);
    writeFileSync(enc, encodeWbxml(ours));
    if (LIBWBXML_GAPS[rel] !== undefined) return;
    run('wbxml2xml', ['-m', '0', '-o', back, enc]);
    const xml = readFileSync(back);
    assertSame(parseXml(xml), ours, `${rel} (b) encodeWbxml -> wbxml2xml`);
  });
}

const sampleWbxml = [...filesUnder(SAMPLES_DIR, (n) => n.endsWith('.wbxml')), ...filesUnder(VPHONE_FIXTURES_DIR, (n) => n.endsWith('.wbxml'))];
const sampleXml = [...filesUnder(SAMPLES_DIR, (n) => n.endsWith('.xml')), ...filesUnder(VPHONE_FIXTURES_DIR, (n) => n.endsWith('.xml'))];

test('real samples exist', () => {
  assert.ok(sampleWbxml.length >= 25, `only ${sampleWbxml.length} .wbxml samples`);
  assert.ok(sampleXml.length >= 50, `only ${sampleXml.length} .xml samples`);
});

test('every real .wbxml sample decodes and equals our parse of its libwbxml .decoded.xml', () => {
  let paired = 0;
  for (const f of sampleWbxml) {
    const doc = decodeWbxml(new Uint8Array(readFileSync(f)));
    assert.ok(doc.root.children.length > 0, basename(f));
    const decodedXml = f.replace(/\.wbxml$/, '.decoded.xml');
    if (!existsSync(decodedXml)) continue;
    assertSame(doc, parseXml(readFileSync(decodedXml)), basename(f), true);
    paired++;
  }
  assert.ok(paired >= 27, `only ${paired} .wbxml samples had a .decoded.xml`);
});

test('every real .xml sample parses, and our WBXML of it goes through wbxml2xml unchanged', () => {
  requireTools();
  for (const f of sampleXml) {
    const doc = parseXml(readFileSync(f));
    const enc = join(tmp, `sample-${basename(f)}.wbxml`);
    const back = join(tmp, `sample-${basename(f)}.xml`);
    writeFileSync(enc, encodeWbxml(doc));
    run('wbxml2xml', ['-m', '0', '-o', back, enc]);
    assertSame(parseXml(readFileSync(back)), doc, basename(f));
  }
});
