/**
 * The contracts between the pure DS engine and what surrounds it (DESIGN.md sections 2 and 3).
 *
 * The engine is pure: it never opens files or sockets. It reads and writes the store through the
 * synchronous `DsStore` port below (better-sqlite3 is synchronous; tests use an in-memory store
 * behind the same port). The caller runs `ServerSession.handle()` inside `DsStore.transaction()`
 * and sends the reply only after that transaction has committed: every Status the reply carries
 * acknowledges data that is already on disk ("commit before acknowledging").
 *
 * Content (vCard, iCalendar, vCalendar, vNote, text/plain) is handled through `ContentHandler`s,
 * one per datastore kind (src/ds/content/).
 */

/** The user every session runs as on links without authentication (and the store's default user). */
export const LOCAL_USER = 'local';

/** The four kinds of datastore every user has. */
export type StoreKind = 'contacts' | 'calendar' | 'tasks' | 'notes';
export const STORE_KINDS: readonly StoreKind[] = ['contacts', 'calendar', 'tasks', 'notes'];

/** How a conflict between a client change and a server change of the same item is settled. */
export type ConflictPolicy = 'merge' | 'server-wins' | 'client-wins' | 'newest-wins' | 'duplicate';

/** A user's secrets as the engine needs them to check SyncML credentials. */
export interface UserSecrets {
  readonly name: string;
  /** True when `password` is this user's password (basic auth; constant-time inside). */
  checkPassword(password: string): boolean;
  /** B64(MD5("user:password")): the value the SyncML 1.1/1.2 MD5 digest is built on. */
  readonly md5Secret: string;
  /** The clear password, when the store can recover it (needed for the SyncML 1.0 MD5 digest). */
  readonly password: string | undefined;
}

/** One item of a datastore (a tombstone when `deleted`). `data` is owned by the store. */
export interface ItemRecord {
  readonly guid: string;
  readonly kind: StoreKind;
  /** Content type of `data` as stored (the handler's canonical type, e.g. text/vcard). */
  readonly contentType: string;
  readonly data: Uint8Array;
  /** Store-wide monotonic revision of the last change of this item. */
  readonly rev: number;
  readonly deleted: boolean;
  /** Device id (SyncHdr Source LocURI) whose session made the last change; null = local (import, CLI). */
  readonly changedBy: string | null;
  /** Key for slow-sync matching (ContentHandler.normalise), null when the item has none. */
  readonly matchKey: string | null;
  /** Time of the last change, ms since the epoch. */
  readonly modified: number;
}

/** What the engine writes for an item. */
export interface ItemInput {
  /** Update this item (or revive its tombstone); a new GUID is made when absent. */
  readonly guid?: string;
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly matchKey: string | null;
  readonly changedBy: string | null;
  readonly now: number;
}

/** A device the bridge has seen. */
export interface DeviceRecord {
  /** SyncHdr Source LocURI of the device (IMEI:..., a SyncEvolution deviceId, ...). */
  readonly id: string;
  readonly user: string;
  /** The device's DevInf as JSON-able data (src/syncml DevInf model), when it sent one. */
  readonly devinf: unknown;
  /** Digest of the DevInf, to notice a changed one. */
  readonly devinfDigest: string | null;
  /** Name of the device profile (drivers/) matched for it, if any. */
  readonly profile: string | null;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** Sync state of one device and one datastore. Only a cleanly ended session writes it. */
export interface DeviceStoreRecord {
  readonly device: string;
  readonly kind: StoreKind;
  /** The datastore URI the device used (as it sent it in its Alert Target, without query). */
  readonly uri: string;
  /** The client's Next anchor of the last good session (its Last next time). */
  readonly clientAnchor: string | null;
  /** The server anchor sent in the last good session. */
  readonly serverAnchor: string | null;
  /** Store revision the device was in step with at the end of the last good session. */
  readonly lastRev: number;
  readonly lastSync: number | null;
  /** Alert code of the last good session. */
  readonly lastMode: number | null;
}

/** The store as the engine sees it. All calls are synchronous. */
export interface DsStore {
  /**
   * Run `fn` in one transaction and return its result. A nested call is a savepoint: when its `fn`
   * throws, only the nested part is rolled back (Atomic uses this) and the error propagates.
   */
  transaction<T>(fn: () => T): T;
  /** The highest revision handed out so far (0 for an empty store). */
  currentRev(): number;

