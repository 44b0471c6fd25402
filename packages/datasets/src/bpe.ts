/**
 * Byte-level BPE tokenizer (Sennrich et al., "Neural Machine Translation of Rare Words with
 * Subword Units", 2016; byte-level variant as in GPT-2, Radford et al., 2019).
 *
 * Ids 0..255 are bytes, 256/257/258 are pad/bos/eos, and merge r (0-based) creates id 259 + r
 * from its pair [left, right]. Training: split the corpus into chunks with the GPT-2
 * pre-tokenization pattern (so merges never cross a word boundary), then repeatedly merge the
 * most frequent adjacent pair (ties: smallest left id, then smallest right id) until
 * `vocabSize` ids exist or no pair occurs at least twice. Encoding applies merges by rank, as
 * trained, so encode/decode is an exact round trip on any well-formed string.
 *
 * Saved as JSON: { format: 'smoe-bpe', version: 1, vocabSize, specials, pattern, merges };
 * `fromJSON` rejects other formats and versions with a clear error. Defaults: none — vocabSize
 * is required (>= 259, <= 65536). Pure.
 */
import { bytesOf } from './byte-tokenizer.js';
import { BOS_ID, BYTE_SYMBOLS, EOS_ID, FIRST_MERGE_ID, PAD_ID, type Tokenizer } from './tokenizer.js';
import { checkInteger, DatasetError, describeValue, invalid } from './validate.js';

/** GPT-2's pre-tokenization: contractions, optional-space words / numbers / symbols, whitespace. */
export const GPT2_PATTERN = "'(?:[sdmt]|ll|ve|re)| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";
export const BPE_FORMAT = 'smoe-bpe';
export const BPE_VERSION = 1;
const MAX_VOCAB = 65536; // pair keys are left * 65536 + right

export interface BpeOptions {
  /** Total ids including the 256 bytes and 3 specials; >= 259, <= 65536. */
  vocabSize: number;
}

/** The JSON form written by `toJSON` and read by `fromJSON`. */
export interface BpeJson {
  format: typeof BPE_FORMAT;
  version: typeof BPE_VERSION;
  vocabSize: number;
  specials: { pad: number; bos: number; eos: number };
  pattern: string;
  merges: Array<[number, number]>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8');

/** Splits text into pre-tokenization chunks whose concatenation is the text. */
function* chunksOf(text: string, pattern: RegExp): Generator<string> {
  pattern.lastIndex = 0;
  let end = 0;
  for (const match of text.matchAll(pattern)) {
    if (match.index > end) yield text.slice(end, match.index); // never happens with GPT-2's pattern
    yield match[0];
    end = match.index + match[0].length;
  }
  if (end < text.length) yield text.slice(end);
}

export class BpeTokenizer implements Tokenizer {
  readonly kind = 'bpe' as const;
  readonly vocabSize: number;
  readonly pad = PAD_ID;
  readonly bos = BOS_ID;
  readonly eos = EOS_ID;
  readonly merges: ReadonlyArray<readonly [number, number]>;
  readonly pattern: string;
  private readonly ranks = new Map<number, number>();
  private readonly regex: RegExp;
  private readonly cache = new Map<string, Int32Array>();
  private pieces: Uint8Array[] | undefined;

  constructor(merges: ReadonlyArray<readonly [number, number]>, pattern: string = GPT2_PATTERN) {
    this.merges = merges.map(([a, b]) => [a, b] as const);
    this.vocabSize = FIRST_MERGE_ID + merges.length;
    if (this.vocabSize > MAX_VOCAB) invalid('BpeTokenizer', 'merges.length', merges.length, `at most ${MAX_VOCAB - FIRST_MERGE_ID}`);
    this.merges.forEach(([a, b], rank) => {
      const id = FIRST_MERGE_ID + rank;
      for (const part of [a, b]) {
        const isSymbol = Number.isInteger(part) && part >= 0 && part < id && (part < BYTE_SYMBOLS || part >= FIRST_MERGE_ID);
        if (!isSymbol) invalid('BpeTokenizer', `merges[${rank}]`, [a, b], `ids of bytes (0..255) or earlier merges (259..${id - 1})`);
      }
      this.ranks.set(a * MAX_VOCAB + b, rank);
    });
    this.pattern = pattern;
    try {
      this.regex = new RegExp(pattern, 'gu');
    } catch {
      invalid('BpeTokenizer', 'pattern', pattern, 'a valid regular expression source');
    }
  }

