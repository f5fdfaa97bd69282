// matchProfile over the shipped drivers/: by USB id, by AT answers as phones give them, by DevInf
// (SyncEvolution's real DevInf, decoded by the bridge's own codecs, and typical phone values);
// model over family over fallback; USB over AT over DevInf when they disagree.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadProfiles, matchProfile, normalizeAtAnswer, normalizeUsbId, type MatchInput } from '../../src/quirks/index.js';
import { devInfFromDocument } from '../../src/syncml/index.js';
import { decodeWbxml } from '../../src/wbxml/index.js';
import { parseXml } from '../../src/xml/index.js';
import { ROOT } from '../helpers/cli.js';
import { SAMPLES } from '../helpers/peers.js';

const set = loadProfiles(resolve(ROOT, 'drivers'));
const pick = (input: MatchInput): string => matchProfile(set, input).profile.name;

describe('matchProfile: by USB id', () => {
  const cases: readonly (readonly [MatchInput['usb'], string])[] = [
    [{ vendor: 0x0421, product: 0x0400 }, 'nokia/00-family'],
    [{ vendor: '0FCE', product: 'd016' }, 'sonyericsson/00-family'],
    [{ vendor: '0x22b8' }, 'motorola/00-family'],
    [{ vendor: '11f5', product: '0004' }, 'siemens/00-family'],
    [{ vendor: 0x04e8, product: 0x6601 }, 'samsung/00-family'],
    [{ vendor: 0x1d6b, product: 0x0104 }, '10-generic'],
    [{ vendor: 'not-hex' }, '10-generic'],
  ];
  for (const [usb, expected] of cases) {
    it(`${JSON.stringify(usb)} -> ${expected}`, () => {
      assert.equal(pick(usb === undefined ? {} : { usb }), expected);
    });
  }
});

describe('matchProfile: by AT+CGMI / AT+CGMM answers', () => {
  const cases: readonly (readonly [string, string | undefined, string])[] = [
    ['SONY ERICSSON', undefined, 'sonyericsson/00-family'],
    ['ERICSSON', 'T68', 'sonyericsson/00-family'],
    ['SONY ERICSSON', 'K750i', 'sonyericsson/10-k750'],
    ['Sony Ericsson', 'K700i', 'sonyericsson/10-k750'],
    ['SONY ERICSSON', 'W810i', 'sonyericsson/00-family'],
    ['Nokia', undefined, 'nokia/00-family'],
    ['Nokia', 'RH-12', 'nokia/10-6230'],
    ['Nokia', 'Nokia 6230i', 'nokia/10-6230'],
    ['Nokia', 'Nokia 6233', 'nokia/00-family'],
    ['+CGMI: "SIEMENS"', undefined, 'siemens/00-family'],
    ['+CGMI: "SIEMENS"', '+CGMM: "S55"', 'siemens/10-s55'],
    ['SIEMENS', 'S55', 'siemens/10-s55'],
    ['SIEMENS', 'S65', 'siemens/00-family'],
    ['MOTOROLA', undefined, 'motorola/00-family'],
    ['+CGMI: "Motorola CE, Copyright 2000"', '+CGMM: "GSM900","GSM1800","MODEL=V3"', 'motorola/10-v3'],
    ['SAMSUNG ELECTRONICS', 'SGH-D600', 'samsung/00-family'],
    ['ACME Mobile', 'X100', '10-generic'],
    // A model regex never matches without its family's manufacturer.
    ['Nokia', 'S55', 'nokia/00-family'],
    ['  ', 'K750i', '10-generic'],
  ];
  for (const [manufacturer, model, expected] of cases) {
    it(`${JSON.stringify(manufacturer)} / ${JSON.stringify(model)} -> ${expected}`, () => {
      assert.equal(pick({ at: model === undefined ? { manufacturer } : { manufacturer, model } }), expected);
    });
  }
});

