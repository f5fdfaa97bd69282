/**
 * Coded errors of the device profiles (STYLE.md convention 6). A bad profile is operator
 * configuration, so every error is a ConfigError; `issues` lists each problem with the file and
 * the JSON path (JSON Pointer, `/atSwitch/steps/0/expect`) it concerns.
 */
import { ConfigError } from '../errors.js';

/** Stable codes raised by src/quirks. */
export const PROFILE_ERR = {
  /** A profile document does not satisfy drivers/schema.json (or a rule the schema cannot say). */
  INVALID: 'SB_ERR_PROFILE_INVALID',
  /** Broken `extends` chain: unknown parent, cycle, no root or two roots, two fallbacks, duplicate names. */
  CHAIN: 'SB_ERR_PROFILE_CHAIN',
  /** Two profiles match the same phones, or a profile's own example selects another profile. */
  SHADOW: 'SB_ERR_PROFILE_SHADOW',
  /** A drivers folder or profile file cannot be read or is not JSON. */
  LOAD: 'SB_ERR_PROFILE_LOAD',
  /** No profile of that name (`--serial PATH=PROFILE`). */
  UNKNOWN: 'SB_ERR_PROFILE_UNKNOWN',
} as const;

export type ProfileErrorCode = (typeof PROFILE_ERR)[keyof typeof PROFILE_ERR];

/** One problem in one profile. */
export interface ProfileIssue {
  /** The file (relative to the drivers folder) or profile name, when known. */
  readonly file?: string;
  /** JSON Pointer into the document; `` (empty) for the document itself. */
  readonly path: string;
  readonly message: string;
}

/** Format one issue as `file: /path: message`. */
export function formatIssue(issue: ProfileIssue): string {
  const where = issue.path === '' ? '(document)' : issue.path;
  return issue.file === undefined ? `${where}: ${issue.message}` : `${issue.file}: ${where}: ${issue.message}`;
}

/** A profile problem; the message names the first issues, `issues` holds all of them. */
export class ProfileError extends ConfigError {
  readonly issues: readonly ProfileIssue[];

  constructor(code: ProfileErrorCode, issues: readonly ProfileIssue[], options: { cause?: unknown } = {}) {
    const shown = issues.slice(0, 5).map(formatIssue);
    const more = issues.length > 5 ? ` (and ${issues.length - 5} more)` : '';
    super(`device profile: ${shown.join('; ')}${more}`, code, options);
    this.issues = issues;
  }
}
