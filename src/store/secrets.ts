/**
 * Password secrets of the users table.
 *
 * - basic auth: scrypt(password, 16-byte salt), compared in constant time;
 * - SyncML 1.1/1.2 MD5: B64(MD5(name:password)) kept as is (protocol-notes section 3, auth);
 * - SyncML 1.0 MD5 needs the clear password: kept encrypted with AES-256-GCM under a 32-byte key
 *   in `<dataDir>/secret.key` (mode 0600, made once), the user name as associated data.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { StoreError } from '../errors.js';
import type { UserSecrets } from '../ds/ports.js';

export const KEY_FILE = 'secret.key';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** scrypt cost: N=2^14, r=8, p=1 (16 MiB, tens of ms: the figures node and OWASP suggest). */
const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 } as const;

/** The stored form of one user's secrets (a users row). */
export interface SecretRow {
  readonly name: string;
  readonly pw_kdf: string | null;
  readonly pw_salt: Uint8Array | null;
  readonly pw_hash: Uint8Array | null;
  readonly md5_secret: string;
  readonly pw_enc: Uint8Array | null;
}

/**
 * The secret key of a data directory: read it, or (unless `readonly`) create it once with mode
 * 0600. Undefined when it is missing and `readonly`.
 * @throws StoreError SB_ERR_STORE_KEY when it cannot be read or written or has the wrong size
 */
export function loadSecretKey(dataDir: string, readonly: boolean): Uint8Array | undefined {
  const file = join(dataDir, KEY_FILE);
  try {
    if (!readonly) {
      try {
        // 'wx': never overwrite a key another process made first.
        writeFileSync(file, randomBytes(KEY_BYTES), { mode: 0o600, flag: 'wx' });
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    const key = readFileSync(file);
    if (key.length !== KEY_BYTES) throw new StoreError(`${file}: a secret key is ${KEY_BYTES} bytes, this file has ${key.length}`, 'SB_ERR_STORE_KEY');
    return key;
  } catch (err) {
    if (err instanceof StoreError) throw err;
    if (readonly && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StoreError(`${file}: ${(err as Error).message}`, 'SB_ERR_STORE_KEY', { cause: err });
  }
}

/** B64(MD5("name:password")), the value the SyncML 1.1+ MD5 digest is built on. */
export function md5Secret(name: string, password: string): string {
  return createHash('md5').update(`${name}:${password}`, 'utf8').digest('base64');
}

/** The columns to store for a new password. */
export function makeSecretRow(name: string, password: string, key: Uint8Array): SecretRow {
  const salt = randomBytes(16);
  const hash = scryptSync(password, salt, SCRYPT.keylen, { N: SCRYPT.N, r: SCRYPT.r, p: SCRYPT.p });
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(name, 'utf8'));
  const enc = Buffer.concat([cipher.update(password, 'utf8'), cipher.final()]);
  return {
    name,
    pw_kdf: `scrypt:${SCRYPT.N}:${SCRYPT.r}:${SCRYPT.p}`,
    pw_salt: salt,
    pw_hash: hash,
    md5_secret: md5Secret(name, password),
    pw_enc: Buffer.concat([iv, cipher.getAuthTag(), enc]),
  };
}

/** The clear password, or undefined without a key or when it does not decrypt (another key). */
function decryptPassword(row: SecretRow, key: Uint8Array | undefined): string | undefined {
  if (key === undefined || row.pw_enc === null || row.pw_enc.length < IV_BYTES + TAG_BYTES) return undefined;
  const blob = Buffer.from(row.pw_enc);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, blob.subarray(0, IV_BYTES));
    decipher.setAAD(Buffer.from(row.name, 'utf8'));
    decipher.setAuthTag(blob.subarray(IV_BYTES, IV_BYTES + TAG_BYTES));
    return Buffer.concat([decipher.update(blob.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch {
    return undefined;
  }
}

function checkScrypt(row: SecretRow, password: string): boolean {
  const m = /^scrypt:(\d+):(\d+):(\d+)$/.exec(row.pw_kdf ?? '');
  if (m === null || row.pw_salt === null || row.pw_hash === null) return false;
  const expected = Buffer.from(row.pw_hash);
  const got = scryptSync(password, row.pw_salt, expected.length, { N: Number(m[1]), r: Number(m[2]), p: Number(m[3]), maxmem: 256 * 1024 * 1024 });
  return timingSafeEqual(got, expected);
}

/** The engine's view of a users row. A user without a password never passes checkPassword. */
export function userSecrets(row: SecretRow, key: Uint8Array | undefined): UserSecrets {
  const password = decryptPassword(row, key);
  return {
    name: row.name,
    checkPassword: (pw: string) => checkScrypt(row, pw),
    md5Secret: row.md5_secret,
    password,
  };
}