describe('matchProfile: by DevInf', () => {
  for (const sample of ['devinf11-client', 'devinf12-client', 'devinf12-server']) {
    it(`SyncEvolution's real DevInf (${sample}, XML and WBXML) is an unknown phone: the generic profile`, () => {
      const fromXml = devInfFromDocument(parseXml(readFileSync(join(SAMPLES, 'devinf', `${sample}.decoded.xml`))));
      const fromWbxml = devInfFromDocument(decodeWbxml(readFileSync(join(SAMPLES, 'devinf', `${sample}.wbxml`))));
      for (const d of [fromXml, fromWbxml]) {
        assert.equal(d.Man, 'Patrick Ohly');
        assert.equal(d.Mod, 'SyncEvolution');
        const r = matchProfile(set, { devinf: { ...(d.Man === undefined ? {} : { Man: d.Man }), ...(d.Mod === undefined ? {} : { Mod: d.Mod }), ...(d.SwV === undefined ? {} : { SwV: d.SwV }) } });
        assert.equal(r.profile.name, '10-generic');
        assert.equal(r.matchedBy, undefined);
        assert.deepEqual(r.hits, []);
        assert.match(r.explanation, /fallback/);
      }
    });
  }

  const cases: readonly (readonly [string, string, string])[] = [
    ['Sony Ericsson', 'K750i', 'sonyericsson/10-k750'],
    ['SonyEricsson', 'W800i', 'sonyericsson/10-k750'],
    ['Sony Ericsson', 'W890i', 'sonyericsson/00-family'],
    ['NOKIA', 'Nokia 6230', 'nokia/10-6230'],
    ['Nokia', '6230i', 'nokia/10-6230'],
    ['NOKIA', 'Nokia E51', 'nokia/31-e51'],
    ['SIEMENS', 'S55', 'siemens/10-s55'],
    ['SIEMENS', 'SX1', 'siemens/10-sx1'],
    ['Motorola', 'A780', 'motorola/00-family'],
    ['Samsung', 'SGH-B2100', 'samsung/00-family'],
    ['Patrick Ohly', 'SyncEvolution', '10-generic'],
  ];
  for (const [Man, Mod, expected] of cases) {
    it(`Man ${JSON.stringify(Man)} Mod ${JSON.stringify(Mod)} -> ${expected}`, () => {
      assert.equal(pick({ devinf: { Man, Mod } }), expected);
    });
  }
});