  getUser(name: string): UserSecrets | undefined;

  /** An item or its tombstone. */
  getItem(user: string, kind: StoreKind, guid: string): ItemRecord | undefined;
  /** Insert or update (reviving a tombstone); bumps the revision. */
  putItem(user: string, kind: StoreKind, input: ItemInput): ItemRecord;
  /** Tombstone an item; bumps the revision. Undefined when unknown or already deleted. */
  deleteItem(user: string, kind: StoreKind, guid: string, changedBy: string | null, now: number): ItemRecord | undefined;
  /**
   * Items (tombstones included) whose rev is > `sinceRev`, oldest first, leaving out those whose
   * last change came from `excludeDevice` (a device never receives back what it sent).
   */
  changesSince(user: string, kind: StoreKind, sinceRev: number, excludeDevice?: string): ItemRecord[];
  /** Every live item, in guid order, a page at a time (`afterGuid` = last guid of the previous page). */
  liveItems(user: string, kind: StoreKind, afterGuid: string | undefined, limit: number): ItemRecord[];
  countLive(user: string, kind: StoreKind): number;
  /** Live items with this match key. */
  findByMatchKey(user: string, kind: StoreKind, matchKey: string): ItemRecord[];

  getDevice(id: string): DeviceRecord | undefined;
  /** The MD5 NextNonce (base64) last sent to this device, kept across sessions and restarts. */
  getNonce(device: string): string | undefined;
  setNonce(device: string, nonce: string): void;
  /** Insert or update; firstSeen of an existing device is kept. */
  saveDevice(device: Omit<DeviceRecord, 'firstSeen'>): void;
  getDeviceStore(device: string, kind: StoreKind): DeviceStoreRecord | undefined;
  saveDeviceStore(rec: DeviceStoreRecord): void;
  /** Forget anchors (the next session of this device and datastore is a slow sync). */
  forgetDeviceStore(device: string, kind: StoreKind): void;

  /** LUID <-> GUID maps per device and datastore. */
  guidForLuid(device: string, kind: StoreKind, luid: string): string | undefined;
  luidForGuid(device: string, kind: StoreKind, guid: string): string | undefined;
  /** Set a pair, removing any other pair that has this luid or this guid. */
  setMap(device: string, kind: StoreKind, luid: string, guid: string): void;
  deleteMapByGuid(device: string, kind: StoreKind, guid: string): void;
  clearMaps(device: string, kind: StoreKind): void;
  /** All pairs of a device and datastore, [luid, guid]. */
  listMaps(device: string, kind: StoreKind): Array<[luid: string, guid: string]>;

