// loadProfiles on real folders: a copy of drivers/ loads; a broken file is named with its path;
// unreadable or empty folders give SB_ERR_PROFILE_LOAD. Every temp dir is removed afterwards.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PROFILE_ERR, ProfileError, listProfileFiles, loadProfiles, type ProfileErrorCode } from '../../src/quirks/index.js';
import { ROOT } from '../helpers/cli.js';

const DRIVERS = resolve(ROOT, 'drivers');
const temps: string[] = [];
after(() => {
  for (const dir of temps) rmSync(dir, { recursive: true, force: true });
});

/** A fresh copy of drivers/ in a temp dir. */
function copy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'sb-drivers-'));
  temps.push(dir);
  cpSync(DRIVERS, dir, { recursive: true });
  return dir;
}

function edit(dir: string, file: string, change: (doc: Record<string, any>) => void): void { // eslint-disable-line @typescript-eslint/no-explicit-any
  const path = join(dir, file);
  const doc = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  change(doc);
  writeFileSync(path, JSON.stringify(doc));
}

function expectLoadError(dir: string, code: ProfileErrorCode, file: string, path: string): void {
  assert.throws(
    () => loadProfiles(dir),
    (e: unknown) => {
      assert.ok(e instanceof ProfileError, String(e));
      assert.equal(e.code, code, e.message);
      assert.ok(e.issues.some((i) => i.file === file && i.path === path), e.message);
      assert.ok(e.message.includes(file), e.message);
      return true;
    },
  );
}

describe('loadProfiles', () => {
  it('loads a copy of drivers/ (schema.json and README.md are not profiles)', () => {
    const dir = copy();
    const files = listProfileFiles(dir);
    assert.ok(!files.includes('schema.json'));
    assert.ok(files.includes('nokia/10-6230.json'));
    assert.deepEqual([...loadProfiles(dir).names], files.map((f) => f.replace(/\.json$/, '')));
  });

  it('names the file when it is not JSON', () => {
    const dir = copy();
    writeFileSync(join(dir, 'nokia/10-6230.json'), '{ "name": "nokia/10-6230", ');
    expectLoadError(dir, PROFILE_ERR.LOAD, 'nokia/10-6230.json', '');
  });

  it('names the file and JSON path of a schema violation', () => {
    const dir = copy();
    edit(dir, 'siemens/00-family.json', (d) => { d.atSwitch.steps[2].expect = []; });
    expectLoadError(dir, PROFILE_ERR.INVALID, 'siemens/00-family.json', '/atSwitch/steps/2/expect');
  });

  it('names the file of a broken extends', () => {
    const dir = copy();
    edit(dir, 'sonyericsson/10-k750.json', (d) => { d.extends = 'sony/00-family'; });
    expectLoadError(dir, PROFILE_ERR.CHAIN, 'sonyericsson/10-k750.json', '/extends');
  });

  it('names a profile file that was copied without renaming it', () => {
    const dir = copy();
    cpSync(join(dir, 'nokia/10-6230.json'), join(dir, 'nokia/10-6300.json'));
    expectLoadError(dir, PROFILE_ERR.CHAIN, 'nokia/10-6300.json', '/name');
  });

  it('finds a new profile that shadows a shipped one', () => {
    const dir = copy();
    const doc = JSON.parse(readFileSync(join(dir, 'motorola/00-family.json'), 'utf8')) as Record<string, unknown>;
    writeFileSync(join(dir, 'motorola/00-clone.json'), JSON.stringify({ ...doc, name: 'motorola/00-clone' }));
    expectLoadError(dir, PROFILE_ERR.SHADOW, 'motorola/00-family.json', '/match/usb/0');
  });

  it('fails on a missing folder and on a folder without profiles', () => {
    assert.throws(() => loadProfiles(join(tmpdir(), 'sb-no-such-drivers-dir')), (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.LOAD);
    const empty = mkdtempSync(join(tmpdir(), 'sb-drivers-empty-'));
    temps.push(empty);
    writeFileSync(join(empty, 'schema.json'), '{}');
    assert.throws(() => loadProfiles(empty), (e: unknown) => e instanceof ProfileError && e.code === PROFILE_ERR.LOAD && /no profile files/.test(e.message));
  });
});