  encode(text: string): Int32Array {
    const parts: Int32Array[] = [];
    let total = 0;
    for (const chunk of chunksOf(text, this.regex)) {
      const ids = this.encodeChunk(chunk);
      parts.push(ids);
      total += ids.length;
    }
    const out = new Int32Array(total);
    let offset = 0;
    for (const ids of parts) {
      out.set(ids, offset);
      offset += ids.length;
    }
    return out;
  }

  decode(ids: ArrayLike<number>): string {
    const pieces = this.piecesTable();
    const expanded: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i];
      if (Number.isInteger(id) && id >= FIRST_MERGE_ID && id < this.vocabSize) {
        for (const byte of pieces[id]) expanded.push(byte);
      } else expanded.push(id);
    }
    return decoder.decode(bytesOf(expanded, this.vocabSize, 'BpeTokenizer.decode'));
  }

  toJSON(): BpeJson {
    return {
      format: BPE_FORMAT,
      version: BPE_VERSION,
      vocabSize: this.vocabSize,
      specials: { pad: PAD_ID, bos: BOS_ID, eos: EOS_ID },
      pattern: this.pattern,
      merges: this.merges.map(([a, b]) => [a, b]),
    };
  }

  /** Reads `toJSON()` output (object or JSON string); throws on another format or version. */
  static fromJSON(json: string | unknown): BpeTokenizer {
    let data: unknown = json;
    if (typeof json === 'string') {
      try {
        data = JSON.parse(json);
      } catch (error) {
        throw new DatasetError(`BpeTokenizer.fromJSON: not valid JSON (${(error as Error).message})`);
      }
    }
    if (typeof data !== 'object' || data === null) invalid('BpeTokenizer.fromJSON', 'file', data, 'an object written by BpeTokenizer.toJSON');
    const file = data as Partial<Record<keyof BpeJson, unknown>>;
    if (file.format !== BPE_FORMAT) invalid('BpeTokenizer.fromJSON', 'format', file.format, JSON.stringify(BPE_FORMAT));
    if (file.version !== BPE_VERSION) {
      throw new DatasetError(
        `BpeTokenizer.fromJSON: tokenizer file version ${describeValue(file.version)} comes from another version of @smoe/datasets; this one reads version ${BPE_VERSION}`,
        { field: 'version', value: file.version, allowed: String(BPE_VERSION) },
      );
    }
    const specials = file.specials as BpeJson['specials'] | undefined;
    if (!specials || specials.pad !== PAD_ID || specials.bos !== BOS_ID || specials.eos !== EOS_ID) {
      invalid('BpeTokenizer.fromJSON', 'specials', specials, `{ pad: ${PAD_ID}, bos: ${BOS_ID}, eos: ${EOS_ID} }`);
    }
    const merges = file.merges;
    if (!Array.isArray(merges) || !merges.every((m) => Array.isArray(m) && m.length === 2)) {
      invalid('BpeTokenizer.fromJSON', 'merges', merges, 'an array of [left, right] id pairs');
    }
    if (typeof file.pattern !== 'string') invalid('BpeTokenizer.fromJSON', 'pattern', file.pattern, 'a regular expression source string');
    const tokenizer = new BpeTokenizer(merges as Array<[number, number]>, file.pattern);
    if (file.vocabSize !== tokenizer.vocabSize) {
      invalid('BpeTokenizer.fromJSON', 'vocabSize', file.vocabSize, `${tokenizer.vocabSize} (259 + merges.length)`);
    }
    return tokenizer;
  }

  private encodeChunk(chunk: string): Int32Array {
    const cached = this.cache.get(chunk);
    if (cached) return cached;
    let symbols = Array.from(encoder.encode(chunk));
    while (symbols.length > 1) {
      let bestRank = Infinity;
      let bestKey = -1;
      for (let i = 0; i + 1 < symbols.length; i++) {
        const key = symbols[i] * MAX_VOCAB + symbols[i + 1];
        const rank = this.ranks.get(key);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestKey = key;
        }
      }
      if (bestKey < 0) break;
      symbols = mergePair(symbols, Math.floor(bestKey / MAX_VOCAB), bestKey % MAX_VOCAB, FIRST_MERGE_ID + bestRank);
    }
    const ids = Int32Array.from(symbols);
    if (this.cache.size >= 200_000) this.cache.clear(); // bound memory on huge, diverse inputs
    this.cache.set(chunk, ids);
    return ids;
  }

  private piecesTable(): Uint8Array[] {
    if (this.pieces) return this.pieces;
    const pieces: Uint8Array[] = new Array(this.vocabSize);
    for (let b = 0; b < BYTE_SYMBOLS; b++) pieces[b] = Uint8Array.of(b);
    for (const id of [PAD_ID, BOS_ID, EOS_ID]) pieces[id] = new Uint8Array(0);
    this.merges.forEach(([a, b], rank) => {
      const piece = new Uint8Array(pieces[a].length + pieces[b].length);
      piece.set(pieces[a]);
      piece.set(pieces[b], pieces[a].length);
      pieces[FIRST_MERGE_ID + rank] = piece;
    });
    this.pieces = pieces;
    return pieces;
  }
}

