/**
 * Every default bound in one place (STYLE.md convention 2). Decoders check each declared
 * length against these *before* buffering or allocating, and raise a coded error naming the
 * byte offset when one is exceeded.
 */
export interface CodecLimits {
  /** Largest whole document (WBXML bytes or XML bytes) a decoder accepts. */
  readonly maxDocumentBytes: number;
  /** Deepest element nesting (a nested DevInf document counts from its enclosing depth). */
  readonly maxDepth: number;
  /** Largest WBXML string table. */
  readonly maxStringTableBytes: number;
  /** Largest single WBXML OPAQUE / inline string / XML text node. */
  readonly maxLeafBytes: number;
  /** Most elements in one document (guards pathological width). */
  readonly maxElements: number;
}

export const DEFAULT_CODEC_LIMITS: CodecLimits = Object.freeze({
  maxDocumentBytes: 32 * 1024 * 1024,
  maxDepth: 48,
  maxStringTableBytes: 64 * 1024,
  maxLeafBytes: 16 * 1024 * 1024,
  maxElements: 1_000_000,
});

/** Fill unspecified fields of a partial limits object from the defaults. */
export function codecLimits(partial?: Partial<CodecLimits>): CodecLimits {
  return partial === undefined ? DEFAULT_CODEC_LIMITS : { ...DEFAULT_CODEC_LIMITS, ...partial };
}
