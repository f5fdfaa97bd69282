/**
 * `syncml-bridge import --user NAME --store STORE FILE` (DESIGN.md section 5): the objects of a
 * file (several vCards, an .ics or .vcs with several events or todos, notes) into a datastore.
 *
 * - Every object is parsed first (ContentHandler.split, then normalise); one bad object stops
 *   the import before anything is written (exit 1).
 * - All writes go in one transaction, as local changes (changedBy null): every device gets them
 *   in its next sync.
 * - An object whose match key equals a live item's, and that the handler calls the same item,
 *   updates that item (ContentHandler.merge) instead of adding a duplicate; when the merged form
 *   is byte for byte the stored one, nothing is written ("unchanged").
 */
import { readFileSync } from 'node:fs';
import { BridgeError, ConfigError } from '../errors.js';
import type { ContentHandler, DeviceFormat, ItemRecord, NormalisedItem, StoreKind } from '../ds/ports.js';
import type { SqliteStore } from '../store/index.js';
import { storeKindOption } from './export-cmd.js';
import { openDataDir } from './user-cmd.js';

/** Nothing is known of the "device" a file comes from: every property counts as supported. */
const FILE_FORMAT: DeviceFormat = { accepts: [] };

export interface ImportCounts {
  readonly added: number;
  readonly updated: number;
  readonly unchanged: number;
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/** Parse every object of `file`. @throws BridgeError naming the first bad object */
export function parseImport(handler: ContentHandler, file: Uint8Array): NormalisedItem[] {
  let parts: Array<{ data: Uint8Array; type: string }>;
  try {
    parts = handler.split(file, undefined);
  } catch (err) {
    throw new BridgeError(`the file does not parse as ${handler.kind}: ${(err as Error).message}`, 'SB_ERR_IMPORT', { cause: err });
  }
  const out: NormalisedItem[] = [];
  const bad: string[] = [];
  parts.forEach((part, i) => {
    try {
      out.push(handler.normalise(part.data, part.type, FILE_FORMAT));
    } catch (err) {
      bad.push(`item ${i + 1} of ${parts.length}: ${(err as Error).message}`);
    }
  });
  if (bad.length > 0) {
    const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad item${bad.length > 2 ? 's' : ''})` : '';
    throw new BridgeError(`${bad[0] ?? ''}${more}; nothing imported`, 'SB_ERR_IMPORT');
  }
  return out;
}

/** Write parsed items into `user`'s datastore in one transaction (see the module comment). */
export function importItems(store: SqliteStore, handler: ContentHandler, user: string, kind: StoreKind, items: readonly NormalisedItem[], now: number): ImportCounts {
  return store.transaction(() => {
    let added = 0;
    let updated = 0;
    let unchanged = 0;
    for (const item of items) {
      const match: ItemRecord | undefined = item.matchKey === null
        ? undefined
        : store.findByMatchKey(user, kind, item.matchKey).find((stored) => handler.same(stored.data, item.data));
      if (match === undefined) {
        store.putItem(user, kind, { contentType: item.contentType, data: item.data, matchKey: item.matchKey, changedBy: null, now });
        added++;
        continue;
      }
      const merged = handler.merge(match, item, FILE_FORMAT);
      if (merged.contentType === match.contentType && merged.matchKey === match.matchKey && sameBytes(merged.data, match.data)) {
        unchanged++;
        continue;
      }
      store.putItem(user, kind, { guid: match.guid, contentType: merged.contentType, data: merged.data, matchKey: merged.matchKey, changedBy: null, now });
      updated++;
    }
    return { added, updated, unchanged };
  });
}

/** `import FILE` (`-` = standard input): prints "imported N (added A, updated U, unchanged X)". */
export async function importCmd(file: string, opts: { user: string; store: string; dataDir: string }, io: { readonly stdout: NodeJS.WritableStream }): Promise<void> {
  const kind = storeKindOption(opts.store);
  let input: Uint8Array;
  try {
    input = file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    throw new ConfigError(`FILE: cannot read '${file}': ${(err as Error).message}`, 'SB_ERR_CONFIG_FILE', { cause: err });
  }
  const store = openDataDir(opts.dataDir);
  let counts: ImportCounts;
  try {
    if (!store.hasUser(opts.user)) throw new ConfigError(`--user: no user '${opts.user}'`, 'SB_ERR_CONFIG_VALUE');
    const { createContentHandlers } = await import('../ds/content/index.js');
    const handler = createContentHandlers().get(kind);
    if (handler === undefined) throw new ConfigError(`--store: no content handler for ${kind}`, 'SB_ERR_CONFIG_VALUE');
    const items = parseImport(handler, input);
    counts = importItems(store, handler, opts.user, kind, items, Date.now());
  } finally {
    store.close();
  }
  const total = counts.added + counts.updated + counts.unchanged;
  io.stdout.write(`imported ${total} (added ${counts.added}, updated ${counts.updated}, unchanged ${counts.unchanged})\n`);
}