describe('matchProfile: priorities and explanations', () => {
  it('a later key refines the winner: USB says Nokia, DevInf says 6230', () => {
    const r = matchProfile(set, { usb: { vendor: 0x0421 }, devinf: { Man: 'Nokia', Mod: '6230' } });
    assert.equal(r.profile.name, 'nokia/10-6230');
    assert.equal(r.matchedBy?.key, 'devinf');
    assert.deepEqual(r.overruled, []);
    assert.match(r.explanation, /^nokia\/10-6230 \(by devinf: devinf\.Mod/);
  });

  it('the USB id beats the AT answer when they disagree', () => {
    const r = matchProfile(set, { usb: { vendor: '0fce' }, at: { manufacturer: 'Nokia', model: 'RH-12' } });
    assert.equal(r.profile.name, 'sonyericsson/00-family');
    assert.equal(r.matchedBy?.key, 'usb');
    assert.deepEqual(r.overruled.map((h) => `${h.profile}:${h.key}`), ['nokia/00-family:at', 'nokia/10-6230:at']);
    assert.match(r.explanation, /overruled nokia\/00-family by at/);
  });

  it('the AT answer beats the DevInf when they disagree, and a model of another family cannot win', () => {
    const r = matchProfile(set, { at: { manufacturer: 'SIEMENS' }, devinf: { Man: 'Sony Ericsson', Mod: 'K750i' } });
    assert.equal(r.profile.name, 'siemens/00-family');
    assert.deepEqual(r.overruled.map((h) => h.profile), ['sonyericsson/00-family', 'sonyericsson/10-k750']);
  });

  it('an unknown USB id does not stop AT answers from matching', () => {
    assert.equal(pick({ usb: { vendor: 0x067b, product: 0x2303 }, at: { manufacturer: 'SONY ERICSSON', model: 'K750i' } }), 'sonyericsson/10-k750');
  });

  it('agreeing keys are all reported', () => {
    const r = matchProfile(set, { usb: { vendor: 0x11f5 }, at: { manufacturer: 'SIEMENS', model: 'S55' }, devinf: { Man: 'SIEMENS', Mod: 'S55' } });
    assert.equal(r.profile.name, 'siemens/10-s55');
    assert.equal(r.matchedBy?.key, 'at');
    assert.deepEqual(r.hits.map((h) => `${h.profile}:${h.key}`), [
      'siemens/00-family:usb', 'siemens/00-family:at', 'siemens/10-s55:at', 'siemens/00-family:devinf', 'siemens/10-s55:devinf',
    ]);
    assert.deepEqual(r.overruled, []);
  });
});

describe('matchProfile: the merged result', () => {
  it('Samsung: supported false with the m-obex reason', () => {
    const p = matchProfile(set, { at: { manufacturer: 'SAMSUNG ELECTRONICS' } }).profile;
    assert.equal(p.supported, false);
    assert.equal(p.unsupportedReason, 'uses its own OBEX dialect (m-obex), not SyncML over OBEX');
    assert.equal(p.atSwitch, null);
  });

  it('an unknown phone, or nothing known at all, gets the generic GSM 07.07 profile', () => {
    for (const input of [{}, { at: { manufacturer: 'Palm' } }, { devinf: { Man: 'Unknown' } }]) {
      const r = matchProfile(set, input);
      assert.equal(r.profile.name, '10-generic');
      assert.equal(r.profile.supported, true);
      assert.deepEqual(r.profile.atSwitch, { steps: [{ send: 'AT+CPROT=0', expect: ['CONNECT'] }] });
      assert.equal(r.profile.serverIdentifier, 'PC Suite');
    }
  });

  it('Sony Ericsson K750i: 1.1, Latin-1, singular store names, AT*EOBEX from the family', () => {
    const p = matchProfile(set, { at: { manufacturer: 'SONY ERICSSON', model: 'K750i' } }).profile;
    assert.deepEqual(p.chain, ['00-default', 'sonyericsson/00-family', 'sonyericsson/10-k750']);
    assert.equal(p.syncmlVersion, '1.1');
    assert.equal(p.sanVersion, '1.1');
    assert.deepEqual(p.charset, { input: 'ISO-8859-1', output: 'ISO-8859-1' });
    assert.deepEqual(p.datastores, { contacts: 'Contact', calendar: 'Calendar', tasks: 'Task', notes: 'Memo', calendarHoldsTasks: false });
    assert.deepEqual(p.atSwitch?.steps.map((s) => s.send), ['AT*EOBEX']);
    assert.equal(p.origin.atSwitch, 'sonyericsson/00-family');
    assert.match(p.evidence.syncmlVersion ?? '', /sony-ericsson-old/);
  });

  it('Nokia 6230: events and to-dos in one Calendar store, UTC alarms, DevInf sizes ignored, no AT switch', () => {
    const p = matchProfile(set, { devinf: { Man: 'NOKIA', Mod: 'Nokia 6230' } }).profile;
    assert.equal(p.datastores.calendarHoldsTasks, true);
    assert.equal(p.datastores.tasks, null);
    assert.equal(p.alarmsUtc, true);
    assert.equal(p.ignoreDevInfMaxSize, true);
    assert.equal(p.atSwitch, null);
    assert.equal(p.syncmlVersion, '1.1');
  });

  it('Siemens S55: no CTCap sizes, the family\'s AT^SQWE switch', () => {
    const p = matchProfile(set, { at: { manufacturer: 'SIEMENS', model: 'S55' } }).profile;
    assert.equal(p.ctcapSizes, false);
    assert.equal(p.ctcap, true);
    assert.deepEqual(p.atSwitch?.steps.map((s) => s.send), ['AT^SQWE?', 'AT^SQWE=0', 'AT^SQWE=3']);
  });
});

describe('input normalisation', () => {
  it('USB ids from numbers and hex strings', () => {
    assert.equal(normalizeUsbId(0x0fce), '0fce');
    assert.equal(normalizeUsbId('0x0FCE'), '0fce');
    assert.equal(normalizeUsbId(' fce '), '0fce');
    assert.equal(normalizeUsbId(0x10000), undefined);
    assert.equal(normalizeUsbId(-1), undefined);
    assert.equal(normalizeUsbId('12345'), undefined);
    assert.equal(normalizeUsbId(undefined), undefined);
  });

  it('AT answers lose their +CGMI:/+CGMM: prefix and quotes', () => {
    assert.equal(normalizeAtAnswer('+CGMI: "SIEMENS"'), 'SIEMENS');
    assert.equal(normalizeAtAnswer('+CGMM: S55'), 'S55');
    assert.equal(normalizeAtAnswer('+GMI: "Motorola CE, Copyright 2000"'), 'Motorola CE, Copyright 2000');
    assert.equal(normalizeAtAnswer('  Nokia  '), 'Nokia');
    assert.equal(normalizeAtAnswer('+CGMM: "GSM900","GSM1800"'), '"GSM900","GSM1800"', 'a quoted list keeps its quotes');
  });
});
