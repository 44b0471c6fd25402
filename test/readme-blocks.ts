/**
 * The fenced code blocks of the project's READMEs, for the tests that run them: TypeScript and
 * JavaScript blocks run as programs; `sh` blocks are command lines; blocks without a language
 * are equations and diagrams, not code.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { repositoryRoot } from '../scripts/consumer.js';

/** One fenced block: where it is (file relative to the root, 1-based line of the fence), its language tag and text. */
export interface CodeBlock {
  file: string;
  line: number;
  language: string;
  code: string;
}

/** Languages whose blocks are programs the tests run. */
export const programLanguages: readonly string[] = ['ts', 'typescript', 'js', 'javascript', 'mjs'];

/** The root README and every package's and app's README, root first. */
export function readmeFiles(): string[] {
  const files = [join(repositoryRoot, 'README.md')];
  for (const group of ['packages', 'apps']) {
    for (const entry of readdirSync(join(repositoryRoot, group)).sort()) {
      const file = join(repositoryRoot, group, entry, 'README.md');
      if (existsSync(file)) files.push(file);
    }
  }
  return files;
}

/** The fenced blocks of one markdown file, in order. Throws on a fence that is never closed. */
export function codeBlocks(file: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  let open: { line: number; language: string; body: string[] } | undefined;
  lines.forEach((text, index) => {
    const fence = /^```\s*([\w-]*)/.exec(text);
    if (!fence) {
      open?.body.push(text);
    } else if (open) {
      blocks.push({ file: relative(repositoryRoot, file), line: open.line, language: open.language, code: open.body.join('\n') + '\n' });
      open = undefined;
    } else {
      open = { line: index + 1, language: fence[1].toLowerCase(), body: [] };
    }
  });
  if (open) throw new Error(`${file}:${open.line}: a code fence is opened and never closed`);
  return blocks;
}

/** Every README's blocks. */
export function allCodeBlocks(): CodeBlock[] {
  return readmeFiles().flatMap(codeBlocks);
}
