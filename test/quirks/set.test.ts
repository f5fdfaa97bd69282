// buildProfileSet: the extends tree (one root, known parents, no cycles, one fallback, names that
// are file paths) and shadowing (same USB id, same effective criteria, an example won elsewhere).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PROFILE_ERR, ProfileError, buildProfileSet, type ProfileDocument, type ProfileErrorCode } from '../../src/quirks/index.js';
import { childDoc, rootDoc } from './docs.js';

const src = (doc: ProfileDocument, file = `${doc.name}.json`) => ({ file, json: doc });

function base(): ProfileDocument[] {
  return [
    rootDoc(),
    childDoc('10-generic', '00-default', { atSwitch: { steps: [{ send: 'AT+CPROT=0', expect: ['CONNECT'] }] } }, { examples: [{ at: { manufacturer: 'Nobody' } }] }),
    childDoc('acme/00-family', '00-default', {}, { usb: [{ vendor: '1234' }], at: { manufacturer: '^ACME$' }, examples: [{ at: { manufacturer: 'ACME' } }, { usb: { vendor: '1234' } }] }),
    childDoc('acme/10-x1', 'acme/00-family', {}, { at: { model: '^X1$' }, examples: [{ at: { manufacturer: 'ACME', model: 'X1' } }] }),
  ].map((d) => (d.name === '10-generic' ? { ...d, fallback: true } : d));
}

function expectError(docs: readonly ProfileDocument[], code: ProfileErrorCode, file: string | undefined, path: string, message: RegExp, files?: readonly string[]): void {
  assert.throws(
    () => buildProfileSet(docs.map((d, i) => src(d, files?.[i]))),
    (e: unknown) => {
      assert.ok(e instanceof ProfileError, String(e));
      assert.equal(e.code, code, e.message);
      const hit = e.issues.find((i) => i.file === file && i.path === path && message.test(i.message));
      assert.ok(hit !== undefined, `no issue ${file} ${path} ${message}: ${e.message}`);
      return true;
    },
  );
}

