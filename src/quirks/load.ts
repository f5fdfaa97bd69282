/**
 * Read a drivers folder: every `*.json` below it except `schema.json`, parsed, validated and
 * linked into a ProfileSet (set.ts). The one file of src/quirks that touches the file system.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PROFILE_ERR, ProfileError } from './errors.js';
import { buildProfileSet, type ProfileSet, type ProfileSource } from './set.js';

/**
 * The `drivers/` folder shipped with the package: two levels above this file both in `src/quirks`
 * (tsx) and in `dist/quirks` (built).
 */
export const DEFAULT_DRIVERS_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../drivers');

/** Relative paths (with `/`) of the profile files below `dir`, sorted. */
export function listProfileFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir, { recursive: true, encoding: 'utf8' });
  } catch (cause) {
    throw new ProfileError(PROFILE_ERR.LOAD, [{ file: dir, path: '', message: `cannot read the drivers folder (${(cause as Error).message})` }], { cause });
  }
  return entries
    .map((p) => p.split(sep).join('/'))
    .filter((p) => p.endsWith('.json') && p !== 'schema.json')
    .sort();
}

/** Read and parse every profile file below `dir` (no validation yet). */
export function readProfileSources(dir: string): ProfileSource[] {
  return listProfileFiles(dir).map((file) => {
    let text: string;
    try {
      text = readFileSync(join(dir, file), 'utf8');
    } catch (cause) {
      throw new ProfileError(PROFILE_ERR.LOAD, [{ file, path: '', message: `cannot read (${(cause as Error).message})` }], { cause });
    }
    try {
      return { file, json: JSON.parse(text) as unknown };
    } catch (cause) {
      throw new ProfileError(PROFILE_ERR.LOAD, [{ file, path: '', message: `not JSON (${(cause as Error).message})` }], { cause });
    }
  });
}

/**
 * Load, validate and link every profile of a drivers folder.
 * @param dir the folder (default: the package's own `drivers/`)
 * @throws ProfileError naming the file and JSON path: SB_ERR_PROFILE_LOAD, _INVALID, _CHAIN, _SHADOW
 */
export function loadProfiles(dir: string = DEFAULT_DRIVERS_DIR): ProfileSet {
  const sources = readProfileSources(dir);
  if (sources.length === 0) throw new ProfileError(PROFILE_ERR.LOAD, [{ file: relative(process.cwd(), dir) || dir, path: '', message: 'no profile files (*.json) found' }]);
  return buildProfileSet(sources);
}
