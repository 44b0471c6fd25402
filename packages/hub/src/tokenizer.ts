/**
 * The tokenizer of a Hugging Face checkpoint folder: `tokenizer.json` (the byte-level BPE of
 * Mixtral, Qwen2-MoE and OLMoE, or any other model the `tokenizers` library writes) through
 * @huggingface/tokenizers, the pure-JS port of that library, with `tokenizer_config.json` when
 * present. Local files only; nothing is downloaded.
 * Defaults: encode without special tokens (scoring running text), decode keeping them.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { HubError } from './errors.js';

/** Options of `HubTokenizer.encode`. */
export interface EncodeOptions {
  /** Add the model's special tokens (BOS, …) as its post-processor says. Default false. */
  addSpecialTokens?: boolean;
}

/** A checkpoint's tokenizer: text ↔ token ids of the model's vocabulary. */
export interface HubTokenizer {
  /** Vocabulary size, added tokens included. */
  readonly vocab: number;
  encode(text: string, options?: EncodeOptions): Int32Array;
  decode(ids: ArrayLike<number>): string;
}

function readJson(path: string): object {
  try {
    const value = JSON.parse(readFileSync(path, 'utf8')) as unknown;
    if (typeof value !== 'object' || value === null) throw new Error('not an object');
    return value;
  } catch (error) {
    throw new HubError(`${path}: not a valid JSON object (${(error as Error).message})`);
  }
}

/** Reads `dir/tokenizer.json` (and `dir/tokenizer_config.json` when present). */
export function loadTokenizer(dir: string): HubTokenizer {
  const path = join(dir, 'tokenizer.json');
  if (!existsSync(path)) throw new HubError(`${dir}: no tokenizer.json (download it with the checkpoint, or give token ids directly)`);
  const configPath = join(dir, 'tokenizer_config.json');
  let tokenizer: Tokenizer;
  try {
    tokenizer = new Tokenizer(readJson(path), existsSync(configPath) ? readJson(configPath) : {});
  } catch (error) {
    throw error instanceof HubError ? error : new HubError(`${path}: cannot be read as a tokenizer (${(error as Error).message})`);
  }
  return {
    vocab: tokenizer.get_vocab(true).size,
    encode: (text, options = {}) => Int32Array.from(tokenizer.encode(text, { add_special_tokens: options.addSpecialTokens ?? false }).ids),
    decode: (ids) => tokenizer.decode(Array.from(ids)),
  };
}
