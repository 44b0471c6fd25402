/**
 * Language-modelling corpora by name, for configs and CLIs that pick a corpus with a string:
 * 'moby-dick' (default for the demo) and 'sotu'. Unknown names and splits throw an error that
 * lists the allowed ones. Node only (through the corpus loaders).
 */
import { mobyDick, mobyDickSections, type TextDocument } from './moby-dick.js';
import { checkSplit, type Split } from './splits.js';
import { stateOfTheUnion, stateOfTheUnionAddresses } from './state-of-the-union.js';
import { checkOneOf } from './validate.js';

export const corpusNames = ['moby-dick', 'sotu'] as const;
export type CorpusName = (typeof corpusNames)[number];

/** The text of one split of a named corpus. */
export function textCorpus(name: CorpusName, split: Split): string {
  const corpus = checkOneOf('textCorpus', 'name', name, corpusNames);
  const checked = checkSplit('textCorpus', split);
  return corpus === 'moby-dick' ? mobyDick(checked) : stateOfTheUnion(checked);
}

/** The documents (chapters or addresses) of one split of a named corpus, in order. */
export function textCorpusDocuments(name: CorpusName, split: Split): TextDocument[] {
  const corpus = checkOneOf('textCorpusDocuments', 'name', name, corpusNames);
  const checked = checkSplit('textCorpusDocuments', split);
  const all: TextDocument[] = corpus === 'moby-dick' ? mobyDickSections() : stateOfTheUnionAddresses();
  return all.filter((document) => document.split === checked);
}
