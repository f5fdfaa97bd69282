// validateProfile: good documents pass; each bad one is rejected with SB_ERR_PROFILE_INVALID and
// an issue naming the JSON path of the fault (table-driven).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE_ERR, ProfileError, formatIssue, validateProfile } from '../../src/quirks/index.js';
import { ConfigError } from '../../src/errors.js';

/** A valid family profile to mutate. */
function family(): Record<string, unknown> {
  return {
    name: 'acme/00-family',
    description: 'ACME phones',
    extends: '00-default',
    match: {
      usb: [{ vendor: '1234' }],
      at: { manufacturer: '^ACME\\b' },
      examples: [{ at: { manufacturer: 'ACME' } }],
    },
    serverIdentifier: 'PC Suite',
    atSwitch: { steps: [{ send: 'AT^X?', expect: ['OK'] }, { send: 'AT^X=1', expect: ['OK'], skipIf: { step: 0, matches: '^\\^X: 1' } }] },
    evidence: {
      match: 'ACME answers ACME to AT+CGMI (test data).',
      serverIdentifier: 'ACME phones want PC Suite (test data).',
      atSwitch: 'ACME switch (test data only).',
    },
  };
}

type Mutate = (doc: Record<string, any>) => void; // eslint-disable-line @typescript-eslint/no-explicit-any

const BAD: readonly (readonly [string, Mutate, string])[] = [
  ['not an object', (d) => { for (const k of Object.keys(d)) delete d[k]; }, '/name'],
  ['missing name', (d) => { delete d.name; }, '/name'],
  ['name not a path with a numeric prefix', (d) => { d.name = 'acme/family'; }, '/name'],
  ['missing description', (d) => { delete d.description; }, '/description'],
  ['unknown top-level member', (d) => { d.serverIdentifer = 'typo'; }, '/serverIdentifer'],
  ['syncmlVersion outside the enum', (d) => { d.syncmlVersion = '2.0'; d.evidence.syncmlVersion = 'no such version (test).'; }, '/syncmlVersion'],
  ['encoding outside the enum', (d) => { d.encoding = 'json'; d.evidence.encoding = 'no such encoding (test).'; }, '/encoding'],
  ['USB vendor not 4 hex digits', (d) => { d.match.usb[0].vendor = '0x1234'; }, '/match/usb/0/vendor'],
  ['USB product not hex', (d) => { d.match.usb[0].product = 'zzzz'; }, '/match/usb/0/product'],
  ['empty USB list', (d) => { d.match.usb = []; }, '/match/usb'],
  ['AT regex that does not compile', (d) => { d.match.at.manufacturer = '^(ACME'; }, '/match/at/manufacturer'],
  ['DevInf key that is not a DevInf field', (d) => { d.match.devinf = { Manufacturer: 'ACME' }; }, '/match/devinf/Manufacturer'],
  ['match criteria without examples', (d) => { delete d.match.examples; }, '/match/examples'],
  ['example with an unknown key', (d) => { d.match.examples[0].bluetooth = {}; }, '/match/examples/0/bluetooth'],
  ['AT step without expect', (d) => { delete d.atSwitch.steps[0].expect; }, '/atSwitch/steps/0/expect'],
  ['AT step with an empty expect list', (d) => { d.atSwitch.steps[0].expect = []; }, '/atSwitch/steps/0/expect'],
  ['AT command with a CR', (d) => { d.atSwitch.steps[0].send = 'AT^X?\r'; }, '/atSwitch/steps/0/send'],
  ['AT step negative timeout', (d) => { d.atSwitch.steps[0].timeoutMs = -1; }, '/atSwitch/steps/0/timeoutMs'],
  ['AT step unknown member', (d) => { d.atSwitch.steps[0].wait = 5; }, '/atSwitch/steps/0/wait'],
  ['skipIf pointing at itself', (d) => { d.atSwitch.steps[1].skipIf.step = 1; }, '/atSwitch/steps/1/skipIf/step'],
  ['skipIf with a bad regex', (d) => { d.atSwitch.steps[1].skipIf.matches = '[unclosed'; }, '/atSwitch/steps/1/skipIf/matches'],
  ['atSwitch as a bare list', (d) => { d.atSwitch = [{ send: 'AT', expect: ['OK'] }]; }, '/atSwitch'],
  ['setting without its evidence note', (d) => { delete d.evidence.serverIdentifier; }, '/evidence/serverIdentifier'],
  ['match without its evidence note', (d) => { delete d.evidence.match; }, '/evidence/match'],
  ['evidence note for something that is not a setting', (d) => { d.evidence.colour = 'blue phones (test data).'; }, '/evidence/colour'],
  ['evidence note too short to say anything', (d) => { d.evidence.serverIdentifier = 'yes'; }, '/evidence/serverIdentifier'],
  ['supported false without a reason', (d) => { d.supported = false; d.evidence.supported = 'not supported (test data).'; }, '/unsupportedReason'],
  ['datastore URI empty', (d) => { d.datastores = { contacts: '' }; d.evidence.datastores = 'empty URI (test data).'; }, '/datastores/contacts'],
  ['unknown datastore kind', (d) => { d.datastores = { email: 'Inbox' }; d.evidence.datastores = 'email is not synced (test).'; }, '/datastores/email'],
  ['charset not in the list', (d) => { d.charset = { input: 'KOI8-R' }; d.evidence.charset = 'unsupported charset (test).'; }, '/charset/input'],
  ['OBEX packet below the OBEX minimum', (d) => { d.obex = { maxPacket: 254 }; d.evidence.obex = 'too small packet (test data).'; }, '/obex/maxPacket'],
  ['field limit not an integer', (d) => { d.fieldLimits = { N: 'short' }; d.evidence.fieldLimits = 'limit as text (test data).'; }, '/fieldLimits/N'],
  ['field limit for a lower-case property', (d) => { d.fieldLimits = { tel: 20 }; d.evidence.fieldLimits = 'lower-case name (test data).'; }, '/fieldLimits/tel'],
  ['root profile without every setting', (d) => { delete d.extends; }, '/syncmlVersion'],
  ['root profile without a newer setting', (d) => { delete d.extends; }, '/dialogRetry'],
  ['minDate not a calendar date', (d) => { d.minDate = '1980'; d.evidence.minDate = 'year only (test data).'; }, '/minDate'],
  ['minDate with a month 13', (d) => { d.minDate = '1980-13-01'; d.evidence.minDate = 'no such month (test data).'; }, '/minDate'],
  ['times outside the enum', (d) => { d.times = 'floating'; d.evidence.times = 'not a times mode (test).'; }, '/times'],
  ['categoriesPrefix empty', (d) => { d.categoriesPrefix = ''; d.evidence.categoriesPrefix = 'empty prefix (test data).'; }, '/categoriesPrefix'],
  ['limitedFieldLengths not a boolean', (d) => { d.limitedFieldLengths = 'yes'; d.evidence.limitedFieldLengths = 'as text (test data).'; }, '/limitedFieldLengths'],
  ['perItemStatus without its evidence note', (d) => { d.perItemStatus = false; }, '/evidence/perItemStatus'],
  ['dialogRetry attempts above 10', (d) => { d.dialogRetry = { attempts: 11 }; d.evidence.dialogRetry = 'too many retries (test).'; }, '/dialogRetry/attempts'],
  ['dialogRetry negative delay', (d) => { d.dialogRetry = { delayMs: -1 }; d.evidence.dialogRetry = 'negative delay (test).'; }, '/dialogRetry/delayMs'],
  ['dialogRetry unknown member', (d) => { d.dialogRetry = { tries: 2 }; d.evidence.dialogRetry = 'misspelt member (test).'; }, '/dialogRetry/tries'],
  ['dialogRetry empty', (d) => { d.dialogRetry = {}; d.evidence.dialogRetry = 'nothing inside (test data).'; }, '/dialogRetry'],
];

