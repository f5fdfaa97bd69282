// mergeProfiles: default -> family -> model, setting by setting; nested objects member by member;
// atSwitch replaced whole; evidence and origin follow the profile that set each value.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE_ERR, ProfileError, mergeProfiles, validateProfile } from '../../src/quirks/index.js';
import { childDoc, rootDoc } from './docs.js';

const SWITCH = { steps: [{ send: 'AT*EOBEX', expect: ['CONNECT'], delayAfterMs: 100 }] };

function chain() {
  const root = rootDoc();
  const family = childDoc('acme/00-family', '00-default', {
    serverIdentifier: 'family-id',
    datastores: { contacts: 'Contact', tasks: null },
    charset: { input: 'ISO-8859-1' },
    atSwitch: SWITCH,
    fieldLimits: { TEL: 20 },
  });
  const model = childDoc('acme/10-x1', 'acme/00-family', {
    serverIdentifier: 'model-id',
    syncmlVersion: '1.1',
    datastores: { notes: 'Memo' },
    obex: { maxPacket: 1024 },
    atSwitch: null,
  });
  for (const d of [root, family, model]) validateProfile(d);
  return [root, family, model] as const;
}

describe('mergeProfiles', () => {
  it('applies default, then family, then model', () => {
    const [root, family, model] = chain();
    const p = mergeProfiles([root, family, model]);
    assert.equal(p.name, 'acme/10-x1');
    assert.deepEqual(p.chain, ['00-default', 'acme/00-family', 'acme/10-x1']);
    assert.equal(p.serverIdentifier, 'model-id');
    assert.equal(p.syncmlVersion, '1.1');
    assert.equal(p.sanVersion, '1.2');
    assert.deepEqual(p.datastores, { contacts: 'Contact', calendar: 'Calendar', tasks: null, notes: 'Memo', calendarHoldsTasks: false });
    assert.deepEqual(p.charset, { input: 'ISO-8859-1', output: 'UTF-8' });
    assert.deepEqual(p.obex, { maxPacket: 1024, target: 'SYNCML-SYNC' });
    assert.deepEqual(p.fieldLimits, { N: 100, TEL: 20 });
    assert.equal(p.atSwitch, null, 'a model may remove its family\'s AT switch with null');
  });

  it('merges dialogRetry member by member and lets null clear an inherited prefix or date', () => {
    const root = rootDoc();
    const family = childDoc('acme/00-family', '00-default', { dialogRetry: { attempts: 3, delayMs: 5000 }, categoriesPrefix: 'X-', minDate: '1980-01-01', times: 'local' });
    const model = childDoc('acme/10-x1', 'acme/00-family', { dialogRetry: { delayMs: 1000 }, categoriesPrefix: null, minDate: null });
    for (const d of [root, family, model]) validateProfile(d);
    const p = mergeProfiles([root, family, model]);
    assert.deepEqual(p.dialogRetry, { attempts: 3, delayMs: 1000 });
    assert.equal(p.categoriesPrefix, null);
    assert.equal(p.minDate, null);
    assert.equal(p.times, 'local');
    assert.equal(p.origin.times, 'acme/00-family');
    assert.equal(p.origin.dialogRetry, 'acme/10-x1');
    const f = mergeProfiles([root, family]);
    assert.equal(f.categoriesPrefix, 'X-');
    assert.equal(f.minDate, '1980-01-01');
    assert.equal(mergeProfiles([root]).perItemStatus, true);
  });

  it('stops at the family when the model is not in the chain', () => {
    const [root, family] = chain();
    const p = mergeProfiles([root, family]);
    assert.equal(p.serverIdentifier, 'family-id');
    assert.equal(p.syncmlVersion, '1.2');
    assert.deepEqual(p.atSwitch, SWITCH);
  });

  it('records which profile set each setting, with its evidence note', () => {
    const [root, family, model] = chain();
    const p = mergeProfiles([root, family, model]);
    assert.equal(p.origin.serverIdentifier, 'acme/10-x1');
    assert.equal(p.origin.charset, 'acme/00-family');
    assert.equal(p.origin.encoding, '00-default');
    assert.equal(p.evidence.serverIdentifier, 'acme/10-x1 sets serverIdentifier (test data)');
    assert.equal(p.evidence.charset, 'acme/00-family sets charset (test data)');
  });

  it('does not share objects with the documents', () => {
    const [root, family] = chain();
    const p = mergeProfiles([root, family]);
    p.atSwitch?.steps.push({ send: 'ATZ', expect: ['OK'] });
    p.fieldLimits['X'] = 1;
    assert.equal(family.atSwitch?.steps.length, 1);
    assert.equal(root.fieldLimits?.['X'], undefined);
  });

  it('keeps the reason of an unsupported family, and drops it when a model is supported again', () => {
    const root = rootDoc();
    const family = childDoc('acme/00-family', '00-default', { supported: false, unsupportedReason: 'speaks a dialect' });
    const model = childDoc('acme/10-x1', 'acme/00-family', { supported: true });
    assert.equal(mergeProfiles([root, family]).unsupportedReason, 'speaks a dialect');
    assert.equal(mergeProfiles([root, family]).supported, false);
    const fixed = mergeProfiles([root, family, model]);
    assert.equal(fixed.supported, true);
    assert.equal('unsupportedReason' in fixed, false);
  });

  it('rejects chains that are not one line from the root', () => {
    const [root, family, model] = chain();
    const cases = [
      [[], ''],
      [[family, model], '/extends'],
      [[root, model], '/extends'],
      [[root, model, family], '/extends'],
    ] as const;
    for (const [docs, path] of cases) {
      assert.throws(
        () => mergeProfiles(docs),
        (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.CHAIN && e.issues[0]?.path === path,
        docs.map((d) => d.name).join(' -> '),
      );
    }
  });

  it('names every setting the chain leaves unset', () => {
    const root = rootDoc();
    delete root.ctcap;
    delete root.datastores?.notes;
    assert.throws(
      () => mergeProfiles([root]),
      (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.CHAIN && e.issues.map((i) => i.path).join() === '/ctcap,/datastores/notes',
    );
  });
});
