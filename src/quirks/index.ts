/**
 * Device profiles (pure, except load.ts which reads drivers/): schema, validator, merge, matcher.
 * Other layers import only from here.
 */
export { PROFILE_SCHEMA, PROFILE_SETTINGS, PROFILE_CHARSETS, PROFILE_TIMES, profileSchemaJson } from './schema.js';
export { PROFILE_ERR, ProfileError, formatIssue, type ProfileErrorCode, type ProfileIssue } from './errors.js';
export {
  validateProfile,
  mergeProfiles,
  type ProfileAtStep,
  type ProfileAtSwitch,
  type DeviceProfile,
  type DevInfIdentity,
  type MatchInput,
  type ProfileCharset,
  type ProfileDatastores,
  type ProfileDialogRetry,
  type ProfileDocument,
  type ProfileMatch,
  type ProfileObex,
  type ProfileSettings,
  type SettingKey,
  type ProfileSyncmlVersion,
  type ProfileTimes,
  type UsbId,
} from './profile.js';
export { ProfileSet, buildProfileSet, findShadows, type ProfileSource } from './set.js';
export {
  MATCH_KEYS,
  matchProfile,
  normalizeAtAnswer,
  normalizeInput,
  normalizeUsbId,
  type MatchHit,
  type MatchKey,
  type MatchResult,
  type NormalizedInput,
} from './match.js';
export { DEFAULT_DRIVERS_DIR, listProfileFiles, loadProfiles, readProfileSources } from './load.js';