describe('validateProfile', () => {
  it('accepts the base document unchanged and returns it', () => {
    const doc = family();
    assert.equal(validateProfile(doc), doc);
  });

  for (const [what, mutate, path] of BAD) {
    it(`rejects: ${what} (${path})`, () => {
      const doc = family();
      mutate(doc);
      assert.throws(
        () => validateProfile(doc, 'acme/00-family.json'),
        (error: unknown) => {
          assert.ok(error instanceof ProfileError);
          assert.ok(error instanceof ConfigError);
          assert.equal(error.code, PROFILE_ERR.INVALID);
          const paths = error.issues.map((i) => i.path);
          assert.ok(paths.includes(path), `expected an issue at ${path}, got ${paths.join(', ')}`);
          assert.ok(error.issues.every((i) => i.file === 'acme/00-family.json'));
          assert.match(error.message, /acme\/00-family\.json: /);
          return true;
        },
      );
    });
  }

  it('accepts the vFormat, date and dialog settings, null included where it means "none"', () => {
    const doc = family();
    Object.assign(doc, {
      limitedFieldLengths: true, minDate: '1980-01-01', times: 'local', categoriesPrefix: 'X-', emailTypeInternet: true,
      dropEmptyProperties: true, quoteEightBit: true, foldLines: false, allDayUtcRange: true, perItemStatus: false,
      dialogRetry: { attempts: 3, delayMs: 5000 },
    });
    const evidence = doc['evidence'] as Record<string, string>;
    for (const key of ['limitedFieldLengths', 'minDate', 'times', 'categoriesPrefix', 'emailTypeInternet', 'dropEmptyProperties', 'quoteEightBit', 'foldLines', 'allDayUtcRange', 'perItemStatus', 'dialogRetry']) {
      evidence[key] = `${key} for ACME (test data).`;
    }
    assert.equal(validateProfile(doc), doc);
    Object.assign(doc, { minDate: null, categoriesPrefix: null });
    assert.equal(validateProfile(doc), doc);
  });

  it('rejects non-objects with a document-level issue', () => {
    for (const value of [null, 42, 'profile', [family()]]) {
      assert.throws(() => validateProfile(value), (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.INVALID);
    }
  });

  it('reports every problem at once, not only the first', () => {
    const doc = family();
    doc['encoding'] = 'json';
    doc['syncmlVersion'] = '9';
    assert.throws(
      () => validateProfile(doc),
      (e: unknown) => e instanceof ProfileError && ['/encoding', '/syncmlVersion', '/evidence/encoding', '/evidence/syncmlVersion'].every((p) => e.issues.some((i) => i.path === p)),
    );
  });

  it('says what an atSwitch may be when it is neither null nor an object', () => {
    const doc = family();
    doc['atSwitch'] = 'AT*EOBEX';
    assert.throws(() => validateProfile(doc), (e: unknown) => e instanceof ProfileError && e.issues.some((i) => i.path === '/atSwitch' && i.message === 'must be null or object'));
  });

  it('formats issues as file: path: message', () => {
    assert.equal(formatIssue({ file: 'a.json', path: '/x', message: 'is bad' }), 'a.json: /x: is bad');
    assert.equal(formatIssue({ path: '', message: 'is bad' }), '(document): is bad');
  });
});
