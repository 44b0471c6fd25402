/**
 * The interface every tokenizer in this package implements, so models and batch iterators
 * take "a tokenizer" without caring whether it is byte-level or BPE. Ids are Int32Array so
 * they go straight into embedding lookups. Special ids (pad, bos, eos) sit above the 256 byte
 * ids; `decode` drops them, because they carry no text. Pure.
 */

export interface Tokenizer {
  /** 'byte' or 'bpe'. */
  readonly kind: 'byte' | 'bpe';
  /** Number of distinct ids; every id is in [0, vocabSize). */
  readonly vocabSize: number;
  /** Padding id (used by classification batches). */
  readonly pad: number;
  /** Beginning-of-sequence id. */
  readonly bos: number;
  /** End-of-sequence id. */
  readonly eos: number;
  /** Text to ids; exact inverse of `decode` for any well-formed (valid UTF-16) string. */
  encode(text: string): Int32Array;
  /** Ids to text; special ids are skipped, invalid UTF-8 byte runs become U+FFFD. */
  decode(ids: ArrayLike<number>): string;
}

/** Byte ids are 0..255; the three specials follow in this order in both tokenizers. */
export const BYTE_SYMBOLS = 256;
export const PAD_ID = 256;
export const BOS_ID = 257;
export const EOS_ID = 258;
export const FIRST_MERGE_ID = 259;
