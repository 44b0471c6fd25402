/**
 * saveByteTokenizer: a `tokenizer.json` (and `tokenizer_config.json`) for a model whose token ids
 * are UTF-8 bytes (id b = byte b, 0..255) followed by special tokens — smoe's byte tokenizer —
 * so Transformers (`AutoTokenizer.from_pretrained(dir)`) and `loadTokenizer` encode text to the
 * ids the model was trained on. It is a byte-level BPE without merges: GPT-2's byte-to-character
 * alphabet as the vocabulary, in byte order, with the ByteLevel pre-tokenizer (no regex split,
 * no prefix space) and decoder.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** GPT-2's bytes_to_unicode: printable Latin-1 bytes stand for themselves, the others take U+0100 onwards in byte order. */
function byteAlphabet(): string[] {
  const printable = (b: number): boolean => (b >= 0x21 && b <= 0x7e) || (b >= 0xa1 && b <= 0xac) || (b >= 0xae && b <= 0xff);
  let next = 256;
  return Array.from({ length: 256 }, (_, b) => String.fromCharCode(printable(b) ? b : next++));
}

/** Writes tokenizer.json and tokenizer_config.json to `dir`; `specialTokens` take ids 256, 257, …; `roles` names pad/bos/eos among them. */
export function saveByteTokenizer(dir: string, specialTokens: readonly string[], roles: { pad?: string; bos?: string; eos?: string } = {}): string[] {
  const vocab = Object.fromEntries(byteAlphabet().map((c, b) => [c, b]));
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: specialTokens.map((content, i) => ({ id: 256 + i, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true })),
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    post_processor: null,
    decoder: { type: 'ByteLevel', add_prefix_space: false, trim_offsets: true, use_regex: false },
    model: { type: 'BPE', dropout: null, unk_token: null, continuing_subword_prefix: null, end_of_word_suffix: null, fuse_unk: false, byte_fallback: false, ignore_merges: false, vocab, merges: [] },
  };
  const config = {
    tokenizer_class: 'PreTrainedTokenizerFast',
    model_max_length: 1_000_000,
    ...(roles.pad ? { pad_token: roles.pad } : {}),
    ...(roles.bos ? { bos_token: roles.bos } : {}),
    ...(roles.eos ? { eos_token: roles.eos } : {}),
  };
  mkdirSync(dir, { recursive: true });
  const files = [join(dir, 'tokenizer.json'), join(dir, 'tokenizer_config.json')];
  writeFileSync(files[0], `${JSON.stringify(tokenizer)}\n`);
  writeFileSync(files[1], `${JSON.stringify(config, null, 2)}\n`);
  return files;
}