  /**
   * Small durable JSON values per device and datastore (temporary short ids, a suspended
   * session's state, ...). `undefined` deletes.
   */
  getPending(device: string, kind: StoreKind, key: string): unknown;
  setPending(device: string, kind: StoreKind, key: string, value: unknown): void;
}

/** One content type a datastore takes or gives. */
export interface ContentFormat {
  readonly type: string;
  readonly version: string;
}

/** What the engine knows about the device's side of one datastore. */
export interface DeviceFormat {
  /** Content types the device takes, preferred first (DevInf Rx-Pref then Rx); empty = unknown. */
  readonly accepts: readonly ContentFormat[];
  /** Property names (upper case) the device keeps, from CTCap; undefined = unknown (assume all). */
  readonly supportedProps?: ReadonlySet<string>;
  /** Charset of 8-bit text the device sends and expects (device profile); default UTF-8. */
  readonly charset?: string;
  /** Alarm times in UTC only (device profile `alarmsUtc`). */
  readonly alarmsUtc?: boolean;
  /** Field length limits (device profile `fieldLimits`): property name -> max characters. */
  readonly fieldLimits?: Readonly<Record<string, number>>;
  /**
   * The device cuts fields to lengths it does not declare (profile `limitedFieldLengths`): a
   * value it sends back that is the start of the stored one is the stored one, cut.
   */
  readonly limitedFieldLengths?: boolean;
  /** Earliest date the device takes, `YYYYMMDD` (profile `minDate`); undefined: no limit. */
  readonly minDate?: string;
  /** Date-times the device takes (profile `times`): as stored, floating local time only, UTC only. */
  readonly times?: 'as-is' | 'local' | 'utc';
  /** IANA zone of the device's local time (the bridge's: EngineConfig.timeZone); default the host's. */
  readonly timeZone?: string;
  /** Prefix the device puts before each CATEGORIES value (profile `categoriesPrefix`, `X-`). */
  readonly categoriesPrefix?: string;
  /** Every vCard EMAIL sent gets TYPE=INTERNET (profile `emailTypeInternet`, Nokia E51). */
  readonly emailTypeInternet?: boolean;
  /** Properties with an empty value are not sent (profile `dropEmptyProperties`, Siemens SX1). */
  readonly dropEmptyProperties?: boolean;
  /**
   * vCard 2.1 / vCalendar 1.0 / vNote values with 8-bit characters: true QP, false characters
   * with CHARSET (profile `quoteEightBit`); undefined: the writers' default (QP).
   */
  readonly quoteEightBit?: boolean;
  /** False: no line folding on output (profile `foldLines`, Motorola V3); default fold. */
  readonly foldLines?: boolean;
  /** vCalendar 1.0 all-day events as T000000Z..T240000Z (profile `allDayUtcRange`, UIQ). */
  readonly allDayUtcRange?: boolean;
}

/** An incoming item, normalised for storage. */
export interface NormalisedItem {
  readonly contentType: string;
  readonly data: Uint8Array;
  readonly matchKey: string | null;
  /** A short human label (a name, a summary) for logs and the live page. */
  readonly label: string;
}

/** Parsing, matching, merging and rendering of one datastore kind. Pure. */
export interface ContentHandler {
  readonly kind: StoreKind;
  /** Types this datastore receives and sends, preferred first (for the bridge's DevInf). */
  readonly formats: readonly ContentFormat[];
  /** Property names for the bridge's CTCap of each type (upper case). */
  ctcap(type: string): readonly string[];
  /**
   * Parse an incoming item (`type` from the item's or command's Meta Type, may be undefined or
   * carry parameters) into the stored form. Throws SyncmlError 415 for a type this store does
   * not take, 400 for data that does not parse.
   */
  normalise(data: Uint8Array, type: string | undefined, dev: DeviceFormat): NormalisedItem;
  /**
   * Settle an update of a stored item: the incoming item wins for the properties the device
   * supports; properties it does not support are kept from the stored item.
   */
  merge(stored: ItemRecord, incoming: NormalisedItem, dev: DeviceFormat): NormalisedItem;
  /** True when two stored forms are the same item for slow-sync matching (keys already equal). */
  same(a: Uint8Array, b: Uint8Array): boolean;
  /** Render a stored item for a device (its preferred type, charset, limits). */
  render(item: ItemRecord, dev: DeviceFormat): { contentType: string; data: Uint8Array };
  /** The item's fields as plain JSON (for `export --format json` and the live page). */
  fields(item: ItemRecord): Record<string, unknown>;
  /** Split a file of several objects (a .vcf with many vCards, an .ics with many events) for import. */
  split(file: Uint8Array, type: string | undefined): Array<{ data: Uint8Array; type: string }>;
}
