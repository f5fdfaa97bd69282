/** WBXML vocabularies of the SyncML family: tag tables, code pages, public ids. */
export { SYNCML10_TAGS, SYNCML11_TAGS, SYNCML12_TAGS, METINF10_TAGS, METINF11_TAGS, METINF12_TAGS } from './syncml.js';
export { DEVINF10_TAGS, DEVINF11_TAGS, DEVINF12_TAGS } from './devinf.js';
export { TAG_TABLES, codePagesOf } from './code-pages.js';
export type { CodePage, CodePageSet } from './code-pages.js';
export { PUBLIC_ID, LANGUAGES, languageEntryOf, publicIdOf, fpiOf, languageOfPublicId, languageOfFpi } from './public-ids.js';
export type { LanguageEntry } from './public-ids.js';
