// loadTokenizer on a hand-made byte-level BPE tokenizer.json (the format of Mixtral, Qwen2-MoE
// and OLMoE): GPT-2's byte-to-character alphabet as the base vocabulary, two merges, the
// ByteLevel pre-tokenizer and decoder. Checks the merges as defined, the byte fallback for any
// Unicode text, and decode(encode(text)) = text.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { saveByteTokenizer } from './byte_tokenizer.js';
import { loadTokenizer } from './tokenizer.js';

/** GPT-2's bytes_to_unicode: printable Latin-1 bytes map to themselves, the others to U+0100 onwards, in byte order. */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : next++));
}

const alphabet = byteAlphabet();
const vocab: Record<string, number> = Object.fromEntries(alphabet.map((c, i) => [c, i]));
vocab['ab'] = 256;
vocab['Ġab'] = 257; // 'Ġ' is the space byte 0x20
const tokenizerJson = {
  version: '1.0',
  added_tokens: [{ id: 258, content: '<|endoftext|>', single_word: false, lstrip: false, rstrip: false, normalized: false, special: true }],
  normalizer: null,
  pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: true },
  post_processor: null,
  decoder: { type: 'ByteLevel', add_prefix_space: true, trim_offsets: true, use_regex: true },
  model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, vocab, merges: ['a b', 'Ġ ab'] },
};

const dir = mkdtempSync(join(tmpdir(), 'smoe-tok-'));
writeFileSync(join(dir, 'tokenizer.json'), JSON.stringify(tokenizerJson));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadTokenizer (byte-level BPE)', () => {
  const tokenizer = loadTokenizer(dir);

  it('applies the merges: "ab ab" → [ab, Ġab]; unmerged bytes stay single', () => {
    expect(Array.from(tokenizer.encode('ab ab'))).toEqual([256, 257]);
    expect(Array.from(tokenizer.encode('ba'))).toEqual([vocab.b, vocab.a]);
    expect(tokenizer.vocab).toBe(259);
  });

  it('any Unicode text is its UTF-8 bytes, and decodes back', () => {
    const text = 'naïve café — 東京 🙂\n\tab';
    const ids = tokenizer.encode(text);
    const bytes = Array.from(Buffer.from(text, 'utf8'));
    expect(ids.length).toBe(bytes.length - 1); // one merge: the final "ab"
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('a folder without tokenizer.json says so', () => {
    expect(() => loadTokenizer(join(dir, 'missing'))).toThrow(/no tokenizer\.json/);
  });
});

describe('saveByteTokenizer', () => {
  it('encodes any text to its UTF-8 bytes, specials after them, and decodes back', () => {
    const out = join(dir, 'bytes');
    saveByteTokenizer(out, ['<pad>', '<bos>', '<eos>'], { pad: '<pad>', bos: '<bos>', eos: '<eos>' });
    const tokenizer = loadTokenizer(out);
    const text = ' Call me Ishmael.  naïve 東京 🙂\n\t';
    expect(Array.from(tokenizer.encode(text))).toEqual(Array.from(Buffer.from(text, 'utf8')));
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
    expect(Array.from(tokenizer.encode('<bos>a'))).toEqual([257, 97]);
    expect(tokenizer.vocab).toBe(259);
  });
});
