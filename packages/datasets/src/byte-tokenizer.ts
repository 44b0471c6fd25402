/**
 * Byte-level tokenizer: the UTF-8 bytes of the text are the ids (0..255), plus three specials
 * pad = 256, bos = 257, eos = 258 (vocabSize 259). No training, no unknown symbol, and an
 * exact round trip on any well-formed string — the right default for character-level LM
 * pre-training. A model that only needs bytes can use an embedding of 256 rows and never
 * see the specials. Pure (TextEncoder / TextDecoder are globals in Node and browsers).
 */
import { BOS_ID, BYTE_SYMBOLS, EOS_ID, FIRST_MERGE_ID, PAD_ID, type Tokenizer } from './tokenizer.js';
import { DatasetError } from './validate.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** UTF-8 bytes of `ids` that are byte ids; throws on an id outside [0, vocabSize). */
export function bytesOf(ids: ArrayLike<number>, vocabSize: number, where: string): Uint8Array {
  const bytes = new Uint8Array(ids.length);
  let n = 0;
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i];
    if (id >= 0 && id < BYTE_SYMBOLS && Number.isInteger(id)) bytes[n++] = id;
    else if (!(Number.isInteger(id) && id >= BYTE_SYMBOLS && id < vocabSize)) {
      throw new DatasetError(`${where}: id ${id} at position ${i} is outside [0, ${vocabSize})`);
    }
  }
  return bytes.subarray(0, n);
}

/** The byte-level tokenizer (stateless; every call returns an equivalent object). */
export function byteTokenizer(): Tokenizer {
  return {
    kind: 'byte',
    vocabSize: FIRST_MERGE_ID,
    pad: PAD_ID,
    bos: BOS_ID,
    eos: EOS_ID,
    encode(text: string): Int32Array {
      return Int32Array.from(encoder.encode(text));
    },
    decode(ids: ArrayLike<number>): string {
      return decoder.decode(bytesOf(ids, FIRST_MERGE_ID, 'byteTokenizer.decode'));
    },
  };
}
