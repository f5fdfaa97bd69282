/**
 * The JSON Schema (draft 2020-12) of one device profile file in `drivers/`.
 *
 * This object is the source; `drivers/schema.json` is its published copy for operators and
 * editors (test/drivers checks that both are identical; regenerate the copy with
 * `node --import tsx -e "import('./src/quirks/schema.ts').then((m) => process.stdout.write(m.profileSchemaJson()))" > drivers/schema.json`).
 * It lives in `src/` so that the pure validator needs no file access and the build needs no
 * file outside `src/`.
 */

/** Settings a profile may set; each one it sets needs an `evidence` note of the same name. */
export const PROFILE_SETTINGS = [
  'supported',
  'unsupportedReason',
  'syncmlVersion',
  'sanVersion',
  'serverIdentifier',
  'datastores',
  'encoding',
  'charset',
  'ctcap',
  'ctcapSizes',
  'stringTable',
  'obex',
  'atSwitch',
  'alarmsUtc',
  'fieldLimits',
  'ignoreDevInfMaxSize',
  'limitedFieldLengths',
  'minDate',
  'times',
  'categoriesPrefix',
  'emailTypeInternet',
  'dropEmptyProperties',
  'quoteEightBit',
  'foldLines',
  'allDayUtcRange',
  'perItemStatus',
  'dialogRetry',
] as const;

/** How the phone wants date-times: as the item carries them, always local time, always UTC. */
export const PROFILE_TIMES = ['as-is', 'local', 'utc'] as const;

/** Charsets a phone may use for vCard/vCalendar payloads. */
export const PROFILE_CHARSETS = ['UTF-8', 'ISO-8859-1', 'windows-1252'] as const;

/** A JavaScript regular expression, tested case-insensitively. */
const regex = { type: 'string', minLength: 1, format: 'regex' } as const;
const hexId = { type: 'string', pattern: '^[0-9a-fA-F]{4}$' } as const;
const storeUri = { type: ['string', 'null'], minLength: 1 } as const;

const devinfKeys = { Man: regex, Mod: regex, SwV: regex, FwV: regex, HwV: regex } as const;

const atStep = {
  type: 'object',
  additionalProperties: false,
  required: ['send', 'expect'],
  properties: {
    send: { type: 'string', minLength: 1, pattern: '^[^\\r\\n]+$', description: 'The command line without the trailing CR.' },
    expect: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1 }, description: 'Final result lines that mean success.' },
    timeoutMs: { type: 'integer', minimum: 1, maximum: 120000 },
    delayAfterMs: { type: 'integer', minimum: 0, maximum: 60000 },
    skipIf: {
      type: 'object',
      additionalProperties: false,
      required: ['step', 'matches'],
      properties: {
        step: { type: 'integer', minimum: 0, description: 'Index of an earlier step.' },
        matches: { ...regex, description: "Regular expression over that step's answer lines." },
      },
    },
  },
} as const;

/** An input the profile must win (`matchProfile` over the whole drivers folder), used to find shadowed profiles. */
const matchExample = {
  type: 'object',
  additionalProperties: false,
  minProperties: 1,
  properties: {
    usb: { type: 'object', additionalProperties: false, required: ['vendor'], properties: { vendor: hexId, product: hexId } },
    at: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { manufacturer: { type: 'string' }, model: { type: 'string' } },
    },
    devinf: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { Man: { type: 'string' }, Mod: { type: 'string' }, SwV: { type: 'string' }, FwV: { type: 'string' }, HwV: { type: 'string' } },
    },
  },
} as const;

/** Every setting a profile sets must carry an evidence note (STYLE.md convention 11). */
const evidenceRequired = Object.fromEntries(
  PROFILE_SETTINGS.map((key) => [key, { required: ['evidence'], properties: { evidence: { type: 'object', required: [key] } } }]),
);