describe('buildProfileSet', () => {
  it('links a valid set', () => {
    const set = buildProfileSet(base().map((d) => src(d)));
    assert.deepEqual(set.names, ['00-default', '10-generic', 'acme/00-family', 'acme/10-x1']);
    assert.equal(set.root, '00-default');
    assert.equal(set.fallback, '10-generic');
    assert.equal(set.depth('acme/10-x1'), 3);
    assert.equal(set.isDescendantOrSelf('acme/10-x1', 'acme/00-family'), true);
    assert.equal(set.isDescendantOrSelf('acme/00-family', 'acme/10-x1'), false);
    assert.equal(set.fileOf('acme/10-x1'), 'acme/10-x1.json');
    assert.equal(set.resolve('acme/10-x1').name, 'acme/10-x1');
  });

  it('without a fallback profile the root is used', () => {
    const docs = base().map((d) => (d.name === '10-generic' ? { ...d, fallback: false, match: { examples: [{ at: { model: 'none' } }] } } : d));
    assert.throws(() => buildProfileSet(docs.map((d) => src(d))), (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.SHADOW);
    const set = buildProfileSet(base().filter((d) => d.name !== '10-generic').map((d) => src(d)));
    assert.equal(set.fallback, '00-default');
  });

  it('rejects an unknown name with SB_ERR_PROFILE_UNKNOWN', () => {
    const set = buildProfileSet(base().map((d) => src(d)));
    for (const call of [() => set.resolve('acme/10-x2'), () => set.document('x'), () => set.chainOf('x')]) {
      assert.throws(call, (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.UNKNOWN && /known: 00-default/.test(e.message));
    }
  });

  it('collects schema problems of every file', () => {
    const docs = base();
    (docs[2] as unknown as Record<string, unknown>)['encoding'] = 'json';
    (docs[3] as unknown as Record<string, unknown>)['obex'] = { maxPacket: 1 };
    assert.throws(
      () => buildProfileSet(docs.map((d) => src(d))),
      (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.INVALID &&
        e.issues.some((i) => i.file === 'acme/00-family.json' && i.path === '/encoding') &&
        e.issues.some((i) => i.file === 'acme/10-x1.json' && i.path === '/obex/maxPacket'),
    );
  });

  it('rejects a name that is not the file path', () => {
    expectError(base(), PROFILE_ERR.CHAIN, 'acme/family.json', '/name', /must be "acme\/family"/, ['00-default.json', '10-generic.json', 'acme/family.json', 'acme/10-x1.json']);
  });

  it('rejects duplicate names', () => {
    const docs = base();
    expectError([...docs, docs[3] as ProfileDocument], PROFILE_ERR.CHAIN, 'acme/10-x1.json', '/name', /duplicate/);
  });

  it('rejects an unknown parent', () => {
    const docs = base();
    docs[3] = { ...(docs[3] as ProfileDocument), extends: 'acme/00-famly' };
    expectError(docs, PROFILE_ERR.CHAIN, 'acme/10-x1.json', '/extends', /unknown parent profile "acme\/00-famly"/);
  });

  it('rejects a cycle', () => {
    const docs = base();
    docs[2] = { ...(docs[2] as ProfileDocument), extends: 'acme/10-x1' };
    expectError(docs, PROFILE_ERR.CHAIN, 'acme/10-x1.json', '/extends', /cycle/);
  });

  it('rejects two roots, and no root', () => {
    const docs = base();
    const second = { ...rootDoc(), name: '01-other' };
    expectError([...docs, second], PROFILE_ERR.CHAIN, undefined, '', /exactly one profile without "extends".*00-default, 01-other/);
    assert.throws(() => buildProfileSet(docs.slice(1).map((d) => src(d))), (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.CHAIN);
  });

  it('rejects two fallbacks', () => {
    const docs = base();
    docs[2] = { ...(docs[2] as ProfileDocument), fallback: true };
    expectError(docs, PROFILE_ERR.CHAIN, undefined, '', /at most one profile may be the fallback/);
  });

  it('rejects a root that leaves a setting unset', () => {
    const docs = base();
    delete docs[0]?.alarmsUtc;
    delete docs[0]?.evidence?.alarmsUtc;
    assert.throws(() => buildProfileSet(docs.map((d) => src(d))), (e: unknown) => e instanceof ProfileError && e.issues.some((i) => i.path === '/alarmsUtc'));
  });

  it('rejects two profiles claiming one USB id', () => {
    const docs = base();
    docs.push(childDoc('other/00-family', '00-default', {}, { usb: [{ vendor: '1234' }], examples: [{ usb: { vendor: '1234' } }] }));
    expectError(docs, PROFILE_ERR.SHADOW, 'other/00-family.json', '/match/usb/0', /usb 1234:\* is also claimed by acme\/00-family/);
  });

  it('rejects two profiles with the same effective AT criteria', () => {
    const docs = base();
    docs.push(childDoc('other/00-family', '00-default', {}, { at: { manufacturer: '^ACME$' }, examples: [{ at: { manufacturer: 'ACME' } }] }));
    expectError(docs, PROFILE_ERR.SHADOW, 'other/00-family.json', '/match/at', /matches the same phones as acme\/00-family/);
  });

  it('rejects a model whose criteria add nothing to its family\'s', () => {
    const docs = base();
    docs[3] = childDoc('acme/10-x1', 'acme/00-family', {}, { at: { manufacturer: '^ACME$' }, examples: [{ at: { manufacturer: 'ACME', model: 'X1' } }] });
    expectError(docs, PROFILE_ERR.SHADOW, 'acme/10-x1.json', '/match/at', /same phones as acme\/00-family/);
  });

  it('rejects a criterion that no example reaches (a USB id of another vendor under a family)', () => {
    const docs = base();
    docs[3] = childDoc('acme/10-x1', 'acme/00-family', {}, { usb: [{ vendor: '9999', product: '0001' }], at: { model: '^X1$' }, examples: [{ at: { manufacturer: 'ACME', model: 'X1' } }, { usb: { vendor: '9999', product: '0001' }, at: { manufacturer: 'ACME', model: 'X1' } }] });
    expectError(docs, PROFILE_ERR.SHADOW, 'acme/10-x1.json', '/match/usb', /no entry of match\.examples matches this criterion/);
  });

  it('rejects a profile whose own example another profile wins', () => {
    const docs = base();
    docs.push(childDoc('acme/10-x2', 'acme/00-family', {}, { devinf: { Mod: '^X2$' }, examples: [{ at: { manufacturer: 'ACME', model: 'X2' } }] }));
    expectError(docs, PROFILE_ERR.SHADOW, 'acme/10-x2.json', '/match/examples/0', /is won by acme\/00-family/);
  });
});