/** Replaces every non-overlapping (left, right), scanning left to right, with `id`. */
function mergePair(symbols: number[], left: number, right: number, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < symbols.length; i++) {
    if (i + 1 < symbols.length && symbols[i] === left && symbols[i + 1] === right) {
      out.push(id);
      i++;
    } else out.push(symbols[i]);
  }
  return out;
}

/** Trains a BPE tokenizer on `text`; see the file header for the algorithm. */
export function trainBpe(text: string, options: BpeOptions): BpeTokenizer {
  if (typeof text !== 'string') invalid('trainBpe', 'text', text, 'a string');
  if (typeof options !== 'object' || options === null) invalid('trainBpe', 'options', options, '{ vocabSize }');
  const vocabSize = checkInteger('trainBpe', 'vocabSize', options.vocabSize, FIRST_MERGE_ID, MAX_VOCAB);

  // Unique chunks with their frequencies; each chunk is a word of symbols.
  const frequency = new Map<string, number>();
  for (const chunk of chunksOf(text, new RegExp(GPT2_PATTERN, 'gu'))) frequency.set(chunk, (frequency.get(chunk) ?? 0) + 1);
  const words: number[][] = [];
  const counts: number[] = [];
  for (const [chunk, count] of frequency) {
    const bytes = encoder.encode(chunk);
    if (bytes.length < 2) continue; // a single byte never merges
    words.push(Array.from(bytes));
    counts.push(count);
  }

  const pairCount = new Map<number, number>();
  const pairWords = new Map<number, Set<number>>();
  const addPairs = (w: number, sign: 1 | -1): void => {
    const word = words[w];
    for (let i = 0; i + 1 < word.length; i++) {
      const key = word[i] * MAX_VOCAB + word[i + 1];
      const next = (pairCount.get(key) ?? 0) + sign * counts[w];
      if (next === 0) pairCount.delete(key);
      else pairCount.set(key, next);
      if (sign > 0) {
        let set = pairWords.get(key);
        if (!set) pairWords.set(key, (set = new Set()));
        set.add(w);
      }
    }
  };
  for (let w = 0; w < words.length; w++) addPairs(w, 1);

  const merges: Array<[number, number]> = [];
  while (FIRST_MERGE_ID + merges.length < vocabSize) {
    let bestKey = -1;
    let bestCount = 1; // pairs seen once are not worth an id
    for (const [key, count] of pairCount) {
      if (count > bestCount || (count === bestCount && bestKey >= 0 && key < bestKey)) {
        bestCount = count;
        bestKey = key;
      }
    }
    if (bestKey < 0) break;
    const left = Math.floor(bestKey / MAX_VOCAB);
    const right = bestKey % MAX_VOCAB;
    const id = FIRST_MERGE_ID + merges.length;
    merges.push([left, right]);
    const affected = pairWords.get(bestKey) ?? new Set<number>();
    pairWords.delete(bestKey);
    for (const w of affected) {
      const word = words[w];
      let present = false;
      for (let i = 0; i + 1 < word.length && !present; i++) present = word[i] === left && word[i + 1] === right;
      if (!present) continue; // stale entry: an earlier merge already consumed this pair here
      addPairs(w, -1);
      words[w] = mergePair(word, left, right, id);
      addPairs(w, 1);
    }
  }
  return new BpeTokenizer(merges);
}