/** The schema object (draft 2020-12). */
export const PROFILE_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://syncml-bridge.invalid/drivers/schema.json',
  title: 'syncml-bridge device profile',
  description:
    'One device profile. Profiles form a tree through `extends` (root: 00-default) and are merged root first. ' +
    'Every setting a profile sets needs an evidence note of the same name. See drivers/README.md.',
  type: 'object',
  additionalProperties: false,
  required: ['name', 'description'],
  properties: {
    $schema: { type: 'string' },
    name: { type: 'string', pattern: '^([a-z0-9]+(-[a-z0-9]+)*/)?[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$', description: 'The file path below drivers/ without .json.' },
    description: { type: 'string', minLength: 1 },
    extends: { type: 'string', minLength: 1, description: 'Name of the parent profile; only 00-default has none.' },
    fallback: { type: 'boolean', description: 'Use this profile when no profile matches (one profile at most).' },
    match: {
      type: 'object',
      additionalProperties: false,
      properties: {
        usb: {
          type: 'array',
          minItems: 1,
          items: { type: 'object', additionalProperties: false, required: ['vendor'], properties: { vendor: hexId, product: hexId } },
        },
        at: { type: 'object', additionalProperties: false, minProperties: 1, properties: { manufacturer: regex, model: regex } },
        devinf: { type: 'object', additionalProperties: false, minProperties: 1, properties: devinfKeys },
        examples: { type: 'array', minItems: 1, items: matchExample },
      },
      dependentRequired: { usb: ['examples'], at: ['examples'], devinf: ['examples'] },
    },
    supported: { type: 'boolean' },
    unsupportedReason: { type: 'string', minLength: 1 },
    syncmlVersion: { enum: ['1.0', '1.1', '1.2'] },
    sanVersion: { enum: ['1.0', '1.1', '1.2'] },
    serverIdentifier: { type: 'string' },
    datastores: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { contacts: storeUri, calendar: storeUri, tasks: storeUri, notes: storeUri, calendarHoldsTasks: { type: 'boolean' } },
    },
    encoding: { enum: ['wbxml', 'xml'] },
    charset: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { input: { enum: [...PROFILE_CHARSETS] }, output: { enum: [...PROFILE_CHARSETS] } },
    },
    ctcap: { type: 'boolean' },
    ctcapSizes: { type: 'boolean' },
    stringTable: { type: 'boolean' },
    obex: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      properties: { maxPacket: { type: 'integer', minimum: 255, maximum: 65535 }, target: { type: 'string', minLength: 1 } },
    },
    atSwitch: {
      oneOf: [
        { type: 'null' },
        { type: 'object', additionalProperties: false, required: ['steps'], properties: { steps: { type: 'array', items: atStep } } },
      ],
    },
    alarmsUtc: { type: 'boolean' },
    fieldLimits: {
      type: 'object',
      propertyNames: { pattern: '^[A-Z][A-Z0-9-]*$' },
      additionalProperties: { type: 'integer', minimum: 1 },
    },
    ignoreDevInfMaxSize: { type: 'boolean' },
    limitedFieldLengths: { type: 'boolean', description: 'The phone truncates fields without declaring sizes in CTCap.' },
    minDate: {
      type: ['string', 'null'],
      pattern: '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$',
      description: 'Earliest date (YYYY-MM-DD) the phone accepts; null: no limit.',
    },
    times: { enum: [...PROFILE_TIMES], description: 'as-is, local (floating local time only) or utc (UTC only) for date-times sent to the phone.' },
    categoriesPrefix: { type: ['string', 'null'], minLength: 1, description: 'Prefix the phone puts before each CATEGORIES value (stripped on input); null: none.' },
    emailTypeInternet: { type: 'boolean', description: 'Add TYPE=INTERNET to every vCard EMAIL sent to the phone.' },
    dropEmptyProperties: { type: 'boolean', description: 'Leave out vCard/vCalendar properties with an empty value.' },
    quoteEightBit: { type: 'boolean', description: 'Encode property values holding 8-bit characters as quoted-printable.' },
    foldLines: { type: 'boolean', description: 'Fold long vCard/vCalendar lines (false: never fold).' },
    allDayUtcRange: { type: 'boolean', description: 'All-day events are written as DTSTART ...T000000Z / DTEND ...T240000Z.' },
    perItemStatus: { type: 'boolean', description: 'Send one Status per item (false: the phone breaks on many Statuses).' },
    dialogRetry: {
      type: 'object',
      additionalProperties: false,
      minProperties: 1,
      description: 'Host-initiated sessions: how often and after how long to retry when the phone answers OBEX 0xC3 (a dialog on its screen).',
      properties: { attempts: { type: 'integer', minimum: 0, maximum: 10 }, delayMs: { type: 'integer', minimum: 0, maximum: 600000 } },
    },
    evidence: {
      type: 'object',
      propertyNames: { enum: [...PROFILE_SETTINGS, 'match'] },
      additionalProperties: { type: 'string', minLength: 10 },
    },
  },
  dependentSchemas: evidenceRequired,
  allOf: [
    {
      if: { properties: { supported: { const: false } }, required: ['supported'] },
      then: { required: ['unsupportedReason'] },
    },
    {
      if: { required: ['match'] },
      then: { required: ['evidence'], properties: { evidence: { type: 'object', required: ['match'] } } },
    },
    {
      if: { not: { required: ['extends'] } },
      then: { required: PROFILE_SETTINGS.filter((key) => key !== 'unsupportedReason') },
    },
  ],
} as const;

/** The schema as the text of `drivers/schema.json` (two-space indent, final newline). */
export function profileSchemaJson(): string {
  return `${JSON.stringify(PROFILE_SCHEMA, null, 2)}\n`;
}
