import { describe, expect, it } from 'vitest';
import { byteTokenizer } from './byte-tokenizer.js';
import { DatasetError } from './validate.js';

describe('byteTokenizer', () => {
  const tokenizer = byteTokenizer();

  it('has 256 byte ids plus pad, bos and eos above them', () => {
    expect(tokenizer.vocabSize).toBe(259);
    expect([tokenizer.pad, tokenizer.bos, tokenizer.eos]).toEqual([256, 257, 258]);
  });

  it('encodes to UTF-8 bytes and round-trips any well-formed text exactly', () => {
    expect(Array.from(tokenizer.encode('Ab'))).toEqual([65, 98]);
    expect(Array.from(tokenizer.encode('é'))).toEqual([0xc3, 0xa9]);
    for (const text of ['', 'Call me Ishmael.', 'naïve — “quotes” 🐋 東京 \u0000\t\r\n', 'ǅ ß ﬁ 𝔘𝔫𝔦𝔠𝔬𝔡𝔢']) {
      const ids = tokenizer.encode(text);
      expect(ids).toBeInstanceOf(Int32Array);
      expect(tokenizer.decode(ids)).toBe(text);
    }
  });

  it('skips special ids when decoding and rejects ids outside the vocabulary', () => {
    expect(tokenizer.decode([tokenizer.bos, 104, 105, tokenizer.eos, tokenizer.pad])).toBe('hi');
    expect(() => tokenizer.decode([104, 259])).toThrow(DatasetError);
    expect(() => tokenizer.decode([-1])).toThrow(/outside \[0, 259\)/);
  });

  it('replaces invalid UTF-8 (e.g. from a model) with U+FFFD instead of throwing', () => {
    expect(tokenizer.decode([0xff, 104])).toBe('\ufffdh');
  });
});
