// Synthetic profile documents for the quirks tests: a complete root and terse children whose
// evidence notes are filled in automatically (the shipped drivers/ are tested on their own).
import { PROFILE_SETTINGS, type ProfileDocument, type ProfileMatch } from '../../src/quirks/index.js';

/** A complete root profile (every setting set, with evidence). */
export function rootDoc(): ProfileDocument {
  return withEvidence({
    name: '00-default',
    description: 'test root',
    supported: true,
    syncmlVersion: '1.2',
    sanVersion: '1.2',
    serverIdentifier: 'root-id',
    datastores: { contacts: 'Contacts', calendar: 'Calendar', tasks: 'Tasks', notes: 'Notes', calendarHoldsTasks: false },
    encoding: 'wbxml',
    charset: { input: 'UTF-8', output: 'UTF-8' },
    ctcap: true,
    ctcapSizes: true,
    stringTable: false,
    obex: { maxPacket: 65535, target: 'SYNCML-SYNC' },
    atSwitch: null,
    alarmsUtc: false,
    fieldLimits: { N: 100 },
    ignoreDevInfMaxSize: false,
    limitedFieldLengths: false,
    minDate: null,
    times: 'as-is',
    categoriesPrefix: null,
    emailTypeInternet: false,
    dropEmptyProperties: false,
    quoteEightBit: false,
    foldLines: true,
    allDayUtcRange: false,
    perItemStatus: true,
    dialogRetry: { attempts: 0, delayMs: 0 },
  });
}

/** A child profile; `settings` are any ProfileDocument settings. */
export function childDoc(name: string, parent: string, settings: Partial<ProfileDocument> = {}, match?: ProfileMatch): ProfileDocument {
  return withEvidence({ name, description: `test ${name}`, extends: parent, ...settings, ...(match === undefined ? {} : { match }) });
}

/** Add an evidence note for every setting (and match) the document sets. */
export function withEvidence(doc: ProfileDocument): ProfileDocument {
  const evidence: Record<string, string> = { ...doc.evidence };
  const record = doc as unknown as Record<string, unknown>;
  for (const key of PROFILE_SETTINGS) if (record[key] !== undefined && evidence[key] === undefined) evidence[key] = `${doc.name} sets ${key} (test data)`;
  if (doc.match !== undefined) evidence['match'] ??= `${doc.name} match (test data)`;
  return { ...doc, evidence };
}
