/** WBXML global tokens and tag bits (WBXML 1.3 §7.1; protocol-notes 4.2). */
export const GLOBAL = {
  SWITCH_PAGE: 0x00,
  END: 0x01,
  ENTITY: 0x02,
  STR_I: 0x03,
  LITERAL: 0x04,
  EXT_I_0: 0x40,
  EXT_I_1: 0x41,
  EXT_I_2: 0x42,
  PI: 0x43,
  LITERAL_C: 0x44,
  EXT_T_0: 0x80,
  EXT_T_1: 0x81,
  EXT_T_2: 0x82,
  STR_T: 0x83,
  LITERAL_A: 0x84,
  EXT_0: 0xc0,
  EXT_1: 0xc1,
  EXT_2: 0xc2,
  OPAQUE: 0xc3,
  LITERAL_AC: 0xc4,
} as const;

/** Tag byte bits: bit 6 = element has content (closed by END), bit 7 = element has attributes. */
export const TAG_BIT = {
  CONTENT: 0x40,
  ATTRIBUTES: 0x80,
  TOKEN_MASK: 0x3f,
} as const;

/** IANA MIBenum of UTF-8, the only charset SyncML peers use. */
export const CHARSET_UTF8 = 0x6a;

/** The WBXML version byte our encoder writes (WBXML 1.2), as Synthesis and libwbxml do. */
export const WBXML_VERSION_1_2 = 0x02;

/** Name of a global token, for messages; undefined for tag bytes. */
export function globalTokenName(b: number): string | undefined {
  return GLOBAL_NAMES.get(b);
}

const GLOBAL_NAMES = new Map<number, string>(Object.entries(GLOBAL).map(([k, v]) => [v, k]));
