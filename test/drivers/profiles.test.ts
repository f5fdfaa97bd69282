// The shipped drivers/ folder: every profile validates, the published schema is current, the
// tree links and merges, no two profiles shadow each other, every setting carries evidence, and
// every AT switch is one the serial transport accepts.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import {
  DEFAULT_DRIVERS_DIR, PROFILE_SETTINGS, findShadows, listProfileFiles, loadProfiles, matchProfile, profileSchemaJson,
  validateProfile, type ProfileAtSwitch, type ProfileDocument,
} from '../../src/quirks/index.js';
import { checkAtSwitch, type AtSwitch as TransportAtSwitch } from '../../src/transport/at-switch.js';
import { ROOT } from '../helpers/cli.js';

const DRIVERS = resolve(ROOT, 'drivers');
/** Compile-time: the profile's AT switch and the transport's are the same shape both ways. */
export const atSwitchShapes = [(t: TransportAtSwitch): ProfileAtSwitch => t, (p: ProfileAtSwitch): TransportAtSwitch => p] as const;
const files = listProfileFiles(DRIVERS);
const readJson = (file: string): unknown => JSON.parse(readFileSync(join(DRIVERS, file), 'utf8'));

describe('drivers/: the shipped profiles', () => {
  it('the loader looks in this checkout\'s drivers/ by default', () => {
    assert.equal(DEFAULT_DRIVERS_DIR, DRIVERS);
  });

  it('holds the profiles the links issue asks for', () => {
    for (const name of [
      '00-default', '10-generic', 'nokia/00-family', 'nokia/10-6230', 'sonyericsson/00-family', 'sonyericsson/10-k750',
      'motorola/00-family', 'siemens/00-family', 'siemens/10-s55', 'samsung/00-family',
    ]) {
      assert.ok(files.includes(`${name}.json`), `drivers/${name}.json is missing`);
    }
  });

  for (const file of files) {
    it(`${file} validates against the schema and is named after its path`, () => {
      const doc = validateProfile(readJson(file), file);
      assert.equal(`${doc.name}.json`, file);
    });

    it(`${file} carries an evidence note for every setting it sets`, () => {
      const doc = readJson(file) as ProfileDocument & Record<string, unknown>;
      for (const key of PROFILE_SETTINGS) {
        if (doc[key] === undefined) continue;
        const note = doc.evidence?.[key];
        assert.ok(typeof note === 'string' && note.length >= 10, `${file}: ${key} has no evidence note`);
      }
      if (doc.match?.usb !== undefined || doc.match?.at !== undefined || doc.match?.devinf !== undefined) {
        assert.ok(doc.evidence?.match !== undefined, `${file}: match has no evidence note`);
      }
    });
  }

  it('drivers/schema.json is the current schema and itself a valid draft 2020-12 schema', () => {
    const text = readFileSync(join(DRIVERS, 'schema.json'), 'utf8');
    assert.equal(
      text,
      profileSchemaJson(),
      'drivers/schema.json is out of date: node --import tsx -e "import(\'./src/quirks/schema.ts\').then((m) => process.stdout.write(m.profileSchemaJson()))" > drivers/schema.json',
    );
    const ajv = new Ajv2020({ strict: false });
    ajv.addFormat('regex', true);
    assert.equal(ajv.validateSchema(JSON.parse(text) as object), true, ajv.errorsText());
  });

  it('links into one tree with 00-default as the root and 10-generic as the fallback', () => {
    const set = loadProfiles(DRIVERS);
    assert.deepEqual([...set.names], files.map((f) => f.replace(/\.json$/, '')));
    assert.equal(set.root, '00-default');
    assert.equal(set.fallback, '10-generic');
    assert.deepEqual(set.chainOf('nokia/10-6230'), ['00-default', 'nokia/00-family', 'nokia/10-6230']);
    assert.deepEqual(set.chainOf('siemens/10-s55'), ['00-default', 'siemens/00-family', 'siemens/10-s55']);
  });

  it('no two profiles shadow each other, and every example is won by its own profile', () => {
    const set = loadProfiles(DRIVERS);
    assert.deepEqual(findShadows(set), []);
    let examples = 0;
    for (const name of set.names) {
      for (const example of set.document(name).match?.examples ?? []) {
        assert.equal(matchProfile(set, example).profile.name, name, `${name}: ${JSON.stringify(example)}`);
        examples += 1;
      }
    }
    assert.ok(examples >= 20, `only ${examples} examples`);
  });

  it('every merged profile is complete, and Samsung is the only unsupported family', () => {
    const set = loadProfiles(DRIVERS);
    for (const name of set.names) {
      const p = set.resolve(name);
      for (const key of PROFILE_SETTINGS) if (key !== 'unsupportedReason') assert.notEqual((p as unknown as Record<string, unknown>)[key], undefined, `${name}.${key}`);
      assert.equal(p.supported, !name.startsWith('samsung/'), name);
    }
    const samsung = set.resolve('samsung/00-family');
    assert.equal(samsung.unsupportedReason, 'uses its own OBEX dialect (m-obex), not SyncML over OBEX');
  });

  it('every AT switch is accepted by the serial transport (same shape as src/transport/at-switch.ts)', () => {
    const set = loadProfiles(DRIVERS);
    const switches: string[] = [];
    for (const name of set.names) {
      const at: TransportAtSwitch | null = set.resolve(name).atSwitch;
      if (at === null) continue;
      assert.equal(checkAtSwitch(at).length, at.steps.length);
      switches.push(`${name}: ${at.steps.map((s) => s.send).join(' / ')}`);
    }
    assert.deepEqual(switches, [
      '10-generic: AT+CPROT=0',
      'motorola/00-family: AT+MODE=22',
      'motorola/10-v3: AT+MODE=22',
      'siemens/00-family: AT^SQWE? / AT^SQWE=0 / AT^SQWE=3',
      'siemens/10-s55: AT^SQWE? / AT^SQWE=0 / AT^SQWE=3',
      'siemens/10-sx1: AT^SQWE? / AT^SQWE=0 / AT^SQWE=3',
      'sonyericsson/00-family: AT*EOBEX',
      'sonyericsson/10-k750: AT*EOBEX',
      'sonyericsson/20-uiq: AT*EOBEX',
      'sonyericsson/21-t68: AT*EOBEX',
    ]);
  });

  it("the Siemens skipIf pattern skips AT^SQWE=0 exactly when the phone already answered ^SQWE: 0", () => {
    const steps = loadProfiles(DRIVERS).resolve('siemens/00-family').atSwitch?.steps ?? [];
    const re = checkAtSwitch({ steps })[1];
    assert.ok(re !== undefined);
    assert.equal(re.test('^SQWE: 0'), true);
    assert.equal(re.test('^SQWE:0'), true);
    assert.equal(re.test('^SQWE: 1'), false);
    assert.equal(re.test('^SQWE: 3'), false);
  });
});
