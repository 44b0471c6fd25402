import { describe, expect, it } from 'vitest';
import { BpeTokenizer, BPE_VERSION, trainBpe } from './bpe.js';
import { mobyDick } from './moby-dick.js';
import { stateOfTheUnionAddresses } from './state-of-the-union.js';
import { DatasetError } from './validate.js';

// A 150 kB slice keeps training well under a second.
const corpus = mobyDick('train').slice(0, 150_000);
const tokenizer = trainBpe(corpus, { vocabSize: 400 });

describe('trainBpe', () => {
  it('learns exactly vocabSize ids and compresses the corpus', () => {
    expect(tokenizer.vocabSize).toBe(400);
    expect(tokenizer.merges.length).toBe(400 - 259);
    const ids = tokenizer.encode(corpus);
    expect(ids.length).toBeLessThan(corpus.length * 0.6);
    expect(Math.max(...ids.subarray(0, 5000))).toBeLessThan(400);
  });

  it('is deterministic', () => {
    expect(trainBpe(corpus.slice(0, 20_000), { vocabSize: 300 }).merges).toEqual(trainBpe(corpus.slice(0, 20_000), { vocabSize: 300 }).merges);
  });

  it('round-trips text it was not trained on exactly, including non-ASCII', () => {
    const texts = [
      mobyDick('test').slice(0, 30_000),
      stateOfTheUnionAddresses().at(-1)!.text.slice(0, 20_000),
      'naïve — “quotes” 🐋 東京\n\n\tindented   spaces  ',
      '',
      "it's they'll we've I'm 1851 ...!!",
    ];
    for (const text of texts) expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('stops early when no pair occurs twice', () => {
    const small = trainBpe('abab', { vocabSize: 1000 });
    expect(small.vocabSize).toBe(260); // only "ab"
    expect(Array.from(small.encode('abab'))).toEqual([259, 259]);
  });

  it('validates vocabSize', () => {
    expect(() => trainBpe(corpus, { vocabSize: 100 })).toThrow(/vocabSize = 100 is invalid; allowed: an integer in \[259, 65536\]/);
  });
});

describe('BpeTokenizer JSON', () => {
  it('saves and loads, giving identical encodings', () => {
    const json = JSON.stringify(tokenizer.toJSON());
    const loaded = BpeTokenizer.fromJSON(json);
    const sample = mobyDick('validation').slice(0, 20_000);
    expect(loaded.vocabSize).toBe(tokenizer.vocabSize);
    expect(loaded.encode(sample)).toEqual(tokenizer.encode(sample));
    expect(BpeTokenizer.fromJSON(JSON.parse(json)).merges).toEqual(tokenizer.merges);
  });

  it('rejects a file from another version, another format, or with broken merges', () => {
    const file = tokenizer.toJSON();
    expect(() => BpeTokenizer.fromJSON({ ...file, version: BPE_VERSION + 1 })).toThrow(/version 2 comes from another version/);
    expect(() => BpeTokenizer.fromJSON({ ...file, format: 'gpt2' })).toThrow(/format = "gpt2" is invalid; allowed: "smoe-bpe"/);
    expect(() => BpeTokenizer.fromJSON({ ...file, merges: [[300, 1]] })).toThrow(DatasetError);
    expect(() => BpeTokenizer.fromJSON({ ...file, vocabSize: 5 })).toThrow(/vocabSize = 5/);
    expect(() => BpeTokenizer.fromJSON('{not json')).toThrow(/not valid JSON/);
  });
});
